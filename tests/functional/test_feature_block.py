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
from pocketchain.consensus.tx import TX_VERSION, OutPoint, Tx, TxIn, TxOut, coinbase_tx
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
    bad_json = httpx.post(
        f"{node.url}/api/v1/blocks",
        content=b"{",
        headers={"content-type": "application/json"},
        timeout=10,
    )
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


def block_on(parent: Block, height: int, tag: bytes, txs: tuple[Tx, ...] = ()) -> Block:
    """A solved block on `parent` whose coinbase says `height`."""
    when = parent.header.time + 1
    block = assemble_block(REGTEST, parent.hash, height, when, 0x207FFFFF, txs, 0, kh(1), tag)
    solved = solve(block.header)
    assert solved is not None
    return Block(solved, block.txs)


def test_an_orphan_chain_that_fails_is_dropped(nodes) -> None:
    node = nodes()
    node.mine(3)
    parent = block_on(tip_block(node), node.height() + 1, b"p")
    o1 = block_on(parent, node.height() + 7, b"o1")  # a wrong coinbase height: bad-cb-height
    o2 = block_on(o1, node.height() + 8, b"o2")
    assert node.submit_block(o1.raw.hex())["status"] == "orphan"
    assert node.submit_block(o2.raw.hex())["status"] == "orphan"
    answer = node.http.post("/api/v1/blocks", json={"hex": parent.raw.hex()})
    assert (answer.status_code, answer.json()["status"]) == (201, "accepted")
    assert node.tip() == parent.header.hash_hex
    for dropped in (o1, o2):
        assert node.http.get(f"/api/v1/blocks/{dropped.header.hash_hex}").status_code == 404
    assert refused(node, o1.raw.hex()) == (400, "bad-cb-height")  # its parent is known now
    assert node.submit_block(o2.raw.hex())["status"] == "orphan"  # forgotten: waits again


def test_junk_side_branches_are_not_stored(nodes) -> None:
    """Blocks nobody asked for on a lighter branch (Core: AcceptBlock's anti-DoS rule): kept in
    memory within a bound, never written; only their 80-byte headers join the tree (Core:
    AcceptBlockHeader runs first), as headers-only tips."""
    node = nodes()
    node.mine(10)
    fork = Block.parse(bytes.fromhex(node.block_hex(node.api("GET", "/blocks/height/3")["hash"])))
    junk = Tx(
        TX_VERSION,
        (TxIn(OutPoint(bytes(range(32)), 0), b"\x02" * 33, b"\x01" * 64),),
        (TxOut(1, kh(2)),),
        b"\x00" * 200_000,  # never checked on a side branch: only its shape is
    )
    db = node.data_dir / "regtest" / "chain.db"
    before = sum(p.stat().st_size for p in db.parent.glob("chain.db*"))
    for n in range(40):
        sibling = block_on(fork, 4, n.to_bytes(2, "big"), (junk,))
        answer = node.http.post("/api/v1/blocks", json={"hex": sibling.raw.hex()})
        assert (answer.status_code, answer.json()["status"]) == (202, "held")
    after = sum(p.stat().st_size for p in db.parent.glob("chain.db*"))
    assert after - before < 1_000_000, f"{after - before} bytes written for junk"
    assert [t["status"] for t in node.api("GET", "/tips")] == ["active"] + ["headers-only"] * 40
    assert node.height() == 10
