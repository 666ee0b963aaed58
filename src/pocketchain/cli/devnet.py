"""`pocketchain devnet`: a few local nodes in child processes, watched until Ctrl-C.

Node 0 keeps its data in DATA_DIR itself, so the other commands (`wallet`, `mine`, `post`) find it
and its admin token with their defaults; node i keeps its data in DATA_DIR/devnet-node{i}. Node i
is started with `--peer` for the nodes before it it is linked to (`--topology`: every pair, a line,
a ring, a star, or random:K) and `--no-discover`, so the nodes keep to those links and nothing
else (a split made by forgetting peers holds until it is healed).

Every child runs in its own session: Ctrl-C at the terminal reaches only this process, which then
stops the nodes itself (SIGTERM, a bounded wait, SIGKILL for stragglers). If this process dies
without that chance, the kernel sends each child SIGTERM (PR_SET_PDEATHSIG), so none is orphaned.

With --demo, demo wallets (demo.py) pay each other and post from a thread of this process, started
once every node answers and stopped before the nodes; they log to demo.log next to node 0's log.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
import typer

from .._devnet import STATE, Devnet
from ..consensus.params import get_params
from ..lab.netfile import RACE, LabNode, Plan
from ..p2p import Condition
from .demo import Demo
from .errors import UserError

HOST = "127.0.0.1"
START_TIMEOUT = 30.0  # seconds for each node to answer /status
STOP_TIMEOUT = 20.0  # seconds for all nodes to stop after SIGTERM
STATUS_EVERY = 5.0  # seconds between status lines
DEMO_STOP_TIMEOUT = 5.0  # seconds for the demo to finish what it is doing
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass
class Child:
    index: int
    port: int
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the devnet the same way Ctrl-C does


def _die_with_parent(parent: int) -> Callable[[], None]:
    """Runs in the child between fork and exec: ask for SIGTERM when the parent dies (Linux)."""

    def preexec() -> None:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # not Linux: the parent still stops its children
            return
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def check_ports_free(ports: range) -> None:
    for port in ports:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the node's server does
            try:
                s.bind((HOST, port))
            except OSError:
                raise UserError(
                    f"port {port} on {HOST} is already in use; choose other ports with --port"
                ) from None


def start_node(
    index: int,
    port: int,
    base_dir: Path,
    network: str,
    node: LabNode,
    peers: list[tuple[str, Condition]],
    block_interval: float | None,
) -> Child:
    """Start node `index`, dialling `peers` over links of their conditions."""
    data_dir = base_dir if index == 0 else base_dir / f"devnet-node{index}"
    log = data_dir / network / "node.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "pocketchain", "node", "--network", network, "--host", HOST]
    args += ["--port", str(port), "--data-dir", str(data_dir), "--miners", "1"]
    args += ["--no-discover"]  # the links it is given, and only those: splits hold
    args += ["--mine"] if node.mining else []
    args += ["--db", node.db] if node.db else []
    if node.share:
        args += ["--hash-share", repr(node.share)]
        args += ["--block-interval", repr(block_interval)] if block_interval else []
    for peer, condition in peers:
        args += ["--peer", peer]
        if condition != Condition():
            args += ["--link", f"{peer}={condition.latency_ms!r},{condition.loss!r}"]
    with open(log, "ab") as out:
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent(os.getpid()),  # noqa: PLW1509 (no thread yet)
        )
    return Child(index, port, data_dir, log, process)


def _mining(plan: Plan) -> str:
    if not any(node.mining for node in plan.nodes):
        return "off"
    if plan.mode == RACE:
        return "a proof-of-work race, one worker a node"
    shares = ", ".join(f"{node.name} {node.share:.0%}" for node in plan.nodes if node.share)
    return f"exponential mode (shares {shares})"


def _failed(child: Child, what: str) -> UserError:
    name = f"node {child.index} ({child.url})"
    return UserError(f"{name} {what}; the end of {child.log}:\n{child.log_tail()}")


def wait_ready(child: Child, http: httpx.Client) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if (code := child.process.poll()) is not None:
            raise _failed(child, f"exited with code {code} while starting")
        with contextlib.suppress(httpx.HTTPError, ValueError):  # ready once its index is loaded
            answer = http.get(f"{child.url}/api/v1/status", timeout=1)
            if answer.status_code == 200 and not answer.json().get("loading"):
                return
        time.sleep(0.1)
    raise _failed(child, f"did not answer within {START_TIMEOUT:.0f} s")


def status_line(children: list[Child], http: httpx.Client) -> str:
    """One line: heights, short tips (last hex digits) and peer counts; '?' for a silent node."""
    heights, tips, peers = [], [], []
    for child in children:
        status: dict[str, Any] = {}
        with contextlib.suppress(httpx.HTTPError, ValueError):  # busy or restarting: show '?'
            status = http.get(f"{child.url}/api/v1/status", timeout=2).json()
        heights.append(str(status.get("height", "?")))
        tips.append(str(status.get("tip", "??????"))[-6:])
        peers.append(str(status.get("peers", "?")))
    return f"height {' '.join(heights)} · tips {' '.join(tips)} · peers {' '.join(peers)}"


def stop_all(children: list[Child]) -> None:
    """SIGTERM every node, wait (bounded), then SIGKILL whatever is left in each node's group."""
    for child in children:
        if child.process.poll() is None:
            child.process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        try:
            child.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            typer.echo(f"node {child.index} did not stop in time; killing it", err=True)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.process.pid, signal.SIGKILL)  # the node and any worker it left behind
        child.process.wait()


def run_devnet(plan: Plan, port: int, data_dir: Path, network: str, demo: bool) -> None:
    """Start the nodes of `plan`, linked as it says, and watch them."""
    nodes = len(plan.nodes)
    state = Devnet(
        network,
        urls=[],  # filled in as the nodes answer
        tokens=[],
        names=[node.name for node in plan.nodes],
        shares=[node.share for node in plan.nodes],
        links=[(link.a, link.b) for link in plan.links],
        latency_ms=[link.condition.latency_ms for link in plan.links],
        loss=[link.condition.loss for link in plan.links],
        mode=plan.mode,
        source=plan.source,
    )
    ports = range(port, port + nodes)
    check_ports_free(ports)
    children: list[Child] = []
    demo_wallets: Demo | None = None
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        with httpx.Client() as http:
            for index, node_port in enumerate(ports):
                peers = [(children[k.a].url, k.condition) for k in plan.links if k.b == index]
                node, interval = plan.nodes[index], plan.block_interval
                children.append(
                    start_node(index, node_port, data_dir, network, node, peers, interval)
                )
                wait_ready(children[-1], http)  # so the next node's handshakes find it
                state.urls.append(children[-1].url)
                state.tokens.append(str(children[-1].log.with_name("admin.token")))
            state.save(data_dir)  # for `devnet split`, `heal` and `status`
            typer.echo(f"{network} of {nodes} node{'s' * (nodes > 1)}; Ctrl-C stops them all")
            typer.echo(f"links: {plan.source}; mining: {_mining(plan)}")
            typer.echo(f"web UI and API: {children[0].url}/")
            for child in children[1:]:
                typer.echo(f"node {child.index}: {child.url}/ (data in {child.data_dir})")
            if demo:
                log = children[0].log.with_name("demo.log")
                urls = [c.url for c in children]
                demo_wallets = Demo(get_params(network), urls, log, plan.demo_per_minute)
                demo_wallets.start()
                typer.echo(f"demo wallets pay each other and post; they log to {log}")
            while True:
                time.sleep(STATUS_EVERY)
                for child in children:
                    if (code := child.process.poll()) is not None:
                        raise _failed(child, f"exited with code {code}")
                line = status_line(children, http)
                typer.echo(f"{line} · {demo_wallets.summary()}" if demo_wallets else line)
    except KeyboardInterrupt:
        typer.echo(f"stopping {len(children)} node(s)…", err=True)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
        if demo_wallets is not None:
            demo_wallets.stop(DEMO_STOP_TIMEOUT)
        stop_all(children)
        (data_dir / STATE).unlink(missing_ok=True)
    typer.echo("all nodes stopped", err=True)
