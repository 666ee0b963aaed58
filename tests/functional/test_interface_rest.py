"""interface_rest: every reading route of a real node, its pages and its errors.

The scene: blocks 1-101 pay key 0; A (coinbase 1 -> key 1) is confirmed in block 102 and the post
B (A -> key 2, "hello") in block 103, both blocks paying key 5. In the mempool, in this order: the
post C (B -> key 1), D (C -> key 3) and F (coinbase 2 -> key 1). Every one pays a fee of one coin.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from coins import address, spend_hex
from framework import NodeError, TestNode

from builders import kh
from pocketchain.consensus.block import BlockHeader
from pocketchain.consensus.hashes import from_display
from pocketchain.consensus.keys import encode_address
from pocketchain.consensus.merkle import verify_proof
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import COIN

UNKNOWN = "ab" * 32


@dataclass
class Scene:
    node: TestNode
    hashes: list[str]  # hashes[h - 1] is the block at height h
    coinbases: list[str]  # coinbases[h - 1] is the coinbase txid of block h (1 and 2 only)
    a: str
    b: str
    c: str
    d: str
    f: str

    def get(self, path: str, **params) -> object:
        return self.node.api("GET", path, params=params)

    def refused(self, path: str, **params) -> tuple[int, str]:
        with pytest.raises(NodeError) as err:
            self.get(path, **params)
        return err.value.status, err.value.code

    def block_time(self, height: int) -> int:
        return int(self.get(f"/blocks/{self.hashes[height - 1]}")["time"])


def submit(node: TestNode, txid_hex: tuple[str, str]) -> str:
    txid, raw = txid_hex
    assert node.api("POST", "/txs", json={"hex": raw}) == {"txid": txid}
    return txid


@pytest.fixture
def scene(nodes) -> Scene:
    node = nodes()
    hashes = node.mine(101, address(0))
    coinbases = [node.api("GET", f"/blocks/{h}")["txs"][0]["txid"] for h in hashes[:2]]
    a = submit(node, spend_hex(coinbases[0], 0, 49 * COIN, to=1, key=0))
    hashes += node.mine(1, address(5))
    b = submit(node, spend_hex(a, 0, 48 * COIN, to=2, key=1, data=b"hello"))
    hashes += node.mine(1, address(5))
    c = submit(node, spend_hex(b, 0, 47 * COIN, to=1, key=2, data=b"pending post"))
    d = submit(node, spend_hex(c, 0, 46 * COIN, to=3, key=1))
    f = submit(node, spend_hex(coinbases[1], 0, 49 * COIN, to=1, key=0))
    return Scene(node, hashes, coinbases, a, b, c, d, f)


def cpu_has_sha() -> bool:
    """What Linux says of this CPU's SHA extensions (the kernel checks CPUID itself)."""
    return " sha_ni" in Path("/proc/cpuinfo").read_text()


def test_status(scene: Scene) -> None:
    status = scene.get("/status")
    assert status["network"] == "regtest"
    assert (status["height"], status["tip"], status["mempool"]) == (103, scene.hashes[-1], 3)
    assert (status["peers"], status["synced"], status["mining"]) == (0, True, False)
    assert status["bits"] == "207fffff"
    assert (status["hrp"], status["magic"]) == ("pcrt", REGTEST.magic.hex())
    assert int(status["pow_limit"], 16) == REGTEST.pow_limit
    assert status["mining_kernel"] == ("C (SHA-NI)" if cpu_has_sha() else "C (portable)")
    assert status["difficulty"] == 1.0  # regtest blocks are at the limit
    assert int(status["chainwork"], 16) == 104 * 2  # each regtest block is worth 2 hashes


def test_block_list_pages_newest_first(scene: Scene) -> None:
    newest = scene.get("/blocks")["blocks"]
    assert [b["height"] for b in newest] == list(range(103, 83, -1))
    assert [b["hash"] for b in newest[:3]] == scene.hashes[:-4:-1]
    top = newest[0]
    assert top["prev"] == scene.hashes[-2]
    assert top["tx_count"] == 2
    assert top["size"] == len(scene.node.block_hex(top["hash"])) // 2
    assert top["time"] == scene.block_time(103)

    low = scene.get("/blocks", start=5, limit=10)["blocks"]
    assert [b["height"] for b in low] == [5, 4, 3, 2, 1, 0]
    genesis = low[-1]
    assert (genesis["prev"], genesis["tx_count"]) == ("00" * 32, 1)
    assert low[-2]["prev"] == genesis["hash"]
    assert [b["height"] for b in scene.get("/blocks", start=10**6, limit=2)["blocks"]] == [103, 102]
    assert len(scene.get("/blocks", start=103, limit=500)["blocks"]) == 104

    assert scene.refused("/blocks", limit=501) == (400, "bad-request")
    assert scene.refused("/blocks", limit=0) == (400, "bad-request")
    assert scene.refused("/blocks", start=-1) == (400, "bad-request")
    assert scene.refused("/blocks", start="tip") == (400, "bad-request")


def test_raw_blocks_in_a_batch(scene: Scene) -> None:
    first, tip = scene.hashes[0], scene.hashes[-1]
    answer = scene.get("/blocks/raw", hashes=f"{tip},{UNKNOWN},{first}")["blocks"]
    assert [b["hash"] for b in answer] == [tip, first]
    assert [b["hex"] for b in answer] == [scene.node.block_hex(tip), scene.node.block_hex(first)]
    assert (
        scene.get("/blocks/raw", hashes=",".join(scene.hashes[:64]))["blocks"][63]["hash"]
        == (scene.hashes[63])
    )
    assert scene.refused("/blocks/raw", hashes=",".join(scene.hashes[:65])) == (400, "bad-request")
    assert scene.refused("/blocks/raw", hashes=f"{first},zz") == (400, "bad-hash")
    assert scene.refused("/blocks/raw") == (400, "bad-request")


def test_single_blocks(scene: Scene) -> None:
    block = scene.get(f"/blocks/{scene.hashes[101]}")
    assert (block["height"], block["confirmations"], block["next"]) == (102, 2, scene.hashes[102])
    assert [tx["txid"] for tx in block["txs"]][1:] == [scene.a]
    assert scene.get("/blocks/height/102") == block
    assert scene.get(f"/blocks/{scene.hashes[-1]}")["next"] is None
    assert scene.refused(f"/blocks/{UNKNOWN}") == (404, "not-found")
    assert scene.refused("/blocks/height/104") == (404, "not-found")
    assert scene.refused(f"/blocks/{UNKNOWN}/raw") == (404, "not-found")
    assert scene.refused("/blocks/nothex") == (400, "bad-hash")


def test_headers_after_a_locator(scene: Scene) -> None:
    def headers(**params) -> list[BlockHeader]:
        return [
            BlockHeader.parse(bytes.fromhex(h)) for h in scene.get("/headers", **params)["headers"]
        ]

    after_100 = headers(locator=scene.hashes[99])
    assert [h.hash_hex for h in after_100] == scene.hashes[100:]
    assert headers(locator=f"{scene.hashes[99]},{scene.hashes[0]}", limit=2) == after_100[:2]
    assert headers(locator=scene.hashes[-1]) == []
    from_genesis = headers(locator=f"{UNKNOWN},{'cd' * 32}")  # no hash we know: from genesis
    assert [h.hash_hex for h in from_genesis] == scene.hashes
    assert headers() == from_genesis
    assert headers(locator="") == from_genesis
    assert scene.refused("/headers", locator=",".join([UNKNOWN] * 102)) == (400, "bad-request")
    assert scene.refused("/headers", locator="00") == (400, "bad-hash")
    assert scene.refused("/headers", limit=2001) == (400, "bad-request")


def test_headers_skip_a_locator_hash_of_a_fork(scene: Scene) -> None:
    node, old_tip = scene.node, scene.hashes[-1]
    node.api("POST", f"/blocks/{old_tip}/invalidate", admin=True)
    (new_tip,) = node.mine(1, address(6))
    answer = scene.get("/headers", locator=f"{old_tip},{scene.hashes[100]}")["headers"]
    assert [BlockHeader.parse(bytes.fromhex(h)).hash_hex for h in answer] == [
        scene.hashes[101],
        new_tip,
    ]
    tips = {t["hash"]: t for t in scene.get("/tips")}
    assert tips[old_tip]["status"] == "invalid"
    assert (tips[new_tip]["status"], tips[new_tip]["height"]) == ("active", 103)
    assert scene.get(f"/blocks/{old_tip}")["confirmations"] == 0


def test_transactions_in_the_mempool_and_in_blocks(scene: Scene) -> None:
    confirmed = scene.get(f"/txs/{scene.a}")
    assert (confirmed["status"], confirmed["block"], confirmed["height"]) == (
        "confirmed",
        scene.hashes[101],
        102,
    )
    assert (confirmed["confirmations"], confirmed["fee"]) == (2, COIN)
    assert confirmed["outputs"] == [{"amount": 49 * COIN, "address": address(1)}]
    coinbase = scene.get(f"/txs/{scene.coinbases[0]}")
    assert (coinbase["fee"], coinbase["confirmations"]) == (None, 103)

    pending = scene.get(f"/txs/{scene.c}")
    assert (pending["status"], pending["block"], pending["height"]) == ("mempool", None, None)
    assert (pending["confirmations"], pending["fee"], pending["data"]) == (0, COIN, "pending post")

    assert scene.refused(f"/txs/{UNKNOWN}") == (404, "not-found")
    assert scene.refused("/txs/12") == (400, "bad-hash")


def test_a_transaction_moves_from_the_mempool_into_a_block(scene: Scene) -> None:
    assert scene.get(f"/txs/{scene.d}")["status"] == "mempool"
    (block,) = scene.node.mine(1, address(5))
    moved = scene.get(f"/txs/{scene.d}")
    assert (moved["status"], moved["block"], moved["height"]) == ("confirmed", block, 104)
    assert (moved["confirmations"], moved["fee"]) == (1, COIN)
    scene.node.mine(1, address(5))
    assert scene.get(f"/txs/{scene.d}")["confirmations"] == 2
    assert scene.get("/mempool") == {"count": 0, "bytes": 0, "txs": []}
    one = scene.get(f"/addresses/{address(1)}")
    assert (one["balance"], one["pending"]) == (49 * COIN, 0)
    assert (one["received"], one["sent"], one["tx_count"]) == (145 * COIN, 96 * COIN, 5)
    post = scene.get("/posts", limit=1)["posts"][0]
    assert (post["txid"], post["height"], post["block"]) == (scene.c, 104, block)


def test_merkle_proofs(scene: Scene) -> None:
    block = scene.get(f"/blocks/{scene.hashes[101]}")
    for index, txid in enumerate(tx["txid"] for tx in block["txs"]):  # the coinbase, then A
        proof = scene.get(f"/txs/{txid}/proof")
        assert (proof["txid"], proof["block"], proof["index"]) == (txid, block["hash"], index)
        assert proof["merkle_root"] == block["merkle_root"]
        branch = [from_display(h) for h in proof["branch"]]
        root = from_display(proof["merkle_root"])
        assert verify_proof(from_display(txid), branch, index, root)
        assert not verify_proof(from_display(txid), branch, 1 - index, root)
    with pytest.raises(NodeError) as err:
        scene.get(f"/txs/{scene.c}/proof")
    assert (err.value.status, err.value.code) == (404, "not-found")
    assert "not in a block yet" in err.value.body["error"]["message"]
    assert scene.refused(f"/txs/{UNKNOWN}/proof") == (404, "not-found")


def test_mempool_by_fee_rate(scene: Scene) -> None:
    pool = scene.get("/mempool")
    txs = pool["txs"]
    assert pool["count"] == 3
    assert pool["bytes"] == sum(tx["size"] for tx in txs)
    assert [tx["txid"] for tx in txs] == [scene.d, scene.f, scene.c]  # C is bigger: its data
    assert all(tx["fee"] == COIN and tx["fee_rate"] == COIN / tx["size"] for tx in txs)
    limited = scene.get("/mempool", limit=2)
    assert (limited["count"], limited["bytes"]) == (3, pool["bytes"])
    assert limited["txs"] == txs[:2]
    assert scene.refused("/mempool", limit=501) == (400, "bad-request")


def test_address_summaries(scene: Scene) -> None:
    def summary(n: int) -> tuple[int, ...]:
        s = scene.get(f"/addresses/{address(n)}")
        assert s["address"] == address(n)
        return s["balance"], s["pending"], s["received"], s["sent"], s["tx_count"]

    # key 0: 101 coinbases, one spent by A, one by F in the mempool
    assert summary(0) == (100 * 50 * COIN, -50 * COIN, 101 * 50 * COIN, 50 * COIN, 102)
    # key 1: A in and B out; C and F pay it, D spends C's output (a mempool coin)
    assert summary(1) == (0, 49 * COIN, 49 * COIN, 49 * COIN, 2)
    # key 2: B's output, confirmed, spent by C in the mempool
    assert summary(2) == (48 * COIN, -48 * COIN, 48 * COIN, 0, 1)
    assert summary(3) == (0, 46 * COIN, 0, 0, 0)
    assert scene.refused(f"/addresses/{encode_address('pc', kh(1))}") == (400, "bad-address")
    assert scene.refused("/addresses/pcrt1nothing") == (400, "bad-address")


def test_address_utxos_maturity_and_mempool_spends(scene: Scene) -> None:
    coins = scene.get(f"/addresses/{address(0)}/utxos")
    assert [c["height"] for c in coins] == list(range(2, 102))
    assert coins[0]["txid"] == scene.coinbases[1]
    assert all(c["coinbase"] and c["amount"] == 50 * COIN and c["vout"] == 0 for c in coins)
    # the next block is 104: a coinbase of height 4 has 100 confirmations then, of 5 only 99
    assert [c["height"] for c in coins if c["mature"]] == [2, 3, 4]
    assert [c["height"] for c in coins if c["spent_in_mempool"]] == [2]  # F spends it
    page = scene.get(f"/addresses/{address(0)}/utxos", limit=2, offset=2)
    assert page == coins[2:4]
    assert [c["mature"] for c in page] == [True, False]

    (two,) = scene.get(f"/addresses/{address(2)}/utxos")
    assert (two["txid"], two["vout"], two["amount"], two["height"]) == (scene.b, 0, 48 * COIN, 103)
    assert (two["coinbase"], two["mature"], two["spent_in_mempool"]) == (False, True, True)
    assert scene.get(f"/addresses/{address(3)}/utxos") == []
    assert scene.refused(f"/addresses/{address(0)}/utxos", limit=5001) == (400, "bad-request")
    assert scene.refused(f"/addresses/{address(0)}/utxos", offset=-1) == (400, "bad-request")
    assert scene.refused(f"/addresses/{address(0)}/utxos", offset=10**20) == (400, "bad-request")


def test_address_txs_newest_first_with_pages(scene: Scene) -> None:
    path = f"/addresses/{address(1)}/txs"
    history = scene.get(path)
    assert [t["txid"] for t in history] == [scene.f, scene.d, scene.c, scene.b, scene.a]
    flows = [(t["received"], t["sent"]) for t in history]
    assert flows == [(49 * COIN, 0), (0, 47 * COIN), (47 * COIN, 0), (0, 49 * COIN), (49 * COIN, 0)]
    assert [t["height"] for t in history] == [None, None, None, 103, 102]
    assert [t["block"] for t in history] == [None, None, None, scene.hashes[102], scene.hashes[101]]
    assert [t["confirmations"] for t in history] == [0, 0, 0, 1, 2]
    assert [t["time"] for t in history[3:]] == [scene.block_time(103), scene.block_time(102)]

    assert scene.get(path, limit=2) == history[:2]
    assert scene.get(path, limit=2, before=scene.d) == history[2:4]  # across pool and chain
    assert scene.get(path, before=scene.b) == history[4:]
    assert scene.get(path, before=scene.a) == []
    assert scene.refused(path, before=UNKNOWN) == (404, "not-found")
    assert scene.refused(path, before="zz") == (400, "bad-hash")
    assert scene.refused(path, limit=501) == (400, "bad-request")


def test_posts_newest_first_with_pages(scene: Scene) -> None:
    posts = scene.get("/posts")["posts"]
    assert [p["txid"] for p in posts] == [scene.c, scene.b]
    pending, confirmed = posts
    assert (pending["author"], pending["content"]) == (address(2), "pending post")
    assert (pending["height"], pending["block"]) == (None, None)
    assert (confirmed["author"], confirmed["content"]) == (address(1), "hello")
    assert (confirmed["height"], confirmed["block"]) == (103, scene.hashes[102])
    assert confirmed["time"] == scene.block_time(103)
    assert scene.get("/posts", limit=1)["posts"] == posts[:1]
    assert scene.get("/posts", before=scene.c)["posts"] == posts[1:]
    assert scene.get("/posts", before=scene.f)["posts"] == posts  # F came after C
    assert scene.get("/posts", before=scene.b)["posts"] == []
    assert scene.refused("/posts", before=UNKNOWN) == (404, "not-found")
    assert scene.refused("/posts", limit=0) == (400, "bad-request")


def test_openapi_documents_every_reading_route(scene: Scene) -> None:
    spec = scene.node.http.get("/openapi.json").json()
    reading = {
        path: item["get"]
        for path, item in spec["paths"].items()
        if "get" in item and path.startswith("/api/v1/") and path != "/api/v1/events"
    }
    assert "/api/v1/posts" in reading and "/api/v1/blocks/raw" in reading
    for path, operation in reading.items():
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        shapes = [ok, ok.get("items", {}), *ok.get("anyOf", [])]  # a model, a list, or null
        assert any("$ref" in shape for shape in shapes), path
        for status in ("400", "404"):
            error = operation["responses"][status]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorBody"}, path


def test_search_names_blocks_txs_and_addresses(scene: Scene) -> None:
    tip = scene.hashes[-1]
    block = scene.get("/blocks/height/3")
    found = {q: scene.get("/search", q=q)["results"] for q in ("3", tip.upper(), address(1))}
    assert found == {
        "3": [{"kind": "block", "id": block["hash"]}],
        tip.upper(): [{"kind": "block", "id": tip}],
        address(1): [{"kind": "address", "id": address(1)}],
    }
    coinbase = block["txs"][0]["txid"]
    assert scene.get("/search", q=coinbase)["results"] == [{"kind": "tx", "id": coinbase}]
    for nothing in ("99999", "ab" * 32, "pcrt1bogus", "hello"):
        assert scene.get("/search", q=nothing) == {"query": nothing, "results": []}
    assert scene.refused("/search?q=" + "x" * 101) == (400, "bad-request")
