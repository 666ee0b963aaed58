"""Peer addresses: one canonical form for what peers claim, netgroups, forbidden ranges."""

import pytest

from pocketchain.p2p.netaddr import (
    AddressError,
    Forbidden,
    netgroup,
    operator_url,
    parse_address,
    parse_ip,
    specific_ip,
)


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://127.0.0.1:5000/", "http://127.0.0.1:5000"),
        ("http://127.0.0.1:5000/.", "http://127.0.0.1:5000"),
        ("http://127.0.0.1:5000/api/..", "http://127.0.0.1:5000"),
        ("http://user@127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://[::ffff:127.0.0.1]:5000", "http://127.0.0.1:5000"),
        ("https://[2001:db8::1]", "https://[2001:db8::1]:443"),
        ("http://10.0.0.1", "http://10.0.0.1:80"),
    ],
)
def test_a_claimed_address_has_one_spelling(text: str, url: str) -> None:
    assert parse_address(text).url == url


@pytest.mark.parametrize(
    "text",
    [
        "http://localhost:5000",  # a name: only the operator may give one
        "http://127.1:5000",
        "http://2130706433:5000",
        "ftp://127.0.0.1:1",
        "127.0.0.1:5000",
        "http://127.0.0.1:99999",
        "http://127.0.0.1:0",
        "http://127.0.0.1:1/?q=1",
        "http://127.0.0.1:1/prefix",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(AddressError) as refused:
        parse_address(text)
    assert refused.value.status == 400 and refused.value.code == "bad-url"


def test_the_operator_may_name_hosts() -> None:
    assert operator_url(" http://teacher:5000/ ") == "http://teacher:5000"
    assert operator_url("http://user@localhost:5000/.") == "http://localhost:5000"
    assert operator_url("http://[::1]:5000") == "http://[::1]:5000"


def test_public_netgroups_are_the_16_or_the_32_and_others_stand_alone() -> None:
    assert netgroup(parse_ip("8.8.4.4")) == netgroup(parse_ip("8.8.200.1")) == "8.8.0.0/16"
    assert netgroup(parse_ip("8.8.4.4")) != netgroup(parse_ip("8.9.4.4"))
    assert netgroup(parse_ip("2606:4700::1")) == "2606:4700::/32"
    assert netgroup(parse_ip("127.5.6.7")) == "127.5.6.7/32"  # loopback, a LAN: each alone
    assert netgroup(parse_ip("192.168.1.20")) != netgroup(parse_ip("192.168.1.21"))


def test_link_local_and_the_metadata_service_are_always_forbidden() -> None:
    forbidden = Forbidden(["10.0.0.0/8"])
    for url in ("http://169.254.169.254:80", "http://[fe80::1]:1", "http://0.0.0.0:1"):
        assert parse_address(url) in forbidden
    assert parse_address("http://10.1.2.3:5000") in forbidden
    assert parse_address("http://127.0.0.1:5000") not in forbidden
    with pytest.raises(AddressError):
        Forbidden(["not a range"])


def test_requests_leave_from_a_specific_ip_only() -> None:
    assert specific_ip("127.0.0.2") == "127.0.0.2"
    assert specific_ip("0.0.0.0") is None and specific_ip("localhost") is None
