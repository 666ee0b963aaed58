"""Network files: what a good one gives, and one clear error for each kind of mistake."""

from pathlib import Path

import pytest

from pocketchain.lab.netfile import EXPONENTIAL, RACE, NetworkFileError, from_topology, read_plan
from pocketchain.p2p import Condition

EXAMPLE = Path(__file__).parents[2] / "examples" / "lab" / "two-continents.toml"


def plan_of(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "net.toml"
    path.write_text(text)
    return read_plan(path)


def test_the_example_file() -> None:
    plan = read_plan(EXAMPLE)
    assert [n.name for n in plan.nodes] == ["paris", "berlin", "madrid", "new-york", "chicago"]
    assert [n.share for n in plan.nodes] == [0.30, 0.15, None, 0.35, 0.20]
    assert plan.nodes[2].mining is False
    assert plan.mode == EXPONENTIAL and plan.block_interval == 5
    ocean = next(link for link in plan.links if (link.a, link.b) == (0, 3))
    assert ocean.condition == Condition(80.0, 0.01)
    assert (
        next(link for link in plan.links if (link.a, link.b) == (0, 1)).condition.latency_ms == 10
    )
    assert plan.demo_per_minute == (8.0, 4.0)


def test_nodes_without_a_share_split_what_is_left(tmp_path: Path) -> None:
    text = 'topology = "star"\n[[nodes]]\nshare = 0.5\n[[nodes]]\n[[nodes]]\n'
    text += "[[nodes]]\nmining = false\n"
    plan = plan_of(tmp_path, text)
    assert [n.share for n in plan.nodes] == [0.5, 0.25, 0.25, None]
    assert [(link.a, link.b) for link in plan.links] == [(0, 1), (0, 2), (0, 3)]


def test_without_shares_the_nodes_race() -> None:
    plan = from_topology("line", 3)
    assert plan.mode == RACE and all(n.mining and n.share is None for n in plan.nodes)
    assert [(link.a, link.b) for link in plan.links] == [(0, 1), (1, 2)]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[[nodes]]\nshare = 0.7\n[[nodes]]\nshare = 0.6\n", "add up to 1.3, more than 1"),
        ("[[nodes]]\nshare = 0.5\n[[nodes]]\nshare = 0.4\n", "add up to 0.9, not 1"),
        ("[[nodes]]\nshare = 1.0\n[[nodes]]\n", "leave nothing for node1"),
        ("[[nodes]]\nname = 'a'\n[[nodes]]\nname = 'a'\n", "same name"),
        ("[[nodes]]\nshare = 0.5\nmining = false\n", "does not mine"),
        ("[[nodes]]\ncolour = 'red'\n", "unknown key 'colour'"),
        ("[[nodes]]\nname='a'\n[[nodes]]\nname='b'\n[[links]]\nbetween=['a','c']\n", "'c'"),
        (
            "[[nodes]]\nname='a'\n[[nodes]]\nname='b'\n[[nodes]]\nname='c'\n"
            "[[links]]\nbetween=['a','b']\n",
            "cut off",
        ),
        (
            "[[nodes]]\nname='a'\n[[nodes]]\nname='b'\n[[links]]\nbetween=['a','b']\nloss=2\n",
            "loss rate",
        ),
        ("[[nodes]]\n[[nodes]]\n[defaults]\nlatency_ms = 'fast'\n", "latency_ms is a number"),
        ("nodes = 3\n", "[[nodes]]"),
        ("topology = 'blob'\n[[nodes]]\n[[nodes]]\n", "blob"),
        ("[[nodes]\n", "is not TOML"),
    ],
)
def test_mistakes_are_named(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(NetworkFileError) as caught:
        plan_of(tmp_path, text)
    assert says in str(caught.value) and str(tmp_path) in str(caught.value)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NetworkFileError, match="No such file"):
        read_plan(tmp_path / "nope.toml")
