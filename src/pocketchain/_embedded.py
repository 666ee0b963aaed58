"""`pocketchain.Node`: a whole node inside the caller's process, serving HTTP when asked.

It is the node `pocketchain node` runs (the same store, mempool, miner processes and peers) with
the front door of node/node.py; given `port=` it also serves the HTTP API and the web UI of
CONTRACT section 4 on a thread of its own, and can then join peers.
"""

import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from .api.server import Server, listen, server
from .consensus.params import ChainParams
from .node import node
from .p2p import Condition, PeerSettings
from .p2p.link import endpoint

SERVER_START = 30.0  # seconds for the HTTP server to be up, at most


class Node(node.Node):
    """A node of `network` (`regtest`, `devnet`, `main`, or its parameters) in this process.

        with pocketchain.Node() as chain:     # regtest, in a temporary directory
            chain.mine(101)
            print(chain.status().height)

    `data_dir` keeps its data across runs (`None`: a temporary directory, removed when the node
    closes); `db` is a `sqlite:///` or `postgresql://` URL, as the command's `--db`. With
    `port=` (0: any free one; `url` says which) it serves the HTTP API and the web UI on `host`
    and joins `peers`, base URLs of other nodes (`seeds`, `max_outbound`, `max_inbound`,
    `discover` and `forbid` are the flags of `pocketchain node`; `links` maps a peer's URL to
    the (latency in ms, loss rate) of the link to it, as `--link`). `miners` worker processes
    search nonces when it mines (default: one per core but one), started the first time it does.

    Every method may be called from any thread: reads and changes run one at a time, each
    holding the node's writer lock, and `status()` never waits for it. Close it (or leave the
    `with`) to stop mining, save the mempool and release the store, which one node holds at a
    time.
    """

    def __init__(
        self,
        network: str | ChainParams = "regtest",
        data_dir: Path | str | None = None,
        db: str | None = None,
        peers: Sequence[str] = (),
        port: int | None = None,
        *,
        host: str = "127.0.0.1",
        miners: int | None = None,
        seeds: Sequence[str] = (),
        max_outbound: int = 8,
        max_inbound: int = 64,
        discover: bool = True,
        forbid: Sequence[str] = (),
        links: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        if peers and port is None:
            raise ValueError("a node joins peers only when it serves them: give port=")
        sock = listen(host, port) if port is not None else None
        self.url: str | None = None
        if sock is not None:
            self.url = f"http://{host}:{sock.getsockname()[1]}"
        peering = PeerSettings(
            public_url=self.url,
            peers=tuple(peers),
            seeds=tuple(seeds),
            max_outbound=max_outbound,
            max_inbound=max_inbound,
            discover=discover,
            forbid=tuple(forbid),
            local_address=host,
            links=tuple(
                (endpoint(url), Condition(*condition)) for url, condition in (links or {}).items()
            ),
        )
        try:
            super().__init__(network, data_dir, db, miners=miners, peering=peering)
        except BaseException:
            if sock is not None:
                sock.close()
            raise
        self._server: Server | None = None
        self._serving: threading.Thread | None = None
        if sock is not None:
            self._serve(host, sock.getsockname()[1], sock)

    def _serve(self, host: str, port: int, sock: object) -> None:
        self._server = server(self, host, port)
        self._serving = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="http", daemon=True
        )
        self._serving.start()
        deadline = time.monotonic() + SERVER_START
        while not self._server.started and self._serving.is_alive():
            if time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"the HTTP server did not start in {SERVER_START:g} s")
            time.sleep(0.01)

    def close(self) -> None:
        """Stop serving, then everything the node runs, and release its store."""
        if self._server is not None and self._serving is not None:
            self._server.should_exit = True
            self._serving.join()
            self._server = None
        super().close()
