"""Fetching one feed or article page: only http(s), only public addresses (see `netguard`),
redirects followed here so that each hop is checked (at most NEWSRAG_FETCH_MAX_REDIRECTS), at most
NEWSRAG_FETCH_MAX_BYTES of body, everything within NEWSRAG_FETCH_TOTAL_TIMEOUT."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from newsrag.errors import SourceError, UrlRefused
from newsrag.ingest.netguard import AddressGuard, GuardedTransport

FIX = "check the URL or remove it from NEWSRAG_SOURCES."
SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Fetched:
    """A successful answer: `url` is where it came from after redirects."""

    url: str
    content_type: str
    content: bytes


class NewsClient(httpx.Client):
    """The HTTP client for feeds and article pages. It connects through `guard` (by default:
    public addresses only), follows no redirect by itself (`fetch` does, checking each one) and
    carries fetch's limits: `request_timeout` per connect or read, `total_timeout` per URL,
    `max_bytes` of body."""

    def __init__(
        self,
        *,
        user_agent: str,
        guard: AddressGuard | None = None,
        request_timeout: float = 10.0,
        total_timeout: float = 30.0,
        max_bytes: int = 10_000_000,
        max_redirects: int = 5,
    ) -> None:
        super().__init__(
            timeout=request_timeout,
            follow_redirects=False,
            max_redirects=max_redirects,
            headers={"User-Agent": user_agent},
            transport=GuardedTransport(guard or AddressGuard(allow_private=False)),
        )
        self.request_timeout = request_timeout
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes


def fetch(url: str, client: NewsClient) -> Fetched:
    """GET `url`; every failure, refusal and exceeded limit is a SourceError naming the URL."""
    deadline = time.monotonic() + client.total_timeout
    hop = url
    for _ in range(client.max_redirects + 1):
        where = url if hop == url else f"{url} (redirected to {hop})"
        if urlsplit(hop).scheme.lower() not in SCHEMES:
            raise UrlRefused(f"Cannot read {where}: newsrag fetches http and https URLs only.")
        try:
            response = _send(hop, client, _remaining(deadline, where, client))
            try:
                if response.is_redirect:
                    hop = str(response.url.join(response.headers["location"]))
                    continue
                return _fetched(response, where, client, deadline)
            finally:
                response.close()
        except UrlRefused as exc:
            raise UrlRefused(f"Cannot read {where}: {exc.message}") from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            timed_out = isinstance(exc, httpx.TimeoutException)
            reason = "timed out" if timed_out else (str(exc) or type(exc).__name__)
            raise SourceError(f"Cannot read {where} ({reason}): {FIX}") from exc
    limit = client.max_redirects
    raise SourceError(
        f"Cannot read {url} (more than {limit} redirects, NEWSRAG_FETCH_MAX_REDIRECTS): {FIX}"
    )


def _send(url: str, client: NewsClient, seconds: float) -> httpx.Response:
    """The response to GET `url`, its body not read yet."""
    request = client.build_request("GET", url, timeout=min(client.request_timeout, seconds))
    return client.send(request, stream=True)


def _remaining(deadline: float, where: str, client: NewsClient) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        seconds = f"{client.total_timeout:g}"
        raise SourceError(
            f"Cannot read {where} (took longer than {seconds} s, NEWSRAG_FETCH_TOTAL_TIMEOUT): "
            f"{FIX}"
        )
    return left


def _fetched(response: httpx.Response, where: str, client: NewsClient, deadline: float) -> Fetched:
    """The answer with its body, refused unless successful, as soon as the body passes
    `max_bytes`, or when the deadline passes."""
    if not response.is_success:
        reason = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        raise SourceError(f"Cannot read {where} ({reason}): {FIX}")
    too_large = SourceError(
        f"Cannot read {where} (larger than {client.max_bytes} bytes, NEWSRAG_FETCH_MAX_BYTES): "
        f"{FIX}"
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > client.max_bytes:
        raise too_large
    parts: list[bytes] = []
    size = 0
    for part in response.iter_bytes():
        size += len(part)
        if size > client.max_bytes:
            raise too_large
        _remaining(deadline, where, client)
        parts.append(part)
    content_type = response.headers.get("content-type", "")
    return Fetched(str(response.url), content_type, b"".join(parts))
