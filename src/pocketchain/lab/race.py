"""What the scenarios share: the exponential mining race, handing blocks from node to node, and
keys of their own.

The exponential mode: each miner's time to its next block is drawn from an exponential
distribution whose rate is its share of the hash power; the first to finish mines a real block
(`Node.mine`: a valid proof of work at regtest's easy target). Since waiting times are memoryless,
this is exactly how a share of the hash power finds blocks, at no cost in hashing.
"""

import math
import random
from collections.abc import Iterable, Sequence

from .._embedded import Node
from ..consensus.block import Block
from ..consensus.keys import encode_address, key_hash, pubkey_from_secret
from ..consensus.params import REGTEST
from ..consensus.tx import TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx

FEE = 1_000  # base units each payment of a purse leaves to the miner


def first_to_find(shares: Sequence[float], rng: random.Random) -> int:
    """Which miner finds the next block: each draws its time to the next one, the first wins."""
    times = [rng.expovariate(share) if share > 0 else math.inf for share in shares]
    return min(range(len(times)), key=times.__getitem__)


def hand_over(source: Node, target: Node, hashes: Iterable[str]) -> None:
    """Give `target` these blocks of `source`, in order, as a peer would announce them."""
    for block_hash in hashes:
        target.submit_block(source.raw_block(block_hash))


def new_key(rng: random.Random) -> tuple[bytes, bytes, str]:
    """A secret drawn from `rng` (so a seed repeats a run), its key hash and regtest address."""
    secret = rng.randbytes(32)
    kh = key_hash(pubkey_from_secret(secret))
    return secret, kh, encode_address(REGTEST.hrp, kh)


class ChainView:
    """A node's active chain as a list of hashes (height 1 first), brought up to date by asking
    only for what changed since the last look."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.hashes: list[str] = []

    def refresh(self) -> list[str]:
        height = self.node.status().height
        fresh: list[str] = []
        while height > 0:
            block_hash = self.node.block(height).hash
            if height <= len(self.hashes) and self.hashes[height - 1] == block_hash:
                break
            fresh.append(block_hash)
            height -= 1
        self.hashes[height:] = reversed(fresh)
        return self.hashes


class Purse:
    """A key and coins of equal value, one for each payment a scenario makes."""

    def __init__(self, rng: random.Random) -> None:
        self.secret, self.key_hash, self.address = new_key(rng)
        self.coins: list[tuple[OutPoint, int]] = []

    def fund(self, node: Node, count: int) -> list[str]:
        """Mine to itself on `node` until a coinbase matures, and split it into `count` coins
        (confirmed in one more block); the blocks mined, oldest first."""
        hashes = list(node.mine(REGTEST.coinbase_maturity + 1, to=self.address))
        coinbase = Block.parse(node.raw_block(hashes[0])).txs[0]
        inputs = [OutPoint(coinbase.txid, 0)]
        size = self.signed(inputs, [TxOut(0, self.key_hash)] * count).size
        amount = (coinbase.outputs[0].amount - 2 * size) // count  # 2 units a byte
        split = self.signed(inputs, [TxOut(amount, self.key_hash)] * count)
        node.submit(split)
        hashes += node.mine(1, to=self.address)
        self.coins = [(OutPoint(split.txid, i), amount) for i in range(count)]
        return hashes

    def pay(self, coin: int, to: bytes) -> Tx:
        """Coin number `coin`, less the fee, to the key hash `to`."""
        outpoint, amount = self.coins[coin]
        return self.signed([outpoint], [TxOut(amount - FEE, to)])

    def signed(self, inputs: list[OutPoint], outputs: list[TxOut]) -> Tx:
        unsigned = Tx(TX_VERSION, tuple(TxIn(op, b"", b"") for op in inputs), tuple(outputs))
        return sign_tx(unsigned, (self.secret,) * len(inputs), REGTEST.magic)
