"""interface_events: GET /api/v1/events, the node's events as Server-Sent Events."""

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
from coins import address, spend_hex
from framework import TestNode
from prometheus_client.parser import text_string_to_metric_families

import aio
import pocketchain
from pocketchain.api.events import DROPPED, STOPPING, EventHub
from pocketchain.consensus.hashes import from_display
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import COIN, Tx
from pocketchain.node.node import Node

EVENTS = "/api/v1/events"

WAIT = 20.0  # seconds an expected event may take


class EventStream:
    """One open /api/v1/events connection, read event by event."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.iter_lines()

    def next_event(self) -> tuple[str, dict[str, Any]]:
        kind, data = None, []
        for line in self.lines:
            if line.startswith(":"):
                continue  # a comment: the greeting, or a keep-alive
            if line == "":
                if kind is not None or data:
                    return kind or "message", json.loads("\n".join(data))
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                kind = value
            elif name == "data":
                data.append(value)
        raise AssertionError("the event stream ended")

    def wait_for(self, kind: str, match: Any = lambda data: True) -> dict[str, Any]:
        """The first `kind` event whose data matches; fail after WAIT seconds."""
        deadline = time.monotonic() + WAIT
        seen = []
        while time.monotonic() < deadline:
            got_kind, data = self.next_event()
            if got_kind == kind and match(data):
                return data
            seen.append((got_kind, data))
        raise AssertionError(f"no matching {kind} event in {WAIT} s; saw {seen[-5:]}")


@contextmanager
def events(node: TestNode, client: httpx.Client | None = None) -> Iterator[EventStream]:
    own = client is None
    client = client or httpx.Client(base_url=node.url, timeout=httpx.Timeout(30, read=WAIT))
    try:
        with client.stream("GET", "/api/v1/events") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            yield EventStream(response)
    finally:
        if own:
            client.close()


def subscribers(node: TestNode) -> float:
    text = node.http.get("/metrics").text
    for family in text_string_to_metric_families(text):
        if family.name == "pocketchain_event_subscribers":
            return family.samples[0].value
    raise AssertionError("no pocketchain_event_subscribers gauge")


def wait_until(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_block_tx_and_reorg_events(nodes) -> None:
    node = nodes()
    with events(node) as stream:
        # a new block: its hash and height
        first = node.mine(1, address(0))[0]
        assert stream.wait_for("block", lambda d: d["hash"] == first) == {
            "hash": first,
            "height": 1,
            "connected": 1,
        }

        # a transaction entering the mempool: its txid (sent in the tx JSON form)
        hashes = node.mine(99)
        stream.wait_for("block", lambda d: d["hash"] == hashes[-1])
        coinbase = node.api("GET", f"/blocks/{first}")["txs"][0]["txid"]
        txid, raw = spend_hex(coinbase, 0, 49 * COIN, 1, key=0)
        tx = Tx.parse(bytes.fromhex(raw))
        form = {
            "version": tx.version,
            "inputs": [
                {
                    "txid": coinbase,
                    "vout": 0,
                    "pubkey": tx.inputs[0].pubkey.hex(),
                    "signature": tx.inputs[0].signature.hex(),
                }
            ],
            "outputs": [{"amount": 49 * COIN, "address": address(1)}],
            "data": None,
        }
        assert tx.inputs[0].prevout.txid == from_display(coinbase)
        response = node.http.post("/api/v1/txs", json=form)
        assert (response.status_code, response.json()) == (201, {"txid": txid})
        assert stream.wait_for("tx") == {"txid": txid}
        # the same transaction as hex: the JSON form built exactly it
        response = node.http.post("/api/v1/txs", json={"hex": raw})
        assert (response.status_code, response.json()) == (200, {"txid": txid})

        # a block with it, then invalidated: a reorg back to the block before
        mined = node.mine(1)[0]
        stream.wait_for("block", lambda d: d["hash"] == mined)
        node.api("POST", f"/blocks/{mined}/invalidate", admin=True)
        assert stream.wait_for("reorg") == {"disconnected": [mined], "connected": []}
        assert stream.wait_for("block") == {"hash": hashes[-1], "height": 100, "connected": 0}


def test_subscribers_leave_and_are_capped(nodes) -> None:
    node = nodes()
    assert subscribers(node) == 0
    with events(node):
        assert subscribers(node) == 1
    wait_until(lambda: subscribers(node) == 0, "the subscriber to be removed")

    hub = EventHub()
    per_client, cap = hub.max_per_client, hub.max_subscribers
    clients = [from_address(node, f"127.0.0.{n}", per_client) for n in range(1, 12)]
    with ExitStack() as open_:
        for client in clients:
            open_.enter_context(client)
        first = [open_.enter_context(clients[0].stream("GET", EVENTS)) for _ in range(per_client)]
        assert all(s.status_code == 200 for s in first)
        refused = clients[0].get(EVENTS)  # one client cannot take them all
        assert (refused.status_code, refused.json()["error"]["code"]) == (429, "rate-limited")
        assert "this client" in refused.json()["error"]["message"]
        streams = list(first)
        for client in clients[1:]:  # other clients, up to the cap
            for _ in range(min(per_client, cap - len(streams))):
                streams.append(open_.enter_context(client.stream("GET", EVENTS)))
        assert all(s.status_code == 200 for s in streams) and len(streams) == cap
        assert subscribers(node) == cap
        refused = clients[-1].get(EVENTS)
        assert refused.status_code == 429
        assert "too many clients" in refused.json()["error"]["message"]
        streams[0].close()
        wait_until(lambda: subscribers(node) == cap - 1, "a place to free up")
        with clients[0].stream("GET", EVENTS) as again:
            assert again.status_code == 200
    wait_until(lambda: subscribers(node) == 0, "every subscriber to be removed")
    assert node.height() == 0


def from_address(node: TestNode, address: str, streams: int) -> httpx.Client:
    """A client whose connections come from `address` (any of 127.0.0.0/8 reaches the node)."""
    limits = httpx.Limits(max_connections=streams + 2)
    transport = httpx.HTTPTransport(local_address=address, limits=limits)
    return httpx.Client(base_url=node.url, timeout=30, transport=transport)


def test_a_node_with_an_open_stream_stops_promptly(nodes) -> None:
    node = nodes()
    with events(node) as stream:
        started = time.monotonic()
        assert node.stop() == 0
        assert time.monotonic() - started < 10
        rest = list(stream.lines)  # it ended cleanly, after these
    assert f": {STOPPING}" in rest, rest  # ended by the node as its shutdown began
    log = node.log.read_text(errors="replace")
    assert "Traceback" not in log
    assert "graceful shutdown exceeded" not in log  # nothing was left to cancel


def test_hub_drops_a_subscriber_that_falls_behind() -> None:
    """In process: events from another thread arrive in order; a full queue ends the stream."""
    hub = EventHub(max_subscribers=2, queue_size=5)

    async def scenario() -> tuple[list[Any], list[Any]]:
        keeping_up, behind = hub.subscribe("a"), hub.subscribe("b")
        received: list[Any] = []

        def emit(first: int, last: int) -> None:
            for n in range(first, last):
                hub.on_event(pocketchain.TxEvent(txid=str(n)))
            hub.on_event(pocketchain.RejectedEvent(what="tx", code="x"))  # not an event for clients

        for first in (0, 3):  # `keeping_up` reads after each batch; `behind` never does
            thread = threading.Thread(target=emit, args=(first, first + 3))
            thread.start()
            await asyncio.to_thread(thread.join)
            await asyncio.sleep(0.05)
            while not keeping_up.queue.empty():
                received.append(keeping_up.queue.get_nowait())
        left = []
        while not behind.queue.empty():
            left.append(behind.queue.get_nowait())
        assert len(hub) == 2
        hub.unsubscribe(keeping_up)
        hub.unsubscribe(behind)
        return received, left

    received, left = aio.run(scenario())
    assert received == [pocketchain.TxEvent(txid=str(n)) for n in range(6)]
    assert left == [DROPPED]  # what it had not read is gone, and its stream ends saying why
    assert len(hub) == 0


def test_node_listener_is_registered_once(tmp_path) -> None:
    """create_app puts one hub and one metrics listener in node.listeners, whatever the routes."""
    from pocketchain.api.app import create_app

    node = Node(REGTEST, tmp_path, miners=1)
    try:
        before = len(node.listeners)
        create_app(node)
        assert len(node.listeners) == before + 2
    finally:
        node.close()
