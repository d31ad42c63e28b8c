"""Fetching is SSRF-safe: only http(s), only public addresses (whatever notation or DNS name
leads to them, and after every redirect), bounded in redirects, bytes and time."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from ipaddress import ip_address
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from newsrag.config import Settings
from newsrag.errors import SourceError, UrlRefused
from newsrag.ingest.fetch import NewsClient, fetch
from newsrag.ingest.netguard import AddressGuard, address_kind
from newsrag.ingest.sources import make_client
from tests.loopback import serving

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback News</title>
<item><title>Local story</title><link>https://example.org/story</link>
<description>Something happened.</description></item></channel></rss>"""
BIG = 2_000_000


class _Handler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        parts = urlsplit(self.path)
        if parts.path == "/feed.rss":
            self._send(200, FEED, "application/rss+xml")
        elif parts.path == "/host":
            self._send(200, self.headers["Host"].encode(), "text/plain")
        elif parts.path == "/redirect":
            self._redirect(parse_qs(parts.query)["to"][0])
        elif parts.path.startswith("/loop/"):
            self._redirect(f"/loop/{int(parts.path.rsplit('/', 1)[1]) + 1}")
        elif parts.path == "/big":
            self._send(200, b"x" * BIG, "text/plain")
        elif parts.path == "/stream":
            self._stream(b"x" * 65536, 40, pause=0.0)
        elif parts.path == "/slow":
            self._stream(b"x", 50, pause=0.1)
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client may hang up early (size cap)
            self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _stream(self, piece: bytes, times: int, *, pause: float) -> None:
        """A body without Content-Length, ended by closing the connection."""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        try:
            for _ in range(times):
                self.wfile.write(piece)
                self.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(_Handler) as url:
        yield url


@pytest.fixture(autouse=True)
def _fresh_hits() -> None:
    _Handler.hits = []


def _port(base: str) -> int:
    port = urlsplit(base).port
    assert port is not None
    return port


class _TrustServer(AddressGuard):
    """Public addresses only, except the test server itself, standing in for a news site."""

    def __init__(self, base: str) -> None:
        super().__init__(allow_private=False)
        self.trusted = ("127.0.0.1", _port(base))

    def vetted(self, host: str, port: int) -> list[str]:
        return [host] if (host, port) == self.trusted else super().vetted(host, port)


def _client(
    guard: AddressGuard | None = None,
    *,
    max_redirects: int = 5,
    max_bytes: int = 10_000_000,
    total_timeout: float = 30.0,
) -> NewsClient:
    """A client that may reach the test server (unless `guard` says otherwise)."""
    return NewsClient(
        user_agent="newsrag-test",
        guard=guard or AddressGuard(allow_private=True),
        request_timeout=5.0,
        total_timeout=total_timeout,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
    )


# --- the address check --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("fec0::1", "site-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "non-public"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("64:ff9b::7f00:1", "loopback"),
        ("2002:7f00:1::", "loopback"),
        ("2002:a9fe:a9fe::", "cloud metadata"),
        ("::7f00:1", "loopback"),
    ],
)
def test_non_public_address_is_classified_by_kind(address: str, kind: str) -> None:
    assert address_kind(ip_address(address)) == kind


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_address_is_allowed(address: str) -> None:
    assert address_kind(ip_address(address)) is None


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "017700000001", "127.1", "localhost"])
def test_loopback_in_any_notation_is_refused(host: str) -> None:
    with pytest.raises(UrlRefused) as caught:
        AddressGuard(allow_private=False).vetted(host, 80)

    assert "a loopback address" in caught.value.message
    assert "NEWSRAG_ALLOW_PRIVATE_URLS=true" in caught.value.message


def test_a_name_with_one_private_address_among_public_ones_is_refused() -> None:
    guard = AddressGuard(False, resolver=lambda host, port: ["93.184.215.14", "10.0.0.7"])

    with pytest.raises(UrlRefused, match=r"news\.test resolves to 10\.0\.0\.7, a private"):
        guard.vetted("news.test", 443)


def test_allowing_private_addresses_still_refuses_cloud_metadata() -> None:
    guard = AddressGuard(allow_private=True)

    assert guard.vetted("127.0.0.1", 80) == ["127.0.0.1"]
    with pytest.raises(UrlRefused, match="cloud metadata address: newsrag never fetches"):
        guard.vetted("169.254.169.254", 80)


# --- fetching -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0x7f000001/latest",
        "http://[::ffff:127.0.0.1]/",
        "http://[::1]:8080/",
        "http://0/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:a9fe:a9fe]/",
    ],
)
def test_fetching_a_non_public_url_is_refused_naming_it(url: str) -> None:
    with (
        make_client(Settings(_env_file=None, allow_private_urls=False)) as client,
        pytest.raises(UrlRefused) as caught,
    ):
        fetch(url, client)

    assert caught.value.message.startswith(f"Cannot read {url}: ")
    assert "NEWSRAG_ALLOW_PRIVATE_URLS" in caught.value.message


def test_loopback_feed_is_refused_by_default_without_connecting(server: str) -> None:
    with (
        make_client(Settings(_env_file=None)) as client,
        pytest.raises(UrlRefused, match=r"127\.0\.0\.1 is a loopback address"),
    ):
        fetch(f"{server}/feed.rss", client)

    assert _Handler.hits == []


def test_loopback_feed_is_fetched_when_private_urls_are_allowed(server: str) -> None:
    with make_client(Settings(_env_file=None, allow_private_urls=True)) as client:
        fetched = fetch(f"{server}/feed.rss", client)

    assert fetched.content == FEED
    assert fetched.content_type == "application/rss+xml"


def test_redirect_to_a_private_address_is_refused(server: str) -> None:
    url = f"{server}/redirect?to=http://10.0.0.1/feed.rss"

    with _client(_TrustServer(server)) as client, pytest.raises(UrlRefused) as caught:
        fetch(url, client)

    assert caught.value.message.startswith(
        f"Cannot read {url} (redirected to http://10.0.0.1/feed.rss): 10.0.0.1 is a private address"
    )


def test_redirect_back_to_loopback_under_another_name_is_refused(server: str) -> None:
    target = f"http://2130706433:{_port(server)}/feed.rss"

    with _client(_TrustServer(server)) as client, pytest.raises(UrlRefused) as caught:
        fetch(f"{server}/redirect?to={target}", client)

    assert "2130706433 resolves to 127.0.0.1, a loopback address" in caught.value.message
    assert _Handler.hits == [f"/redirect?to={target}"]


def test_redirect_to_an_allowed_address_is_followed(server: str) -> None:
    with _client(_TrustServer(server)) as client:
        fetched = fetch(f"{server}/redirect?to=/feed.rss", client)

    assert fetched.url == f"{server}/feed.rss"
    assert fetched.content == FEED


def test_redirect_to_a_file_url_is_refused(server: str) -> None:
    with _client() as client, pytest.raises(UrlRefused, match="http and https URLs only"):
        fetch(f"{server}/redirect?to=file:///etc/passwd", client)


def test_a_non_http_url_is_refused() -> None:
    with _client() as client, pytest.raises(UrlRefused, match="http and https URLs only"):
        fetch("ftp://127.0.0.1/feed.rss", client)


def test_redirects_stop_at_the_cap(server: str) -> None:
    with (
        _client(max_redirects=3) as client,
        pytest.raises(SourceError, match="more than 3 redirects, NEWSRAG_FETCH_MAX_REDIRECTS"),
    ):
        fetch(f"{server}/loop/0", client)

    assert _Handler.hits == ["/loop/0", "/loop/1", "/loop/2", "/loop/3"]


def test_a_body_declared_larger_than_the_cap_is_refused(server: str) -> None:
    with (
        _client(max_bytes=100_000) as client,
        pytest.raises(SourceError, match=r"larger than 100000 bytes, NEWSRAG_FETCH_MAX_BYTES"),
    ):
        fetch(f"{server}/big", client)


def test_a_streamed_body_is_cut_at_the_cap(server: str) -> None:
    with (
        _client(max_bytes=100_000) as client,
        pytest.raises(SourceError, match=r"larger than 100000 bytes, NEWSRAG_FETCH_MAX_BYTES"),
    ):
        fetch(f"{server}/stream", client)


def test_a_slow_body_is_cut_at_the_total_timeout(server: str) -> None:
    started = time.monotonic()

    with (
        _client(total_timeout=0.5) as client,
        pytest.raises(SourceError, match=r"longer than 0.5 s, NEWSRAG_FETCH_TOTAL_TIMEOUT"),
    ):
        fetch(f"{server}/slow", client)

    assert time.monotonic() - started < 2.5


def test_the_connection_goes_to_the_checked_address_with_the_urls_host(server: str) -> None:
    lookups: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        lookups.append((host, port))
        return ["127.0.0.1"]

    url = f"http://news.test:{_port(server)}/host"
    with _client(AddressGuard(allow_private=True, resolver=resolver)) as client:
        fetched = fetch(url, client)

    assert fetched.content == f"news.test:{_port(server)}".encode()
    assert lookups == [("news.test", _port(server))]


def test_a_name_resolving_to_loopback_is_refused_before_connecting(server: str) -> None:
    guard = AddressGuard(allow_private=False, resolver=lambda host, port: ["127.0.0.1"])

    with _client(guard) as client, pytest.raises(UrlRefused, match=r"news\.test resolves to"):
        fetch(f"http://news.test:{_port(server)}/feed.rss", client)

    assert _Handler.hits == []
