"""Connection bookkeeping: misbehaviour scores, inbound silence, backoff, what a peer is known to
have."""

from pocketchain.p2p.peer import (
    BAN_THRESHOLD,
    INBOUND_TIMEOUT,
    MAX_BACKOFF,
    SCORE_GARBAGE,
    KnownSet,
    Peer,
    scored,
)


def test_scores_follow_cores_rules() -> None:
    assert scored("high-hash", block=True) == BAN_THRESHOLD  # an invalid block: at once
    assert scored("time-too-new", block=True) == 0  # Core: BLOCK_TIME_FUTURE
    assert scored("decode-failed", block=False) == SCORE_GARBAGE
    assert scored("bad-signature", block=False) > 0
    for code in ("txn-mempool-conflict", "bad-txns-inputs-missingorspent", "mempool-min-fee"):
        assert scored(code, block=False) == 0  # races and local policy are not misbehaviour


def test_misbehaviour_adds_up_to_the_ban_threshold() -> None:
    peer = Peer("http://127.0.0.1:1", "inbound", key="k")
    steps = [peer.misbehave(SCORE_GARBAGE) for _ in range(BAN_THRESHOLD // SCORE_GARBAGE)]
    assert steps[-1] is True and not any(steps[:-1])
    assert peer.misbehave(0) is False


def test_an_inbound_peer_is_connected_while_it_keeps_talking() -> None:
    peer = Peer("http://127.0.0.1:1", "inbound", key="k", connected_since=0.0)
    peer.seen({"height": 3, "tip": "ab" * 32, "chainwork": "ff"}, 10.0)
    assert peer.connected(10.0 + INBOUND_TIMEOUT - 1)
    assert not peer.connected(10.0 + INBOUND_TIMEOUT) and peer.quiet(10.0 + INBOUND_TIMEOUT)


def test_unreachable_peers_are_retried_with_growing_waits() -> None:
    peer = Peer("http://127.0.0.1:1", "manual", key="k", connected_since=0.0)
    waits = []
    for _ in range(10):
        peer.unreachable(100.0)
        waits.append(peer.next_try - 100.0)
    assert waits == sorted(waits) and waits[0] == 1.0 and waits[-1] == MAX_BACKOFF
    assert not peer.connected(100.0)
    peer.seen({"height": 3, "tip": "ab" * 32, "chainwork": "ff"}, 200.0)
    assert peer.connected(200.0) and peer.failures == 0 and peer.chainwork == 255


def test_known_sets_forget_the_oldest() -> None:
    known = KnownSet(limit=3)
    for item in (b"a", b"b", b"c", b"d"):
        known.add(item)
    assert b"a" not in known and all(i in known for i in (b"b", b"c", b"d"))
