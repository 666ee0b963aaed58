"""Per-network chain parameters and their fixed genesis blocks (Core: chainparams.cpp)."""

from dataclasses import dataclass
from typing import Literal

from .block import Block, BlockHeader
from .hashes import from_display
from .merkle import merkle_root
from .pow import compact_to_target
from .tx import COIN, TxOut, coinbase_tx

MAX_MONEY = 21_000_000 * COIN  # Core: MAX_MONEY, the bound of every amount and sum
MAX_BLOCK_SIZE = 1_000_000  # Core: MAX_BLOCK_SERIALIZED_SIZE before segwit
INITIAL_SUBSIDY = 50 * COIN


@dataclass(frozen=True)
class ChainParams:
    name: str
    hrp: str  # address prefix
    magic: bytes  # signed by every transaction, so a signature is valid on one network only
    pow_limit: int  # the easiest target allowed
    spacing: int  # target seconds between blocks
    retarget: Literal["none", "asert", "bitcoin"]
    asert_halflife: int  # seconds, for "asert"
    retarget_interval: int  # blocks, for "bitcoin"
    halving_interval: int
    coinbase_maturity: int
    max_future_block_time: int  # seconds a header's time may be ahead of ours
    # a chain of headers from a peer, or a block nobody asked for, is stored only with this much
    # work (Core: nMinimumChainWork, raised with releases as the chain grows)
    minimum_chain_work: int
    genesis: Block
    # nodes a new node asks for addresses of peers (Core: vSeeds); not consensus, but per network
    seeds: tuple[str, ...] = ()

    @property
    def genesis_hash(self) -> bytes:
        return self.genesis.hash


def block_subsidy(height: int, params: ChainParams) -> int:
    """New coins in the coinbase at `height` (Core: GetBlockSubsidy)."""
    halvings = height // params.halving_interval
    return 0 if halvings >= 64 else INITIAL_SUBSIDY >> halvings


def _genesis(message: str, time: int, bits: int, nonce: int, expected_hash: str) -> Block:
    """A genesis block whose coinbase pays 50 coins to nobody (the zero key hash)."""
    coinbase = coinbase_tx(0, (TxOut(INITIAL_SUBSIDY, bytes(20)),), data=message.encode())
    root, _ = merkle_root([coinbase.txid])
    block = Block(BlockHeader(1, bytes(32), root, time, bits, nonce), (coinbase,))
    if block.hash != from_display(expected_hash):  # the constant is checked whenever code loads
        raise AssertionError(f"{message}: genesis hash mismatch")
    return block


GENESIS_TIME = 1_795_219_200  # 2026-11-21 00:00:00 UTC
ASERT_HALFLIFE_DEVNET = 40  # seconds: 8 blocks of 5 s

REGTEST = ChainParams(
    name="regtest",
    hrp="pcrt",
    magic=b"pcrt",
    pow_limit=compact_to_target(0x207FFFFF)[0],
    spacing=600,
    retarget="none",  # Core: fPowNoRetargeting on regtest
    asert_halflife=0,
    retarget_interval=0,
    halving_interval=150,
    coinbase_maturity=100,
    max_future_block_time=2 * 60 * 60,
    minimum_chain_work=0,
    genesis=_genesis(
        "pocketchain regtest genesis",
        GENESIS_TIME,
        0x207FFFFF,
        2,
        "061d8eca308ee6c52999840d8d7dda81dc0277a375cc52bd545847ae25444144",
    ),
)

DEVNET = ChainParams(
    name="devnet",
    hrp="pcd",
    magic=b"pcdv",
    pow_limit=compact_to_target(0x1F00FFFF)[0],
    spacing=5,
    retarget="asert",
    asert_halflife=ASERT_HALFLIFE_DEVNET,
    retarget_interval=0,
    halving_interval=210_000,
    coinbase_maturity=20,
    max_future_block_time=30,
    minimum_chain_work=0,
    genesis=_genesis(
        "pocketchain devnet genesis",
        GENESIS_TIME,
        0x1F00FFFF,
        85242,
        "0000aa43570f35b9629f8351d82e3f56fb0ab83b51e48c53be840995f9976984",
    ),
)

MAIN = ChainParams(
    name="main",
    hrp="pc",
    magic=b"pcmn",
    pow_limit=compact_to_target(0x1E00FFFF)[0],
    spacing=60,
    retarget="bitcoin",
    asert_halflife=0,
    retarget_interval=144,
    halving_interval=210_000,
    coinbase_maturity=100,
    max_future_block_time=2 * 60 * 60,
    minimum_chain_work=0,
    genesis=_genesis(
        "pocketchain main genesis",
        GENESIS_TIME,
        0x1E00FFFF,
        10_100_979,
        "000000ef73770447cb6723b5af02a1ded25e8083f0e42fa24d29aced8c9ebbef",
    ),
)

NETWORKS = {p.name: p for p in (REGTEST, DEVNET, MAIN)}


def get_params(name: str) -> ChainParams:
    """The parameters of a network by name; ValueError naming the known ones otherwise."""
    try:
        return NETWORKS[name]
    except KeyError:
        raise ValueError(f"unknown network {name!r} (choose {', '.join(NETWORKS)})") from None
