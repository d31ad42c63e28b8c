"""Plain-HTTP calls to a provider with httpx: its exceptions (and httpx2's, which
huggingface_hub uses) translated into newsrag's ProviderError tree, and error answers diagnosed."""

from __future__ import annotations

from contextlib import AbstractContextManager
from types import ModuleType
from typing import Any

import httpx

from newsrag.errors import BadProviderResponse, ProviderError
from newsrag.providers.boundary import Translator, boundary, one_line
from newsrag.providers.diagnosis import Endpoint, diagnose, timed_out, unreachable

PROXY_SETTINGS = "HTTPS_PROXY, HTTP_PROXY and NO_PROXY"


def http_translator(endpoint: Endpoint, timeout: float, http: ModuleType = httpx) -> Translator:
    """What each exception of `http` (httpx or httpx2, which share their classes' names) means
    for a call to `endpoint`."""

    def translate(exc: Exception) -> ProviderError | None:
        said = one_line(str(exc)) or type(exc).__name__
        if isinstance(exc, http.HTTPStatusError):
            answer = exc.response
            return diagnose(answer.status_code, answer.content, answer.headers, endpoint)
        if isinstance(exc, http.TimeoutException):
            return timed_out(endpoint, timeout)
        if isinstance(exc, http.ProxyError):
            return unreachable(endpoint, f"the proxy failed: {said}", fix=f"check {PROXY_SETTINGS}")
        if isinstance(exc, http.InvalidURL | http.UnsupportedProtocol):
            return ProviderError(
                f"{endpoint.url} is not a URL newsrag can call ({said}): set "
                f"{endpoint.endpoint_setting} to an http(s) URL.",
                code="bad_endpoint_url",
            )
        if isinstance(exc, http.ConnectError) and _tls(said):
            return unreachable(
                endpoint, f"TLS: {said}", fix="check its certificate (or SSL_CERT_FILE)"
            )
        if isinstance(exc, http.TransportError):
            refused = isinstance(exc, http.ConnectError) and "refused" in said.lower()
            return unreachable(endpoint, "connection refused" if refused else said)
        if isinstance(exc, http.DecodingError | http.TooManyRedirects):
            return BadProviderResponse(
                f"{endpoint.subject} at {endpoint.url} sent an answer newsrag cannot read "
                f"({type(exc).__name__}: {said}): check {endpoint.endpoint_setting}.",
            )
        return None

    return translate


def _tls(said: str) -> bool:
    return any(word in said for word in ("SSL", "TLS", "certificate"))


def http_boundary(endpoint: Endpoint, timeout: float, secret: str) -> AbstractContextManager[None]:
    """The boundary around a call to `endpoint` with httpx; `secret` is masked in messages."""
    return boundary(
        "httpx", endpoint.unknown_fix, http_translator(endpoint, timeout), secrets=[secret]
    )


def post_json(
    client: httpx.Client,
    endpoint: Endpoint,
    timeout: float,
    body: Any,
    *,
    secret: str = "",
    stream: bool = False,
) -> httpx.Response:
    """POST `body` to the endpoint's URL; a non-success answer raises its diagnosis. With
    `stream`, the answer's body is left unread for the caller (who must close it)."""
    with http_boundary(endpoint, timeout, secret):
        request = client.build_request("POST", endpoint.url, json=body)
        response = client.send(request, stream=stream)
        if not response.is_success:
            content = response.read()
            response.close()
            raise diagnose(response.status_code, content, response.headers, endpoint)
    return response
