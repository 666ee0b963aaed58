"""Which inbound peer goes when the slots are full (Core: SelectNodeToEvict)."""

import math

from hypothesis import given
from hypothesis import strategies as st

from pocketchain.p2p.bans import BanList, RateLimit
from pocketchain.p2p.eviction import Candidate, select_to_evict

KEY = bytes(32)


def candidate(n: int, group: str, **changes: float) -> Candidate:
    fields = {"connected": float(n), "min_ping": math.inf, "last_block": 0.0, "last_tx": 0.0}
    return Candidate(id=n, netgroup=group, **(fields | changes))  # type: ignore[arg-type]


def test_the_most_crowded_netgroup_loses_its_youngest_unprotected_peer() -> None:
    honest = [candidate(n, f"10.{n}.0.0/16") for n in range(10)]
    crowd = [candidate(100 + n, "10.99.0.0/16") for n in range(40)]
    evicted = []
    for _ in range(20):
        chosen = select_to_evict(honest + crowd, KEY)
        assert chosen is not None and chosen.netgroup == "10.99.0.0/16"
        crowd.remove(chosen)
        evicted.append(chosen.id)
    assert evicted[:4] == sorted(evicted[:4], reverse=True)  # the youngest first


def test_peers_that_gave_blocks_or_transactions_or_answer_fast_are_protected() -> None:
    useful = [
        candidate(1, "10.99.0.0/16", last_block=50.0),
        candidate(2, "10.99.0.0/16", last_tx=50.0),
        candidate(3, "10.99.0.0/16", min_ping=0.001),
    ]
    idle = [candidate(100 + n, "10.99.0.0/16") for n in range(30)]
    for _ in range(10):
        chosen = select_to_evict(useful + idle, KEY)
        assert chosen is not None and chosen.id >= 100
        idle = [c for c in idle if c.id != chosen.id]


def test_when_every_peer_is_protected_nobody_is_evicted() -> None:
    assert select_to_evict([candidate(n, f"10.{n}.0.0/16") for n in range(4)], KEY) is None
    assert select_to_evict([], KEY) is None


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.floats(0, 100), st.booleans(), st.booleans()),
        max_size=80,
    )
)
def test_the_one_evicted_never_gave_us_one_of_the_freshest_blocks_or_transactions(
    rows: list[tuple[int, float, bool, bool]],
) -> None:
    peers = [
        candidate(
            n,
            f"10.{group}.0.0/16",
            connected=when,
            last_block=1000.0 + n if block else 0.0,
            last_tx=1000.0 + n if tx else 0.0,
        )
        for n, (group, when, block, tx) in enumerate(rows)
    ]
    chosen = select_to_evict(peers, KEY)
    if chosen is None:
        return
    assert chosen in peers
    newest_blocks = sorted(peers, key=lambda c: (c.last_block, -c.connected))[-4:]
    newest_txs = sorted(peers, key=lambda c: (c.last_tx, -c.connected))[-4:]
    assert chosen not in newest_blocks and chosen not in newest_txs
    assert len(peers) > 4 + 4 + 4  # below that, everyone is protected


def test_a_ban_expires_and_is_kept_across_a_restart() -> None:
    bans = BanList()
    bans.ban("127.0.0.9", "invalid block: bad-cb-amount", now=100.0, seconds=600)
    assert bans.get("127.0.0.9", 699.0) is not None and bans.get("127.0.0.8", 699.0) is None
    again = BanList.load(bans.dump(200.0))
    assert again.get("127.0.0.9", 300.0) == bans.get("127.0.0.9", 300.0)
    assert again.get("127.0.0.9", 700.0) is None and again.active(700.0) == []


def test_a_rate_limit_refills_with_time() -> None:
    limit = RateLimit(rate=1.0, burst=3)
    assert [limit.take("a", 0.0) for _ in range(4)] == [1, 1, 1, 0]
    assert limit.take("b", 0.0) == 1  # each key its own bucket
    assert limit.take("a", 2.0, count=5) == 2
