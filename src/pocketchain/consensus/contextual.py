"""Checks that need the chain a header or block extends (Core: ContextualCheckBlockHeader/Block).

The caller passes what the chain knows: the previous block's height and bits, ancestor times,
and the current time. Nothing here reads a clock or a database.
"""

from collections.abc import Callable, Sequence

from .block import Block, BlockHeader
from .errors import RejectError
from .params import ChainParams
from .retarget import asert_next_bits, bitcoin_next_bits

MEDIAN_TIME_SPAN = 11  # Core: CBlockIndex::nMedianTimeSpan
MAX_SOLVETIME_SPACINGS = 6  # one block's time moves the target as if it took at most 6 spacings


def median_time_past(times: Sequence[int]) -> int:
    """The median of the last 11 block times (Core: GetMedianTimePast)."""
    last = sorted(times[-MEDIAN_TIME_SPAN:])
    return last[len(last) // 2]


def next_bits(
    params: ChainParams, prev_height: int, prev_bits: int, time_at: Callable[[int], int]
) -> int:
    """The bits the block after `prev_height` must carry (Core: GetNextWorkRequired).

    `time_at(h)` is the time of the new block's ancestor at height h.
    """
    if params.retarget == "none":
        return prev_bits
    if params.retarget == "asert":
        if prev_height == 0:
            return prev_bits
        # aserti3-2d anchored at the parent: the target moves by 2^((solvetime - spacing)/halflife),
        # so a network that stops and starts again never races to catch up a schedule
        limit = MAX_SOLVETIME_SPACINGS * params.spacing
        solvetime = time_at(prev_height) - time_at(prev_height - 1)
        solvetime = max(-limit, min(limit, solvetime))  # clamped, like LWMA's solvetimes
        return asert_next_bits(
            prev_bits, solvetime, 0, params.spacing, params.asert_halflife, params.pow_limit
        )
    interval = params.retarget_interval
    if (prev_height + 1) % interval != 0:
        return prev_bits
    first_time = time_at(prev_height - (interval - 1))
    return bitcoin_next_bits(
        prev_bits, first_time, time_at(prev_height), interval * params.spacing, params.pow_limit
    )


def contextual_check_header(
    header: BlockHeader, expected_bits: int, mtp: int, now: int, params: ChainParams
) -> None:
    """Core: ContextualCheckBlockHeader."""
    if header.bits != expected_bits:
        raise RejectError("bad-diffbits", "incorrect proof of work target")
    if header.time <= mtp:
        raise RejectError("time-too-old", "block time is not after the median of the last 11")
    if header.time > now + params.max_future_block_time:
        raise RejectError("time-too-new", "block time is too far in the future")


def contextual_check_block(block: Block, height: int) -> None:
    """Core: ContextualCheckBlock: the coinbase commits to the block height (BIP-34)."""
    if block.txs[0].coinbase_height != height:
        raise RejectError("bad-cb-height", "coinbase does not carry the block height")
