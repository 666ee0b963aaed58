"""Lab topologies: the links each kind gives, and random:K always connected with degree >= K."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pocketchain.lab.topology import TopologyError, links


def connected(n: int, pairs: list[tuple[int, int]]) -> bool:
    seen, todo = {0}, [0]
    while todo:
        node = todo.pop()
        for a, b in pairs:
            for here, there in ((a, b), (b, a)):
                if here == node and there not in seen:
                    seen.add(there)
                    todo.append(there)
    return len(seen) == n


def test_the_fixed_kinds() -> None:
    assert links("mesh", 3) == [(0, 1), (0, 2), (1, 2)]
    assert links("line", 4) == [(0, 1), (1, 2), (2, 3)]
    assert links("ring", 4) == [(0, 1), (0, 3), (1, 2), (2, 3)]
    assert links("ring", 2) == [(0, 1)]
    assert links("star", 4) == [(0, 1), (0, 2), (0, 3)]
    assert links("mesh", 1) == []


@given(st.integers(2, 30), st.integers(1, 8), st.integers(0, 2**32))
def test_random_k_is_connected_and_every_node_has_k_links(n: int, k: int, seed: int) -> None:
    k = min(k, n - 1)
    pairs = links(f"random:{k}", n, random.Random(seed))
    assert connected(n, pairs)
    assert all(a < b < n for a, b in pairs) and len(set(pairs)) == len(pairs)
    for node in range(n):
        assert sum(node in pair for pair in pairs) >= k


@pytest.mark.parametrize("kind", ["torus", "random:x", "random:0", "random:5"])
def test_unknown_kinds_and_impossible_degrees_are_refused(kind: str) -> None:
    with pytest.raises(TopologyError):
        links(kind, 4)
