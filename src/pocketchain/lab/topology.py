"""Who is linked to whom in a lab network of n nodes: `mesh`, `line`, `ring`, `star` or
`random:K` (every node linked to at least K others, the whole connected). Pure: the randomness
is passed in.

A link is a pair (a, b) with a < b. A devnet starts node b with `--peer` node a, and every node
with `--no-discover`, so the nodes keep to these links.
"""

import random

Link = tuple[int, int]
KINDS = ("mesh", "line", "ring", "star", "random:K")


class TopologyError(ValueError):
    """Not a topology this module knows, or not one n nodes can form."""


def links(kind: str, n: int, rng: random.Random | None = None) -> list[Link]:
    """The links of topology `kind` over nodes 0..n-1, sorted."""
    if n < 1:
        raise TopologyError("a network has at least one node")
    if kind == "mesh":
        pairs = {(a, b) for b in range(n) for a in range(b)}
    elif kind == "line":
        pairs = {(a, a + 1) for a in range(n - 1)}
    elif kind == "ring":
        pairs = {(a, a + 1) for a in range(n - 1)} | ({(0, n - 1)} if n > 2 else set())
    elif kind == "star":
        pairs = {(0, b) for b in range(1, n)}
    elif kind.startswith("random:"):
        pairs = _random(_degree(kind, n), n, rng or random.Random())
    else:
        raise TopologyError(f"{kind!r} is not a topology: {', '.join(KINDS)}")
    return sorted(pairs)


def _degree(kind: str, n: int) -> int:
    try:
        k = int(kind.removeprefix("random:"))
    except ValueError:
        raise TopologyError(f"{kind!r}: K in random:K is a whole number") from None
    if not 1 <= k <= max(1, n - 1):
        raise TopologyError(f"{kind!r}: K is from 1 to {max(1, n - 1)} for {n} nodes")
    return k


def _random(k: int, n: int, rng: random.Random) -> set[Link]:
    """A random spanning tree (so the network is connected), then random links until every
    node has at least k."""
    order = list(range(n))
    rng.shuffle(order)
    pairs = {_pair(node, order[rng.randrange(i)]) for i, node in enumerate(order) if i}
    degree = [0] * n
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    for node in order:
        others = [m for m in range(n) if m != node and _pair(node, m) not in pairs]
        rng.shuffle(others)
        while degree[node] < k and others:
            other = others.pop()
            pairs.add(_pair(node, other))
            degree[node] += 1
            degree[other] += 1
    return pairs


def _pair(a: int, b: int) -> Link:
    return (a, b) if a < b else (b, a)
