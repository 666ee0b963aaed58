"""Published vectors: Bitcoin's genesis headers, and our own networks' genesis blocks."""

import pytest

from pocketchain.consensus.block import BlockHeader
from pocketchain.consensus.check import check_block
from pocketchain.consensus.hashes import from_display, to_display
from pocketchain.consensus.params import DEVNET, MAIN, NETWORKS, REGTEST, get_params
from pocketchain.consensus.pow import check_proof_of_work

BITCOIN_MERKLE = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"

# (network, time, bits, nonce, serialized header, block hash), from Bitcoin Core's chainparams.cpp
BITCOIN_GENESIS = [
    (
        "main",
        1231006505,
        0x1D00FFFF,
        2083236893,
        "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27a"
        "c72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c",
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
    ),
    (
        "testnet3",
        1296688602,
        0x1D00FFFF,
        414098458,
        "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27a"
        "c72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff001d1aa4ae18",
        "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943",
    ),
    (
        "regtest",
        1296688602,
        0x207FFFFF,
        2,
        "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27a"
        "c72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000",
        "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
    ),
]


@pytest.mark.parametrize(("net", "time", "bits", "nonce", "raw", "hash_hex"), BITCOIN_GENESIS)
def test_bitcoin_genesis_header(
    net: str, time: int, bits: int, nonce: int, raw: str, hash_hex: str
) -> None:
    header = BlockHeader(1, bytes(32), from_display(BITCOIN_MERKLE), time, bits, nonce)
    assert header.raw.hex() == raw
    assert to_display(header.hash) == hash_hex
    assert BlockHeader.parse(bytes.fromhex(raw)) == header
    pow_limit = (0x7FFFFF << 232) if net == "regtest" else (0xFFFF << 208)
    assert check_proof_of_work(header.hash, bits, pow_limit)


@pytest.mark.parametrize("params", [REGTEST, DEVNET, MAIN], ids=lambda p: p.name)
def test_our_genesis_blocks_are_valid_and_distinct(params) -> None:
    genesis = params.genesis
    check_block(genesis, params)  # its own proof of work, merkle root and coinbase
    assert genesis.header.prev == bytes(32)
    assert genesis.txs[0].coinbase_height == 0
    assert get_params(params.name) is params


def test_networks_differ_in_everything_that_separates_them() -> None:
    nets = list(NETWORKS.values())
    for field in ("genesis_hash", "hrp", "magic"):
        assert len({getattr(p, field) for p in nets}) == len(nets), field


def test_unknown_network_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="unknown network 'mainnet'"):
        get_params("mainnet")
