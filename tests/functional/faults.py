"""Shared by the fault suite (test_faults_*.py): crashing a node and checking what it left, work
that a kill may cut short, and blocks to send (the flood of bad messages is in flood.py)."""

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from flood import REGTEST_BITS
from framework import EXE, TestNode

from builders import kh, secret
from pocketchain.consensus.block import Block
from pocketchain.consensus.hashes import from_display, to_display
from pocketchain.consensus.params import REGTEST
from pocketchain.consensus.tx import TX_VERSION, OutPoint, Tx, TxIn, TxOut, sign_tx
from pocketchain.mining.assemble import assemble_block
from pocketchain.mining.search import solve


class Background:
    """Runs a call on a thread; a kill of the node it talks to may cut it short (its connection
    error is expected, any other error fails the test at `join`). `finished` is the monotonic
    time it returned, else None."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.started = time.monotonic()
        self.finished: float | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(fn, args, kwargs), daemon=True)
        self.thread.start()

    def _run(self, fn: Callable[..., Any], args: Any, kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
            self.finished = time.monotonic()
        except httpx.TransportError:
            pass
        except BaseException as exc:
            self.error = exc

    def join(self, timeout: float = 30.0) -> None:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "background work outlived the node it talked to"
        if self.error is not None:
            raise self.error


class Watch:
    """Asks a node for its status once, then again and again on a thread until the node stops
    answering (it was killed): what it reported, as (monotonic time the request was sent,
    status) pairs. The kill does not wait for an answer, so it may land in the middle of
    anything the node does (the status is read on the node's writer, between two changes)."""

    def __init__(self, node: TestNode) -> None:
        self.node = node
        self.reported = [(time.monotonic(), node.status())]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with httpx.Client(base_url=self.node.url, timeout=30) as http:
            while True:
                asked = time.monotonic()
                try:
                    status = http.get("/api/v1/status").json()
                except httpx.HTTPError:
                    return
                self.reported.append((asked, status))
                time.sleep(0.005)

    def kill_after(self, seconds: float) -> "Crash":
        """Wait, then SIGKILL the node (see Crash)."""
        time.sleep(seconds)
        crash = Crash(self.node)
        self.thread.join(30)
        assert not self.thread.is_alive()
        return crash

    @property
    def last(self) -> dict[str, Any]:
        return self.reported[-1][1]


class Crash:
    """SIGKILL a node, and `chain verify` a copy of its data exactly as the kill left it, while
    the node itself may restart (`verified()` waits for the answer)."""

    def __init__(self, node: TestNode) -> None:
        node.kill()
        copy = node.data_dir.with_name(node.data_dir.name + "-crashed")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(node.data_dir / node.network, copy / node.network)
        args = [str(EXE), "chain", "verify", "--network", node.network, "--data-dir", str(copy)]
        self.verify = subprocess.Popen(
            [*args, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def verified(self) -> dict[str, Any]:
        """What `chain verify --json` found (`height`, `tip`, `coins`, `transactions`); the test
        fails unless it passed."""
        out, err = self.verify.communicate(timeout=120)
        assert self.verify.returncode == 0, f"verify after a kill: {out}{err}"
        return dict(json.loads(out))


def on_active_chain(node: TestNode, block_hash: str) -> bool:
    """The node knows the block and it is on its active chain (the tip or an ancestor of it)."""
    return int(node.api("GET", f"/blocks/{block_hash}")["confirmations"]) >= 1


def fan_out(node: TestNode, txid: str, amount: int, count: int, key: int, to: int) -> str:
    """Submit a transaction that splits output 0 of `txid` (`amount`, paying key `key`) into
    `count` equal outputs (see `fan_out_each`) to key `to`; its txid."""
    unsigned = Tx(
        TX_VERSION,
        (TxIn(OutPoint(from_display(txid), 0), b"", b""),),
        tuple(TxOut(fan_out_each(amount, count), kh(to)) for _ in range(count)),
    )
    tx = sign_tx(unsigned, (secret(key),), REGTEST.magic)
    node.api("POST", "/txs", json={"hex": tx.raw.hex()})
    return to_display(tx.txid)


def fan_out_each(amount: int, count: int) -> int:
    """The value of each output of a fan-out of `amount` into `count` (less a fee that pays
    more than the minimum rate)."""
    return (amount - 10_000 - 100 * count) // count


def work(status: dict[str, Any]) -> int:
    return int(status["chainwork"], 16)


def valid_block(tip: dict[str, Any]) -> str:
    """A block on `tip` (a GET /blocks/{hash} answer) that breaks no rule, in hex."""
    height, prev, when = tip["height"] + 1, from_display(tip["hash"]), tip["time"] + 1
    block = assemble_block(REGTEST, prev, height, when, REGTEST_BITS, (), 0, kh(2), b"ok")
    header = solve(block.header)
    assert header is not None
    return Block(header, block.txs).raw.hex()
