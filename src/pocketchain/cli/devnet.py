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

from ..consensus.params import get_params
from ..lab.control import STATE, Devnet
from ..lab.topology import Link, links, neighbours_before
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
    index: int, port: int, base_dir: Path, network: str, mine: bool, peers: list[str]
) -> Child:
    data_dir = base_dir if index == 0 else base_dir / f"devnet-node{index}"
    log = data_dir / network / "node.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "pocketchain", "node", "--network", network, "--host", HOST]
    args += ["--port", str(port), "--data-dir", str(data_dir), "--miners", "1"]
    args += ["--no-discover"]  # a mesh of the nodes it starts, and only that: splits hold
    args += ["--mine"] if mine else []
    for peer in peers:
        args += ["--peer", peer]
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


def _failed(child: Child, what: str) -> UserError:
    name = f"node {child.index} ({child.url})"
    return UserError(f"{name} {what}; the end of {child.log}:\n{child.log_tail()}")


def wait_ready(child: Child, http: httpx.Client) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if (code := child.process.poll()) is not None:
            raise _failed(child, f"exited with code {code} while starting")
        try:
            if http.get(f"{child.url}/api/v1/status", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
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


def run_devnet(
    nodes: int,
    port: int,
    data_dir: Path,
    network: str,
    mine: bool,
    demo: bool,
    pairs: list[Link] | None = None,
) -> None:
    """Start `nodes` nodes linked as `pairs` say (default: every pair), and watch them."""
    pairs = links("mesh", nodes) if pairs is None else pairs
    state = Devnet(network, [], [], pairs)
    ports = range(port, port + nodes)
    check_ports_free(ports)
    children: list[Child] = []
    demo_wallets: Demo | None = None
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        with httpx.Client() as http:
            for index, node_port in enumerate(ports):
                peers = [children[a].url for a in neighbours_before(pairs, index)]
                children.append(start_node(index, node_port, data_dir, network, mine, peers))
                wait_ready(children[-1], http)  # so the next node's handshakes find it
                state.urls.append(children[-1].url)
                state.tokens.append(str(children[-1].log.with_name("admin.token")))
            state.save(data_dir)  # for `devnet split`, `heal` and `status`
            typer.echo(f"{network} of {nodes} node{'s' * (nodes > 1)}; Ctrl-C stops them all")
            typer.echo(f"web UI and API: {children[0].url}/")
            for child in children[1:]:
                typer.echo(f"node {child.index}: {child.url}/ (data in {child.data_dir})")
            if demo:
                log = children[0].log.with_name("demo.log")
                demo_wallets = Demo(get_params(network), [c.url for c in children], log)
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
