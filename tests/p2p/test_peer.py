"""Peer bookkeeping: URLs, misbehaviour scores and bans, backoff, what a peer is known to have."""

import pytest

from pocketchain.p2p.peer import (
    BAN_SECONDS,
    BAN_THRESHOLD,
    MAX_BACKOFF,
    SCORE_GARBAGE,
    KnownSet,
    Peer,
    PeerError,
    normalize_url,
    scored,
)


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("http://127.0.0.1:5000/", "http://127.0.0.1:5000"),
        (" https://node.example:443 ", "https://node.example:443"),
        ("http://host/prefix/", "http://host/prefix"),
    ],
)
def test_urls_are_normalized(text: str, url: str) -> None:
    assert normalize_url(text) == url


@pytest.mark.parametrize(
    "text", ["ftp://host:1", "127.0.0.1:5000", "http://", "http://h:99999", "http://h:1/?q=1"]
)
def test_bad_urls_are_refused(text: str) -> None:
    with pytest.raises(PeerError) as info:
        normalize_url(text)
    assert info.value.status == 400 and info.value.code == "bad-url"


def test_scores_follow_cores_rules() -> None:
    assert scored("high-hash", block=True) == BAN_THRESHOLD  # an invalid block: at once
    assert scored("time-too-new", block=True) == 0  # Core: BLOCK_TIME_FUTURE
    assert scored("decode-failed", block=False) == SCORE_GARBAGE
    assert scored("bad-signature", block=False) > 0
    for code in ("txn-mempool-conflict", "bad-txns-inputs-missingorspent", "mempool-min-fee"):
        assert scored(code, block=False) == 0  # races and local policy are not misbehaviour


def test_misbehaviour_adds_up_to_a_ban_that_expires() -> None:
    peer = Peer("http://p:1", key_out="k", verified=True)
    assert peer.connected(0)
    steps = [peer.misbehave(SCORE_GARBAGE, 0) for _ in range(BAN_THRESHOLD // SCORE_GARBAGE)]
    assert steps[-1] is True and not any(steps[:-1])
    assert peer.banned(1) and not peer.connected(1)
    assert peer.misbehave(SCORE_GARBAGE, 1) is False  # no more scoring while banned
    peer.lift_expired_ban(BAN_SECONDS - 1)
    assert peer.banned(BAN_SECONDS - 1)
    peer.lift_expired_ban(BAN_SECONDS)
    assert not peer.banned(BAN_SECONDS) and peer.misbehavior == 0


def test_unreachable_peers_are_retried_with_growing_waits() -> None:
    peer = Peer("http://p:1", key_out="k", verified=True)
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
