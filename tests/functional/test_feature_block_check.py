"""feature_block_check: POST /api/v1/blocks/check judges a block by every rule without storing it
(Core: TestBlockValidity), on the tip or in place of a block of the active chain. A block edited
as on the Tamper page breaks its rules one after another: the merkle root, the proof of work,
the signature; a coinbase paid more breaks the amount."""

from dataclasses import replace

import pytest
from coins import address, spend_hex
from framework import NodeError

from pocketchain.consensus.block import Block, BlockHeader
from pocketchain.consensus.merkle import merkle_root
from pocketchain.consensus.pow import compact_to_target
from pocketchain.consensus.tx import TxOut


def raw_block(node, block_hash: str) -> Block:  # type: ignore[no-untyped-def]
    (item,) = node.api("GET", f"/blocks/raw?hashes={block_hash}")["blocks"]
    return Block.parse(bytes.fromhex(item["hex"]))


def check(node, block: Block) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return node.api("POST", "/blocks/check", json={"hex": block.raw.hex()})  # type: ignore[no-any-return]


def with_root(block: Block) -> Block:
    root, _ = merkle_root([tx.txid for tx in block.txs])
    return Block(replace(block.header, merkle_root=root), block.txs)


def with_nonce(block: Block, meets: bool) -> Block:
    """The block with the first nonce whose hash meets its target (or does not)."""
    target = compact_to_target(block.header.bits)[0]
    for nonce in range(1_000_000):
        header: BlockHeader = replace(block.header, nonce=nonce)
        if (int.from_bytes(header.hash, "little") <= target) == meets:
            return Block(header, block.txs)
    raise AssertionError("no such nonce")


def test_a_tampered_block_breaks_its_rules_one_after_another(nodes) -> None:
    node = nodes()
    hashes = node.mine(101, address(1))
    coinbase = node.api("GET", f"/blocks/{hashes[0]}")["txs"][0]["txid"]
    _, raw = spend_hex(coinbase, 0, 49_0000_0000, 2, 1, b"hello, chain")
    node.api("POST", "/txs", json={"hex": raw})
    (posted,) = node.mine(1, address(1))
    node.mine(2, address(1))
    tip = node.status()["tip"]
    original = raw_block(node, posted)

    verdict = check(node, original)  # in its own place, against the coins it spent
    assert verdict == {
        "hash": posted, "valid": True, "height": 102, "code": None, "message": None, "rule": None
    }  # fmt: skip

    post = original.txs[1]
    edited_tx = replace(post, data=b"hellO, chain")  # one byte of the post's text
    edited = Block(original.header, (original.txs[0], edited_tx))
    verdict = check(node, edited)
    assert (verdict["valid"], verdict["code"]) == (False, "bad-txnmrklroot")
    assert verdict["rule"] == "the header's merkle root is the root of the block's txids"

    rooted = with_nonce(with_root(edited), meets=False)
    assert check(node, rooted)["code"] == "high-hash"
    mined = with_nonce(rooted, meets=True)
    assert check(node, mined)["code"] == "bad-signature"  # the signature covers the text

    coinbase_tx = original.txs[0]
    richer = replace(coinbase_tx, outputs=(TxOut(coinbase_tx.outputs[0].amount + 1,
                                                 coinbase_tx.outputs[0].key_hash),))  # fmt: skip
    greedy = with_nonce(with_root(Block(original.header, (richer, post))), meets=True)
    assert check(node, greedy)["code"] == "bad-cb-amount"

    orphan = with_nonce(Block(replace(original.header, prev=bytes(32)), original.txs), True)
    assert check(node, orphan)["code"] == "prev-blk-not-found"
    # nothing of it was stored: the tip and the tips are as they were
    assert node.status()["tip"] == tip
    assert [t["status"] for t in node.api("GET", "/tips")] == ["active"]


def test_a_block_on_the_tip_is_judged_against_the_utxo_set(nodes) -> None:
    node = nodes()
    node.mine(3, address(1))
    template = raw_block(node, node.status()["tip"])
    # a block on the tip that spends nothing but pays its coinbase at its own height
    coinbase = template.txs[0]
    header = replace(template.header, prev=bytes.fromhex(node.status()["tip"])[::-1],
                     time=template.header.time + 1)  # fmt: skip
    bad = Block(header, (coinbase,))
    assert check(node, with_nonce(with_root(bad), True))["code"] == "bad-cb-height"
    with pytest.raises(NodeError) as refused:  # not a block at all: a bad request, not a verdict
        node.api("POST", "/blocks/check", json={"hex": "00"})
    assert refused.value.status == 400
