"""Plain-HTTP calls to a provider with httpx: transport failures and error answers mapped into
newsrag's ProviderError tree at this one boundary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from newsrag.providers.diagnosis import Endpoint, diagnose, timed_out, unreachable


@contextmanager
def provider_errors(endpoint: Endpoint, timeout: float) -> Iterator[None]:
    """Raise httpx's timeouts and connection failures inside as ProviderTimeout and
    ProviderUnreachable naming `endpoint`."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise timed_out(endpoint, timeout) from exc
    except httpx.TransportError as exc:
        reason = "connection refused" if isinstance(exc, httpx.ConnectError) else str(exc)
        raise unreachable(endpoint, reason or type(exc).__name__) from exc


def post_json(
    client: httpx.Client, endpoint: Endpoint, timeout: float, body: Any, *, stream: bool = False
) -> httpx.Response:
    """POST `body` to the endpoint's URL; a non-success answer raises its diagnosis. With
    `stream`, the answer's body is left unread for the caller (who must close it)."""
    request = client.build_request("POST", endpoint.url, json=body)
    with provider_errors(endpoint, timeout):
        response = client.send(request, stream=stream)
        if not response.is_success:
            content = response.read()
            response.close()
            raise diagnose(response.status_code, content, response.headers, endpoint)
    return response
