"""Controlling a running devnet from another terminal (`pocketchain devnet split`, `heal` and
`status`) or from its Network page. The devnet writes what they need into
`<data-dir>/devnet.json` (its nodes' names, URLs, admin token files and shares of the hash power,
its links with their latencies, the links cut); they talk to the nodes through `Client`.

A split cuts every link between two groups: both ends forget each other, and since devnet nodes
run with `--no-discover` nothing links them again until `heal` dials each cut link anew.
"""

import contextlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ._client import Client
from .consensus.errors import NotFound, PocketchainError

STATE = "devnet.json"
Link = tuple[int, int]  # (a, b), a < b: node b dials node a


class LabError(PocketchainError):
    """No devnet runs here, or a split names nodes it does not have."""


@dataclass
class Devnet:
    network: str
    urls: list[str]
    tokens: list[str]  # each node's admin token file
    names: list[str]
    shares: list[float | None]  # of the hash power, by node
    links: list[Link]
    latency_ms: list[float]  # by link
    loss: list[float]  # by link
    mode: str  # how the nodes mine: "exponential" or "proof-of-work race"
    source: str  # the topology or the network file
    cut: list[Link] = field(default_factory=list)

    @staticmethod
    def find(data_dir: Path) -> Path | None:
        """Where the state of the devnet a node with data in `data_dir` belongs to is kept
        (node 0 keeps it in its own directory, node i in the one above), or None."""
        for where in (data_dir, data_dir.parent):
            if (where / STATE).is_file():
                return where
        return None

    def save(self, data_dir: Path) -> None:
        path = data_dir / STATE
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps(asdict(self)))
        temp.replace(path)  # never half-written

    @classmethod
    def load(cls, data_dir: Path) -> "Devnet":
        try:
            raw = json.loads((data_dir / STATE).read_text())
        except FileNotFoundError:
            raise LabError(f"no devnet runs with data in {data_dir}") from None
        raw["links"] = [tuple(pair) for pair in raw["links"]]
        raw["cut"] = [tuple(pair) for pair in raw["cut"]]
        return cls(**raw)

    def client(self, node: int) -> Client:
        return Client(self.urls[node], token=Path(self.tokens[node]).read_text().strip())

    def link_rows(self) -> list[dict[str, Any]]:
        """Each link with its latency and loss (`devnet status --json`, GET /api/v1/devnet)."""
        return [
            {"between": list(pair), "latency_ms": ms, "loss": loss}
            for pair, ms, loss in zip(self.links, self.latency_ms, self.loss, strict=True)
        ]


def parse_groups(texts: list[str], nodes: int) -> list[set[int]]:
    """`["0,1", "2"]` as groups of node numbers, each node in one group at most."""
    groups: list[set[int]] = []
    for text in texts:
        try:
            group = {int(part) for part in text.split(",")}
        except ValueError:
            raise LabError(f"{text!r} is not a group of node numbers like 0,1") from None
        if not group <= set(range(nodes)):
            raise LabError(f"{text!r}: this devnet's nodes are 0 to {nodes - 1}")
        if any(group & other for other in groups):
            raise LabError(f"{text!r}: a node is in two groups")
        groups.append(group)
    if len(groups) < 2:
        raise LabError("a split needs two groups or more, e.g. `split 0,1 2`")
    return groups


def crossing(links: list[Link], groups: list[set[int]]) -> list[Link]:
    """The links between two of `groups`."""
    where = {node: n for n, group in enumerate(groups) for node in group}
    return [(a, b) for a, b in links if a in where and b in where and where[a] != where[b]]


def forget_across(cut: list[Link], urls: list[str], disconnect: Callable[[int, str], Any]) -> None:
    """Both ends of each cut link forget each other: `disconnect(node, url)` on each side."""
    for a, b in cut:
        for here, there in ((a, b), (b, a)):
            with contextlib.suppress(NotFound):  # NotFound: it had forgotten it already
                disconnect(here, urls[there])


def redial(cut: list[Link], urls: list[str], connect: Callable[[int, str], Any]) -> None:
    """Each cut link again: the later node dials the earlier, as at the start."""
    for a, b in cut:
        connect(b, urls[a])


def split(devnet: Devnet, groups: list[set[int]]) -> list[Link]:
    """Cut every link between two of `groups`; the links cut."""
    cut = [link for link in crossing(devnet.links, groups) if link not in devnet.cut]

    def disconnect(node: int, url: str) -> None:
        with devnet.client(node) as client:
            client.disconnect(url)

    forget_across(cut, devnet.urls, disconnect)
    devnet.cut.extend(cut)
    return cut


def heal(devnet: Devnet) -> list[Link]:
    """Dial every cut link again."""
    healed = list(devnet.cut)

    def connect(node: int, url: str) -> None:
        with devnet.client(node) as client:
            client.connect(url)

    redial(healed, devnet.urls, connect)
    devnet.cut.clear()
    return healed


def status(devnet: Devnet) -> list[dict[str, Any]]:
    """Each node's height, tip, peers, mining and share, or its error when it does not answer."""
    rows = []
    for node, url in enumerate(devnet.urls):
        row: dict[str, Any] = {"node": node, "url": url}
        row |= {"name": devnet.names[node], "share": devnet.shares[node]}
        try:
            with Client(url) as client:
                now = client.status()
            row |= {"height": now.height, "tip": now.tip, "peers": now.peers, "mining": now.mining}
        except PocketchainError as exc:
            row["error"] = str(exc)
        rows.append(row)
    return rows
