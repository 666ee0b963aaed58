"""A lab network as data: its nodes (a name, a share of the hash power, mining or not, a
database), its links (a latency and a loss rate each), and demo activity. `pocketchain devnet`
starts one from `--topology` or from a network file (`--file NETWORK.toml`, read with tomllib):

    [defaults]               # for every node and link that does not say otherwise
    latency_ms = 20
    loss = 0.0
    block_interval = 5       # the network's mean seconds between blocks

    [demo]                   # demo wallets, as --demo, at these rates
    payments_per_minute = 6
    posts_per_minute = 2

    [[nodes]]
    name = "paris"
    share = 0.3              # of the hash power; mining nodes without one split what is left
    # mining = false         # a node that only relays
    # db = "postgresql://…"  # a database of its own instead of SQLite in its directory

    [[links]]
    between = ["paris", "berlin"]
    latency_ms = 15

With shares, the nodes mine in the exponential mode: each waits an exponential time of mean
`block_interval / share` before each block it solves, so the shares hold exactly whatever the
machine's speed. Without (`--topology`), every mining node searches nonces flat out: a real race.
"""

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..consensus.errors import PocketchainError
from ..p2p import Condition, LinkError
from .topology import TopologyError, links

EXPONENTIAL = "exponential"
RACE = "proof-of-work race"
MAX_NODES = 16
NO_DELAY = Condition()


class NetworkFileError(PocketchainError, ValueError):
    """A network file that cannot be read or does not describe a network."""


@dataclass(frozen=True)
class LabNode:
    name: str
    mining: bool = True
    share: float | None = None  # of the network's hash power (the exponential mode)
    db: str | None = None


@dataclass(frozen=True)
class LabLink:
    a: int  # a < b: node b dials node a
    b: int
    condition: Condition = NO_DELAY


@dataclass(frozen=True)
class Plan:
    nodes: tuple[LabNode, ...]
    links: tuple[LabLink, ...]
    block_interval: float | None = None  # seconds; None: the network's own spacing
    demo_per_minute: tuple[float, float] | None = None  # (payments, posts)
    source: str = "mesh"  # the topology or the file it came from

    @property
    def mode(self) -> str:
        return EXPONENTIAL if any(n.share for n in self.nodes) else RACE


def from_topology(kind: str, n: int) -> Plan:
    """n mining nodes named node0… linked as `kind` says, without delays: a real mining race."""
    pairs = links(kind, n)
    nodes = tuple(LabNode(f"node{i}") for i in range(n))
    return Plan(nodes, tuple(LabLink(a, b) for a, b in pairs), source=kind)


def read_plan(path: Path) -> Plan:
    """The network `path` describes; NetworkFileError naming what is wrong."""
    try:
        data = tomllib.loads(path.read_text())
    except OSError as exc:
        raise NetworkFileError(f"{path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NetworkFileError(f"{path} is not TOML: {exc}") from None
    try:
        return _plan(data, str(path))
    except (TypeError, ValueError, KeyError, LinkError, TopologyError) as exc:
        message = exc.args[0] if exc.args else repr(exc)
        raise NetworkFileError(f"{path}: {message}") from None


def _plan(data: dict[str, Any], source: str) -> Plan:
    _only(data, {"defaults", "demo", "nodes", "links", "topology"}, "the file")
    defaults = _table(data, "defaults")
    _only(defaults, {"latency_ms", "loss", "block_interval", "mining"}, "[defaults]")
    mining = defaults.get("mining", True)
    if not isinstance(mining, bool):
        raise TypeError("[defaults] mining is true or false")
    nodes = _nodes(data.get("nodes"), mining)
    names = {node.name: i for i, node in enumerate(nodes)}
    base = Condition(_number(defaults, "latency_ms", 0.0), _number(defaults, "loss", 0.0))
    if "topology" in data and "links" in data:
        raise ValueError('give either topology = "…" or [[links]], not both')
    if "links" in data:
        pairs = _links(data["links"], names, base)
    else:
        kind = data.get("topology", "mesh")
        pairs = [LabLink(a, b, base) for a, b in links(str(kind), len(nodes))]
    interval = _number(defaults, "block_interval", None)
    if interval is not None and interval <= 0:
        raise ValueError("block_interval is a number of seconds above 0")
    demo = _table(data, "demo")
    _only(demo, {"payments_per_minute", "posts_per_minute"}, "[demo]")
    rates = None
    if demo:
        rates = (_number(demo, "payments_per_minute", 0.0), _number(demo, "posts_per_minute", 0.0))
        if min(rates) < 0 or sum(rates) <= 0:
            raise ValueError("[demo] rates are 0 or more per minute, and not both 0")
    return Plan(nodes, tuple(pairs), interval, rates, source)


def _nodes(items: Any, mining_default: bool) -> tuple[LabNode, ...]:
    if not isinstance(items, list) or not items:
        raise ValueError("a network needs [[nodes]], one table per node")
    if len(items) > MAX_NODES:
        raise ValueError(f"at most {MAX_NODES} nodes, not {len(items)}")
    raw: list[tuple[str, bool, float | None, str | None]] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise TypeError(f"node {i} is not a table")
        _only(item, {"name", "share", "mining", "db"}, f"node {i}")
        name = str(item.get("name", f"node{i}"))
        mining = item.get("mining", mining_default)
        if not isinstance(mining, bool):
            raise TypeError(f"node {name!r}: mining is true or false")
        share = _number(item, "share", None) if "share" in item else None
        if share is not None and not (0 < share <= 1):
            raise ValueError(f"node {name!r}: a share is above 0 and at most 1")
        if share is not None and not mining:
            raise ValueError(f"node {name!r} has a share of the hash power but does not mine")
        db = item.get("db")
        if db is not None and not isinstance(db, str):
            raise TypeError(f"node {name!r}: db is a URL")
        raw.append((name, mining, share, db))
    if len({name for name, *_ in raw}) != len(raw):
        raise ValueError("two nodes have the same name")
    return _shared_out(raw)


def _shared_out(raw: list[tuple[str, bool, float | None, str | None]]) -> tuple[LabNode, ...]:
    """Give the mining nodes without a share equal parts of what the others leave."""
    given = sum(share or 0.0 for _, _, share, _ in raw)
    if not any(share for _, _, share, _ in raw):  # no shares: a real race
        return tuple(LabNode(name, mining, None, db) for name, mining, _, db in raw)
    if given > 1 + 1e-9:
        raise ValueError(f"the shares add up to {given:g}, more than 1")
    open_ = [name for name, mining, share, _ in raw if mining and share is None]
    left = 1 - given
    if open_ and left <= 1e-9:
        raise ValueError(f"the shares leave nothing for {', '.join(open_)}")
    if not open_ and not math.isclose(given, 1, abs_tol=1e-6):
        raise ValueError(f"the shares add up to {given:g}, not 1")
    part = left / len(open_) if open_ else 0.0
    return tuple(
        LabNode(name, mining, share if share is not None else (part if mining else None), db)
        for name, mining, share, db in raw
    )


def _links(items: Any, names: dict[str, int], base: Condition) -> list[LabLink]:
    if not isinstance(items, list):
        raise TypeError("[[links]] are tables")
    found: dict[tuple[int, int], LabLink] = {}
    for item in items:
        if not isinstance(item, dict):
            raise TypeError("a link is a table")
        _only(item, {"between", "latency_ms", "loss"}, "a link")
        ends = item.get("between")
        if not isinstance(ends, list) or len(ends) != 2:
            raise ValueError('a link has between = ["name", "name"]')
        unknown = [str(end) for end in ends if end not in names]
        if unknown:
            raise ValueError(f"a link names {unknown[0]!r}, which is not a node")
        a, b = sorted(names[end] for end in ends)
        if a == b:
            raise ValueError(f"a link joins {ends[0]!r} to itself")
        if (a, b) in found:
            raise ValueError(f"{ends[0]!r} and {ends[1]!r} are linked twice")
        latency = _number(item, "latency_ms", base.latency_ms)
        found[a, b] = LabLink(a, b, Condition(latency, _number(item, "loss", base.loss)))
    pairs = sorted(found.values(), key=lambda link: (link.a, link.b))
    if not _connected(len(names), [(link.a, link.b) for link in pairs]):
        raise ValueError("the links leave a node or a group cut off from the others")
    return pairs


def _connected(n: int, pairs: list[tuple[int, int]]) -> bool:
    reached, todo = {0}, [0]
    while todo:
        here = todo.pop()
        for a, b in pairs:
            for x, y in ((a, b), (b, a)):
                if x == here and y not in reached:
                    reached.add(y)
                    todo.append(y)
    return len(reached) == n


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise TypeError(f"[{key}] is a table")
    return value


def _only(table: dict[str, Any], keys: set[str], where: str) -> None:
    unknown = sorted(set(table) - keys)
    if unknown:
        raise ValueError(f"{where} has an unknown key {unknown[0]!r}")


def _number(table: dict[str, Any], key: str, default: Any) -> Any:
    value = table.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{key} is a number, not {value!r}")
    return float(value)
