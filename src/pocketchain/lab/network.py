"""A lab network inside this process, for the scenarios that need real peers: n nodes
(`pocketchain.Node`) serving HTTP on loopback, each on an address of its own (127.77.0.i), linked
as a topology says, with the latency and loss of each link applied by the nodes themselves.
Mining is paced (the exponential mode); split and heal work as `pocketchain devnet split`."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

from .._devnet import Link, crossing, forget_across, redial
from .._embedded import Node
from .._results import BlockEvent, ReorgEvent
from .scenario import ScenarioError

HOST = "127.77.0.{}"  # node i listens on 127.77.0.(i+1): a netgroup of its own
POLL = 0.02  # seconds between two looks at the nodes' tips
MAX_TIE_BREAKS = 10


@dataclass
class Seen:
    """When each node's chain got each block (monotonic seconds), from its events."""

    at: list[dict[str, float]] = field(default_factory=list)

    def first(self, block_hash: str) -> float | None:
        times = [seen[block_hash] for seen in self.at if block_hash in seen]
        return min(times) if times else None


class LabNetwork:
    def __init__(
        self,
        count: int,
        links: list[Link],
        latency_ms: float = 0.0,
        loss: float = 0.0,
    ) -> None:
        self.links = links
        self.nodes: list[Node] = []
        self.seen = Seen()
        self._watchers: list[threading.Thread] = []
        try:
            for i in range(count):
                dials = [self.nodes[a].url or "" for a, b in links if b == i]
                node = Node(
                    port=0,
                    host=HOST.format(i + 1),
                    peers=dials,
                    discover=False,
                    miners=1,
                    links={url: (latency_ms, loss) for url in dials},
                )
                self.nodes.append(node)
                self.seen.at.append({})
                self._watch(i)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "LabNetwork":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        for node in self.nodes:
            node.close()  # ends its event stream: the watcher returns
        for watcher in self._watchers:
            watcher.join()

    def urls(self) -> list[str]:
        return [node.url or "" for node in self.nodes]

    def _watch(self, i: int) -> None:
        seen, events = self.seen.at[i], self.nodes[i].events()

        def run() -> None:
            for event in events:
                if isinstance(event, BlockEvent):
                    seen.setdefault(event.hash, time.monotonic())
                elif isinstance(event, ReorgEvent):
                    now = time.monotonic()
                    for block_hash in event.connected:
                        seen.setdefault(block_hash, now)

        self._watchers.append(threading.Thread(target=run, name=f"watch{i}", daemon=True))
        self._watchers[-1].start()

    # -- mining, splits ---------------------------------------------------------------------

    def mine(self, interval: float, shares: list[float] | None = None) -> None:
        """Every node mines in the exponential mode: the network finds a block every
        `interval` seconds on average, node i a share shares[i] of them (default: equal)."""
        shares = shares or [1 / len(self.nodes)] * len(self.nodes)
        for node, share in zip(self.nodes, shares, strict=True):
            if share > 0:
                node.set_mining(True, node.miner_key_hash, every=interval / share)

    def stop_mining(self) -> None:
        for node in self.nodes:
            node.stop_mining()

    def split(self, groups: list[set[int]]) -> list[Link]:
        cut = crossing(self.links, groups)
        forget_across(cut, self.urls(), lambda node, url: self.nodes[node].disconnect(url))
        return cut

    def heal(self, cut: list[Link]) -> None:
        redial(cut, self.urls(), lambda node, url: self.nodes[node].connect(url))

    # -- waiting ------------------------------------------------------------------------------

    def tips(self) -> list[str]:
        return [node.status().tip for node in self.nodes]

    def wait_connected(self, timeout: float = 30.0) -> None:
        """Until every node has all its links up."""
        wanted = [sum(i in link for link in self.links) for i in range(len(self.nodes))]
        self.wait_until(lambda: [n.status().peers for n in self.nodes] == wanted, timeout, "links")

    def settle(self, quiet: float) -> None:
        """Stop mining and bring every node to one tip: when the tips still differ after
        `quiet` seconds (a tie of equal work, which no node breaks on its own), node 0 mines a
        block on its tip, at most MAX_TIE_BREAKS times."""
        self.stop_mining()
        for breaks in range(MAX_TIE_BREAKS + 1):
            try:
                self.wait_converged(timeout=quiet)
                return
            except ScenarioError:
                if breaks == MAX_TIE_BREAKS:
                    raise
            self.nodes[0].mine(1)

    def wait_converged(self, timeout: float = 60.0) -> float:
        """Until every node has the same tip; the seconds it took."""
        start = time.monotonic()
        self.wait_until(lambda: len(set(self.tips())) == 1, timeout, "one tip")
        return time.monotonic() - start

    @staticmethod
    def wait_until(done: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise ScenarioError(f"the lab network did not reach {what} in {timeout:g} s")
            time.sleep(POLL)
