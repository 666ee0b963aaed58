"""Peer addresses: their one canonical form, their netgroup, and the ranges a node never dials.

An address is where a node listens for peers: `http://IP:port` (or https), nothing more. What a
peer tells us (its hello, the addresses it relays) must be exactly that, with the IP written as an
IP, so that one node cannot appear under many spellings. Only the operator may name a peer by host
name (`--peer`, `--seed`, POST /api/v1/peers); such a URL is cut to `scheme://host:port` too.

The netgroup is the unit of diversity (Core: CNetAddr::GetGroup): the /16 of a public IPv4 address,
the /32 of a public IPv6 one, so that one provider's many addresses count once. Core puts every
address that is not public into one group, which keeps its nodes from finding each other on a LAN
or on one machine; here each such address (loopback, private ranges) is a group of its own, so a
classroom on one LAN and a lab on 127.0.0.0/8 make real networks.
"""

import ipaddress
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..consensus.errors import ApiError

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_PORTS = {"http": 80, "https": 443}

# never dialled, never stored, never relayed: link-local (with the cloud metadata service at
# 169.254.169.254), unspecified, multicast and broadcast addresses
ALWAYS_FORBIDDEN = tuple(
    ipaddress.ip_network(text)
    for text in (
        "169.254.0.0/16",
        "fe80::/10",
        "0.0.0.0/8",
        "::/128",
        "224.0.0.0/4",
        "ff00::/8",
        "255.255.255.255/32",
    )
)


class PeerError(ApiError):
    """A peer operation refused with an HTTP status and a stable code."""


class AddressError(PeerError):
    """Not a peer address (400 bad-url)."""

    def __init__(self, message: str) -> None:
        super().__init__(400, "bad-url", message)


@dataclass(frozen=True, order=True)
class Address:
    """A node's listening address: scheme, IP and port."""

    scheme: str
    ip: IP
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.ip}]" if self.ip.version == 6 else str(self.ip)
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def netgroup(self) -> str:
        return netgroup(self.ip)

    def __str__(self) -> str:
        return self.url


def netgroup(ip: IP) -> str:
    """The group an IP belongs to (Core: CNetAddr::GetGroup): a public one's /16, or /32 for
    IPv6; any other address alone."""
    if not ip.is_global:
        return str(ipaddress.ip_network(ip))
    prefix = 16 if ip.version == 4 else 32
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def parse_ip(text: str) -> IP:
    """An IP written as an IP (no `127.1`, no `2130706433`); IPv4-mapped IPv6 as IPv4."""
    try:
        ip = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        raise AddressError(f"{text!r} is not an IP address") from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _split(text: str) -> tuple[str, str, int]:
    """Scheme, host and port of a base URL: no query, fragment or path left after `.` and
    `..` are resolved (the user part is dropped)."""
    parts = urlsplit(text.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise AddressError(f"{text!r} is not a peer's base URL (http://host:port)")
    if parts.query or parts.fragment:
        raise AddressError(f"{text!r} has a query: a peer's URL is http://host:port")
    if parts.path and posixpath.normpath(parts.path) not in ("/", "."):
        raise AddressError(f"{text!r} has a path: a peer's URL is http://host:port")
    try:
        port = DEFAULT_PORTS[parts.scheme] if parts.port is None else parts.port
    except ValueError:
        raise AddressError(f"{text!r} has a bad port") from None
    if port == 0:
        raise AddressError(f"{text!r} has a bad port")
    return parts.scheme, parts.hostname, port


def parse_address(text: str) -> Address:
    """What a peer claims: `http://IP:port` exactly (AddressError otherwise)."""
    scheme, host, port = _split(text)
    return Address(scheme, parse_ip(host), port)


def operator_url(text: str) -> str:
    """A URL the operator gave (`--peer`, `--seed`, POST /api/v1/peers): host names allowed,
    cut to `scheme://host:port` (an IP in its one spelling)."""
    scheme, host, port = _split(text)
    try:
        return Address(scheme, parse_ip(host), port).url
    except AddressError:
        return f"{scheme}://{host}:{port}"


def specific_ip(text: str | None) -> str | None:
    """`text` if it is one IP address (not 0.0.0.0 or ::), else None: the address a node's
    requests may leave from."""
    try:
        ip = parse_ip(text or "")
    except AddressError:
        return None
    return None if ip.is_unspecified else str(ip)


class Forbidden:
    """The ranges this node never dials, stores or relays: the fixed ones above and the
    operator's own (`--forbid CIDR`)."""

    def __init__(self, ranges: Iterable[str] = ()) -> None:
        extra: list[Network] = []
        for text in ranges:
            try:
                extra.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                raise AddressError(f"{text!r} is not an IP range (CIDR)") from None
        self.ranges: tuple[Network, ...] = ALWAYS_FORBIDDEN + tuple(extra)

    def __contains__(self, ip: object) -> bool:
        if isinstance(ip, Address):
            ip = ip.ip
        return isinstance(ip, IP) and any(ip in net for net in self.ranges)
