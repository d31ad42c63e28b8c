"""Where newsrag may connect to fetch news: public addresses only (protection against SSRF).

Every connection opened to fetch a feed or an article page goes through `GuardedBackend`. It
resolves the host itself, refuses loopback, private, link-local, multicast, reserved,
unspecified and cloud-metadata addresses (including IPv4 addresses written as IPv6: mapped,
6to4, NAT64, compatible) unless NEWSRAG_ALLOW_PRIVATE_URLS=true, and then connects to the very
address it checked. A DNS answer that changes between the check and the connection (DNS
rebinding) therefore cannot reach a private address. The URL is untouched: the Host header and
TLS (SNI, certificate verification) still use the host name. Cloud-metadata addresses are
refused even when private addresses are allowed: no news is served from them.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

import httpcore
import httpx

from newsrag.errors import UrlRefused

IPAddress = IPv4Address | IPv6Address
Resolver = Callable[[str, int], list[str]]

METADATA = "cloud metadata"
METADATA_ADDRESSES = frozenset(
    ip_address(text)
    for text in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, ...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
    )
)
_NAT64 = ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ip_network("::/96")


def address_kind(address: IPAddress) -> str | None:
    """Why newsrag must not connect to `address` ("loopback", "private", ...); None if public."""
    if address in METADATA_ADDRESSES:
        return METADATA
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if isinstance(address, IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_kind(embedded)
        if address.is_site_local:  # deprecated, but still private wherever it is used
            return "site-local"
    flags = (
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    )
    kind = next((name for name, flagged in flags if flagged), None)
    return kind or (None if address.is_global else "non-public")


def _embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (IPv4-mapped, 6to4, NAT64, IPv4-compatible)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        return IPv4Address(int(address) & 0xFFFF_FFFF)
    return None


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, in the system resolver's order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AddressGuard:
    """Resolves a host and says whether newsrag may connect to it."""

    def __init__(self, allow_private: bool, resolver: Resolver = resolve) -> None:
        self.allow_private = allow_private
        self.resolver = resolver

    def vetted(self, host: str, port: int) -> list[str]:
        """Every address of `host`, when newsrag may connect to all of them.

        Raises UrlRefused when one of them is refused (a name with one public and one private
        address is refused), httpcore.ConnectError when the host does not resolve."""
        try:
            found = self.resolver(host, port)
        except (OSError, UnicodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise httpcore.ConnectError(f"{host} could not be resolved ({reason})") from exc
        if not found:
            raise httpcore.ConnectError(f"{host} could not be resolved (no address)")
        for text in found:
            address = ip_address(text)
            kind = address_kind(address)
            if kind == METADATA or (kind is not None and not self.allow_private):
                raise UrlRefused(refusal(host, address, kind))
        return found


def refusal(host: str, address: IPAddress, kind: str) -> str:
    """The sentence saying why `host` is refused and what would change it."""
    article = "an" if kind[0] in "aeiou" else "a"
    what = f"{address} is" if _is_literal(host, address) else f"{host} resolves to {address},"
    if kind == METADATA:
        why = "newsrag never fetches from those, whatever NEWSRAG_ALLOW_PRIVATE_URLS says"
    else:
        why = (
            "newsrag fetches from public addresses only; set NEWSRAG_ALLOW_PRIVATE_URLS=true "
            "to allow private networks"
        )
    return f"{what} {article} {kind} address: {why}."


def _is_literal(host: str, address: IPAddress) -> bool:
    """Whether `host` is `address` written out (in any of its IP notations)."""
    try:
        return ip_address(host) == address
    except ValueError:
        return False


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, connecting only to the addresses the guard vetted."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard
        self._system = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in self.guard.vetted(host, port):
            try:
                return self._system.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    def sleep(self, seconds: float) -> None:
        self._system.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose every connection the guard vetted."""

    def __init__(self, guard: AddressGuard) -> None:
        context = httpx.create_ssl_context()
        super().__init__(verify=context)
        # httpx.HTTPTransport takes no network backend, so its pool is replaced by one that does.
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(guard),
        )
