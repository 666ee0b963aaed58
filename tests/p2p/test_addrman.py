"""The address book (Core: addrman): buckets keyed by who told us, "tried" for what answered,
picks weighted away from recent failures, bounded answers, and a book kept across restarts."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pocketchain.p2p.addrman import (
    BUCKET_SIZE,
    GETADDR_MAX,
    NEW_BUCKETS_PER_SOURCE_GROUP,
    RETRIES,
    AddrMan,
)
from pocketchain.p2p.netaddr import Address, parse_address

NOW = 1_800_000_000.0


def address(n: int) -> Address:
    """Public addresses in 256 netgroups (11.X.0.0/16)."""
    return parse_address(f"http://11.{n % 256}.{n // 256 % 256}.{n // 65536 + 1}:5000")


def book(seed: int = 1) -> AddrMan:
    return AddrMan(key=bytes(32), rng=random.Random(seed))


def test_one_source_fills_a_bounded_part_of_the_book() -> None:
    addrman = book()
    added = addrman.add((address(n) for n in range(20_000)), "127.9.0.0/16", NOW)
    assert added == len(addrman) <= NEW_BUCKETS_PER_SOURCE_GROUP * BUCKET_SIZE
    buckets = {bucket for bucket, _ in addrman.new}
    assert len(buckets) <= NEW_BUCKETS_PER_SOURCE_GROUP
    others = addrman.add((address(n) for n in range(20_000, 21_000)), "127.10.0.0/16", NOW)
    assert others > 800  # another source still finds room


def test_an_address_that_answers_moves_to_tried() -> None:
    addrman = book()
    addrman.add([address(1)], "127.9.0.0/16", NOW)
    assert addrman.counts() == {"new": 1, "tried": 0}
    addrman.good(address(1), NOW + 1)
    assert addrman.counts() == {"new": 0, "tried": 1}
    assert addrman.info[address(1)].tried and address(1) not in addrman.new.values()
    assert addrman.select(NOW + 2) == address(1)
    assert addrman.select(NOW + 2, new_only=True) is None


def test_addresses_that_never_answer_become_terrible_and_are_not_handed_out() -> None:
    addrman = book()
    addrman.add([address(1), address(2)], "127.9.0.0/16", NOW)
    for _ in range(RETRIES):
        addrman.attempt(address(1), NOW)
    assert addrman.info[address(1)].terrible(NOW + 120)
    assert addrman.sample(NOW + 120) == [address(2)]


def test_an_answer_to_getaddr_is_bounded() -> None:
    addrman = book()
    for source in range(20):
        addrman.add(
            (address(source * 5_000 + n) for n in range(5_000)), f"127.{source}.0.0/16", NOW
        )
    sample = addrman.sample(NOW)
    assert len(sample) == min(GETADDR_MAX, max(100, round(len(addrman) * 0.23 + 0.5)))
    assert len(set(sample)) == len(sample)


def test_the_book_is_kept_across_a_restart() -> None:
    addrman = book()
    addrman.add((address(n) for n in range(100)), "127.9.0.0/16", NOW)
    addrman.good(address(7), NOW)
    addrman.attempt(address(8), NOW)
    again = AddrMan.load(addrman.dump(), random.Random(2))
    assert set(again.info) == set(addrman.info)
    assert again.info[address(7)].tried and again.info[address(8)].attempts == 1


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["add", "good", "attempt", "forget"]),
            st.integers(0, 300),
            st.integers(0, 5),
        ),
        max_size=200,
    )
)
def test_the_tables_and_the_entries_always_agree(steps: list[tuple[str, int, int]]) -> None:
    addrman = book()
    for op, n, source in steps:
        if op == "add":
            addrman.add([address(n)], f"127.{source}.0.0/16", NOW)
        elif op == "good":
            addrman.good(address(n), NOW)
        elif op == "attempt":
            addrman.attempt(address(n), NOW)
        else:
            addrman.forget(address(n))
    in_new = list(addrman.new.values())
    in_tried = list(addrman.tried.values())
    assert set(in_new) | set(in_tried) == set(addrman.info)
    assert len(in_tried) == len(set(in_tried)) and not set(in_new) & set(in_tried)
    for entry in addrman.info.values():
        assert entry.tried == (entry.address in in_tried)
        assert entry.refs == in_new.count(entry.address)


def test_a_long_connection_keeps_an_address_fresh() -> None:
    addrman = book()
    addrman.good(address(1), NOW)
    later = NOW + 40 * 86_400  # past the horizon: terrible, unless we were in touch
    assert addrman.info[address(1)].terrible(later)
    addrman.connected(address(1), later)
    assert not addrman.info[address(1)].terrible(later)
