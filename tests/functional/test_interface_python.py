"""interface_python: the public Python API (CONTRACT section 7). A node in this process serving HTTP
on a free port; the same questions asked of it directly and through `Client` (and
`AsyncClient`) get equal answers, and equal errors."""

import asyncio
import contextlib
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

import aio
import pocketchain
from pocketchain import BlockEvent, Client, Node, Wallet
from pocketchain.consensus.block import Block as RawBlock


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A regtest node with blocks, a payment, a post and a transaction still in the mempool."""
    with Node(port=0, miners=1) as node:
        alice, bob = Wallet.create(None), Wallet.create(None)
        node.mine(101, to=alice.address)
        paid = alice.send(node, bob.address, pocketchain.coins("2.5"))
        posted = alice.post(node, "hello from python")
        node.mine(1)
        pending = alice.send(node, bob.address, pocketchain.COIN)
        yield {"node": node, "alice": alice, "bob": bob, "paid": paid, "posted": posted,
               "pending": pending}  # fmt: skip


def questions(c: dict[str, Any]) -> dict[str, Callable[[Any], Any]]:
    """Each method of CONTRACT section 7 with arguments that name things on `c`'s chain."""
    tip = c["node"].status().tip
    return {
        "block by hash": lambda x: x.block(tip),
        "block by height": lambda x: x.block(3),
        "blocks": lambda x: x.blocks(start=50, limit=5),
        "tx confirmed": lambda x: x.tx(c["paid"]),
        "tx pending": lambda x: x.tx(c["pending"]),
        "proof": lambda x: x.proof(c["paid"]),
        "mempool": lambda x: x.mempool(),
        "address": lambda x: x.address(c["bob"].address),
        "utxos": lambda x: x.utxos(c["alice"].address, limit=5),
        "address txs": lambda x: x.address_txs(c["bob"].address),
        "posts": lambda x: x.posts(),
        "tips": lambda x: x.tips(),
        "peers": lambda x: x.peers(),
        "network": lambda x: x.network_info(),
        "search": lambda x: x.search("3"),
        "fees": lambda x: x.fees(),
        "raw block": lambda x: x.raw_block(tip),
        "check block": lambda x: x.check_block(x.raw_block(tip)),  # in place of itself
    }


def test_node_and_client_give_equal_answers(chain: dict[str, Any]) -> None:
    node: Node = chain["node"]
    assert node.url is not None
    with Client(node.url) as client:
        for what, ask in questions(chain).items():
            assert ask(node) == ask(client), what
        mine = {k: v for k, v in vars(node.status()).items() if k != "hashrate"}
        theirs = {k: v for k, v in vars(client.status()).items() if k != "hashrate"}
        assert mine == theirs


@pytest.mark.parametrize("side", ["node", "client"])
def test_errors_are_the_same_on_both_sides(chain: dict[str, Any], side: str) -> None:
    node: Node = chain["node"]
    assert node.url is not None
    with Client(node.url) as client:
        target: Any = node if side == "node" else client
        with pytest.raises(pocketchain.NotFound):
            target.tx("00" * 32)
        with pytest.raises(pocketchain.NotFound):
            target.block(10**6)
        for call, code in (
            (lambda: target.submit("00"), "decode-failed"),
            (lambda: target.block("zz"), "bad-hash"),
            (lambda: target.address("pcrt1nope"), "bad-address"),
        ):
            with pytest.raises(pocketchain.RejectError) as refused:
                call()
            assert refused.value.code == code
        tip = RawBlock.parse(node.raw_block(node.status().tip))
        coinbase = tip.txs[0]  # paid one unit less: its txid, not the header, changes
        less = coinbase.outputs[0]._replace(amount=coinbase.outputs[0].amount - 1)
        bent = RawBlock(tip.header, (replace(coinbase, outputs=(less,)), *tip.txs[1:]))
        with pytest.raises(pocketchain.RejectError) as refused:
            target.check_block(bent)  # a dry run's verdict is the same RejectError
        assert refused.value.code == "bad-txnmrklroot"
        raw = node.tx(chain["paid"]).hex  # confirmed: its coins are spent
        with pytest.raises(pocketchain.RejectError) as refused:
            target.submit(raw)
        assert refused.value.code in {"txn-already-known", "bad-txns-inputs-missingorspent"}


def test_a_wallet_works_the_same_through_a_client(chain: dict[str, Any]) -> None:
    node: Node = chain["node"]
    assert node.url is not None
    bob: Wallet = chain["bob"]
    with Client(node.url) as client:
        assert bob.balance(node) == bob.balance(client)
        assert bob.history(node) == bob.history(client)


def test_the_async_client_answers_and_follows_events(chain: dict[str, Any]) -> None:
    node: Node = chain["node"]
    url = node.url
    assert url is not None

    async def scenario() -> tuple[Any, set[str], set[str]]:
        async with pocketchain.AsyncClient(url, token=node.token) as client:
            status = await client.status()
            seen: set[str] = set()

            async def follow() -> None:
                async for event in client.events():
                    if isinstance(event, pocketchain.BlockEvent):
                        seen.add(event.hash)

            following = asyncio.create_task(follow())
            mined: set[str] = set()
            for _ in range(50):  # until the stream, open by then, shows a block mined after
                mined |= set(await client.mine(1))
                await asyncio.sleep(0)
                if seen & mined:
                    break
                await asyncio.wait([following], timeout=0.2)
            following.cancel()
            return status, seen, mined

    status, seen, mined = aio.run(scenario())
    assert status.network == "regtest"
    assert seen & mined, "no block event came for the blocks mined"


def test_all_is_the_documented_surface() -> None:
    for name in pocketchain.__all__:
        assert hasattr(pocketchain, name), name
    assert {"Node", "Client", "AsyncClient", "Wallet", "verify_proof", "coins", "COIN"} <= set(
        pocketchain.__all__
    )
    assert pocketchain.coins("1.5") == 150_000_000
    with pytest.raises(ValueError):
        pocketchain.coins("1.5.0")


def test_a_call_made_on_the_writer_runs_there_at_once() -> None:
    """Node.call from code the writer already runs (a hook, a nested call) must not deadlock."""
    with Node(miners=1) as node:
        mined = node.call(lambda: node.mine(2))  # mine() itself goes through the writer
        assert node.status().height == 2 and node.status().tip == mined[-1]


def test_importing_pocketchain_loads_no_server() -> None:
    """`import pocketchain` (and so each miner process) stays light: the web framework, the
    HTTP client and the node load when first used."""

    def loaded(use: str) -> list[str]:
        probe = f"import sys, pocketchain; {use}; print(*sorted(HEAVY & set(sys.modules)))"
        probe = probe.replace("HEAVY", "{'fastapi', 'uvicorn', 'httpx'}")
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
        )
        return done.stdout.split()

    assert loaded("pocketchain.verify_proof") == []
    assert loaded("pocketchain.Node") == ["fastapi", "httpx", "uvicorn"]


def test_node_events_are_the_events_the_stream_sends(chain: dict[str, Any]) -> None:
    node: Node = chain["node"]
    alice: Wallet = chain["alice"]
    reader = node.events()
    heard: queue.Queue[Any] = queue.Queue()

    def listen() -> None:
        with Client(node.url, token=node.token) as client:
            for event in client.events():
                heard.put(event)

    threading.Thread(target=listen, daemon=True).start()
    while True:  # until the stream, open by then, shows a block mined after
        (warmup,) = node.mine(1)
        with contextlib.suppress(queue.Empty):
            if any(getattr(heard.get(timeout=0.2), "hash", None) == warmup for _ in range(2)):
                break
    txid = alice.send(node, alice.new_address(), pocketchain.COIN)
    (last,) = node.mine(1)

    def after_warmup(next_event: Callable[[], Any]) -> list[Any]:
        events = []
        while not events or getattr(events[-1], "hash", None) != last:
            events.append(next_event())
            if getattr(events[-1], "hash", None) == warmup:
                events.clear()
        return events

    in_process = after_warmup(lambda: next(reader))
    streamed = after_warmup(lambda: heard.get(timeout=30))
    assert in_process == streamed
    assert pocketchain.TxEvent(txid=txid) in in_process and isinstance(in_process[-1], BlockEvent)
