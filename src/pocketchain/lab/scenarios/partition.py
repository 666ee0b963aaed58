"""A network split in two for a while, then healed, on real nodes that talk HTTP on loopback.

The nodes (a mesh) mine in the exponential mode, equal shares, and payments keep coming to
nodes on both sides. During the split each side grows its own chain; when the links come back
the side with less work reorganizes onto the other's chain. What that costs:

- orphaned blocks: blocks that were some node's tip and are not on the final chain;
- resurrected transactions: payments that were confirmed in an orphaned block, returned to the
  mempool by the reorganization and confirmed again on the winning chain (or waiting for it);
- the seconds from the heal until every node has the same tip.
"""

import contextlib
import random
import time
from collections.abc import Callable
from typing import Any

from ..._devnet import LabError, parse_groups
from ..._results import Block
from ...consensus.errors import NotFound
from ..network import LabNetwork
from ..plot import Chart, Series
from ..race import ChainView, Purse, new_key
from ..scenario import Outcome, ScenarioError, Trace
from ..topology import links

NAME = "partition"
SUMMARY = "split the network for some seconds, heal it: orphaned blocks, resurrected payments"
PARAMS: dict[str, Any] = {
    "groups": "0,1 2,3",
    "seconds": 20.0,
    "block_interval": 1.0,
    "payments_per_second": 2.0,
}
WARM_UP = 2.0  # seconds of mining before the split
SETTLE = 3.0  # seconds of mining after the nodes agree again
SAMPLE = 0.25  # seconds between two looks at the heights, for the chart


def run(params: dict[str, Any], rng: random.Random, trace: Trace) -> Outcome:
    texts = str(params["groups"]).split()
    count = sum(len(text.split(",")) for text in texts)
    try:
        groups = parse_groups(texts, count)
    except LabError as exc:
        raise ScenarioError(f"groups: {exc}") from None
    seconds, interval = float(params["seconds"]), float(params["block_interval"])
    rate = float(params["payments_per_second"])
    if not (0 < seconds <= 600 and 0.1 <= interval <= 60 and 0 <= rate <= 20):
        raise ScenarioError("seconds is 0 to 600, block_interval 0.1 to 60, payments 0 to 20/s")
    payments = int(seconds * rate) + 1
    heights: list[list[tuple[float, float]]] = [[] for _ in range(count)]
    with LabNetwork(count, links("mesh", count)) as net:
        net.wait_connected()
        purse, payee = Purse(rng), new_key(rng)[1]
        purse.fund(net.nodes[0], payments)
        net.wait_converged()
        start = time.monotonic()
        net.mine(interval)

        def look() -> None:
            for i, node in enumerate(net.nodes):
                heights[i].append((time.monotonic() - start, node.status().height))

        _run_for(WARM_UP, look)
        cut = net.split(groups)
        trace("split", links=len(cut))
        sent = 0

        def pay() -> None:
            nonlocal sent
            look()
            due = int((time.monotonic() - start - WARM_UP) * rate)
            while sent < min(due, payments):
                to = rng.randrange(count)
                txid = net.nodes[to].submit(purse.pay(sent, payee))
                trace("payment", to_node=to, txid=txid)
                sent += 1

        _run_for(seconds, pay)
        net.heal(cut)
        trace("heal", links=len(cut))
        converge = net.wait_converged()
        trace("converged", seconds=round(converge, 3))
        _run_for(SETTLE, look)
        net.settle(quiet=SETTLE)
        final = set(ChainView(net.nodes[0]).refresh())
        orphaned = [h for h in set().union(*net.seen.at) if h not in final]
        resurrected = _resurrected(net, orphaned, final)
    chart = Chart(
        f"Partition {' | '.join(texts)} for {seconds:g} s",
        "seconds",
        "height",
        [Series(f"node {i}", tuple(points)) for i, points in enumerate(heights)],
    )
    return Outcome(
        {
            "orphaned_blocks": len(orphaned),
            "resurrected_txs": resurrected,
            "converge_seconds": round(converge, 3),
            "payments": sent,
            "mode": "exponential",
        },
        {},
        chart,
    )


def _run_for(seconds: float, step: Callable[[], None]) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        step()
        time.sleep(min(SAMPLE, max(end - time.monotonic(), 0)))


def _resurrected(net: LabNetwork, orphaned: list[str], final: set[str]) -> int:
    """Payments of orphaned blocks that are again confirmed on the final chain or pooled."""
    again = 0
    for block_hash in orphaned:
        block = _anywhere(net, block_hash)
        for tx in block.txs[1:] if block is not None else ():
            with contextlib.suppress(NotFound):  # NotFound: lost for good
                status = net.nodes[0].tx(tx.txid)
                again += status.status == "mempool" or status.block in final
    return again


def _anywhere(net: LabNetwork, block_hash: str) -> Block | None:
    """The block from whichever node stored it."""
    for node in net.nodes:
        with contextlib.suppress(NotFound):
            return node.block(block_hash)
    return None
