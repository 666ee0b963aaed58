"""feature_block / p2p_invalid_block: bad blocks are refused with Core's reject codes, nothing
changes, and the node keeps serving."""

from dataclasses import replace

import httpx
import pytest
from framework import NodeError, TestNode

from builders import kh
from pocketchain.consensus.block import Block
from pocketchain.consensus.merkle import merkle_root
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import TxOut, coinbase_tx
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import solve


def tip_block(node: TestNode) -> Block:
    return Block.parse(bytes.fromhex(node.block_hex(node.tip())))


def next_block(node: TestNode, reward: int = 50 * 10**8, height_delta: int = 1, **header) -> Block:
    tip = tip_block(node)
    height = node.height() + height_delta
    block = assemble_block(REGTEST, tip.hash, height, tip.header.time + 1, 0x207FFFFF, (), 0, kh(1))
    coinbase = coinbase_tx(height, (TxOut(reward, kh(1)),))
    root = merkle_root([coinbase.txid])[0]
    solved = solve(replace(block.header, merkle_root=root, **header))
    assert solved is not None
    return Block(solved, (coinbase,))


def refused(node: TestNode, raw: str) -> tuple[int, str]:
    with pytest.raises(NodeError) as err:
        node.submit_block(raw)
    return err.value.status, err.value.code


def test_bad_blocks_get_their_reject_codes(nodes) -> None:
    node = nodes()
    node.mine(12)
    height, tip = node.height(), node.tip()
    good = next_block(node)
    cases = {
        "bad-txnmrklroot": Block(solve(replace(good.header, merkle_root=bytes(32))), good.txs),
        "high-hash": Block(replace(good.header, bits=0x1D00FFFF), good.txs),
        "bad-cb-amount": next_block(node, reward=50 * 10**8 + 1),
        "bad-cb-height": next_block(node, height_delta=2),
        "bad-diffbits": next_block(node, bits=0x2000FFFF),
        "time-too-old": next_block(node, time=tip_block(node).header.time - 100),
        "time-too-new": next_block(node, time=tip_block(node).header.time + 100_000_000),
    }
    for code, block in cases.items():
        assert refused(node, block.raw.hex()) == (400, code), code
    assert refused(node, "00") == (400, "decode-failed")
    assert refused(node, good.raw.hex() + "00") == (400, "decode-failed")
    assert refused(node, "not hex") == (400, "decode-failed")
    bad_json = httpx.post(f"{node.url}/api/v1/blocks", content=b"{", timeout=10)
    assert bad_json.status_code == 400
    assert bad_json.json()["error"]["code"] == "bad-request"
    assert (node.height(), node.tip()) == (height, tip)  # nothing changed, still serving

    assert node.submit_block(good.raw.hex())["status"] == "accepted"
    assert node.submit_block(good.raw.hex())["status"] == "duplicate"
    # the same header with other transactions is mutated, not a duplicate (CheckBlock first)
    other_coinbase = replace(good.txs[0], data=good.txs[0].data + b"!")
    mutated = Block(good.header, (other_coinbase, *good.txs[1:]))
    assert refused(node, mutated.raw.hex()) == (400, "bad-txnmrklroot")
    orphan = Block(solve(replace(good.header, prev=bytes(range(32)))), good.txs)
    assert node.submit_block(orphan.raw.hex())["status"] == "orphan"
    assert node.tip() == good.header.hash_hex
