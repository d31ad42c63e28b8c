"""Turn a provider's HTTP answer or transport failure into one typed error with one sentence
that says what to do, naming the setting or URL that fixes it."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from newsrag.errors import (
    EndpointRetired,
    ModelLoading,
    ModelNotServed,
    PermissionDenied,
    ProviderError,
    ProviderServerError,
    ProviderTimeout,
    ProviderUnreachable,
    RateLimited,
    TokenRejected,
)

TOKENS_PAGE = "https://huggingface.co/settings/tokens"
_URL = re.compile(r"https?://[^\s\"'<>]+[^\s\"'<>.,;)]")
_SUCCESSOR = re.compile(r"(?i)\b(?:use|to)\s+(" + _URL.pattern + ")")


@dataclass(frozen=True)
class Endpoint:
    """Who newsrag was talking to, for the sentences: "Hugging Face (hf-inference)", say."""

    service: str
    url: str
    model: str
    token_setting: str
    endpoint_setting: str
    model_setting: str
    masked_token: str = ""
    provider: str = ""
    huggingface: bool = False
    provider_setting: str = "NEWSRAG_HF_PROVIDER"
    offline_setting: str = "NEWSRAG_EMBEDDING_PROVIDER=onnx"

    @property
    def where(self) -> str:
        return f"{self.service} ({self.provider})" if self.provider else self.service

    @property
    def subject(self) -> str:
        """`where` at the start of a sentence."""
        return self.where[:1].upper() + self.where[1:]

    @property
    def unknown_fix(self) -> str:
        """What to do about a failure newsrag has no sentence for."""
        return (
            f"try again; if it keeps failing, NEWSRAG_LOG_LEVEL=debug logs its traceback, or set "
            f"{self.offline_setting} to stop calling {self.where}."
        )


def error_text(body: bytes | str) -> str:
    """The error message in a provider's body: HF `{"error": "..."}`, OpenAI
    `{"error": {"message": "..."}}`, or the text itself, on one line."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data: Any = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        error = data.get("error", data.get("message", data.get("detail")))
        if isinstance(error, dict):
            error = error.get("message")
        if isinstance(error, list):
            error = "; ".join(str(item) for item in error)
        if error:
            text = str(error)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())[:300]


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date)."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def diagnose(
    status: int, body: bytes | str, headers: Mapping[str, str], endpoint: Endpoint
) -> ProviderError:
    """The error for an HTTP answer that is not a success."""
    said = error_text(body)
    where, model = endpoint.subject, endpoint.model
    if status == 401:
        token = f" {endpoint.masked_token}" if endpoint.masked_token else ""
        fix = f"create a new one at {TOKENS_PAGE}" if endpoint.huggingface else "check it"
        return TokenRejected(
            f"{where} refused the token{token} as invalid or expired (401): {fix} and set "
            f"{endpoint.token_setting}."
        )
    if status == 403:
        token = f" {endpoint.masked_token}" if endpoint.masked_token else ""
        if endpoint.huggingface:
            return PermissionDenied(
                f"The Hugging Face token{token} may not call Inference Providers (403: {said}): "
                f'create a fine-grained token at {TOKENS_PAGE} with the permission "Make calls '
                f'to Inference Providers" and set {endpoint.token_setting}.'
            )
        return PermissionDenied(
            f"{where} refused the token{token} for {model} (403: {said}): give it access to "
            f"that model or set another {endpoint.token_setting}."
        )
    if status == 404:
        return ModelNotServed(
            f"{where} does not serve the model {model} (404: {said}): set "
            f"{endpoint.model_setting} to a model it serves"
            + (f", or choose another {endpoint.provider_setting}." if endpoint.huggingface else ".")
        )
    if status == 410:
        successor = _successor(said, endpoint.url)
        fix = (
            f"set {endpoint.endpoint_setting}={successor} (or unset it)"
            if successor
            else f"set {endpoint.endpoint_setting} to the provider's current URL"
        )
        return EndpointRetired(f"The endpoint {endpoint.url} is retired (410: {said}): {fix}.")
    if status == 429:
        wait = retry_after(headers)
        when = f"in {wait:.0f} s" if wait is not None else "in a minute"
        return RateLimited(
            f"{where} is rate-limiting newsrag (429: {said}): retry {when}, or use a plan with a "
            f"higher quota, or set {endpoint.offline_setting}.",
            retry_after=wait,
        )
    if status == 503 and "loading" in said.lower():
        estimate = _estimated_time(body)
        about = f" (about {estimate:.0f} s more)" if estimate is not None else ""
        return ModelLoading(
            f"{where} is still loading {model}{about}: ask again shortly, or set "
            f"{endpoint.offline_setting}.",
            estimated_time=estimate,
        )
    if status >= 500:
        return ProviderServerError(
            f"{where} failed with HTTP {status} ({said}): try again later or set "
            f"{endpoint.offline_setting}."
        )
    return ProviderError(
        f"{where} answered HTTP {status} ({said}) for {model}: check {endpoint.endpoint_setting} "
        f"and {endpoint.model_setting}.",
        code="provider_http_error",
    )


def timed_out(endpoint: Endpoint, seconds: float) -> ProviderTimeout:
    return ProviderTimeout(
        f"{endpoint.subject} at {endpoint.url} did not answer within {seconds:g} s: try again, or "
        f"raise NEWSRAG_PROVIDER_TIMEOUT, or set {endpoint.offline_setting}."
    )


def unreachable(endpoint: Endpoint, reason: str, *, fix: str = "") -> ProviderUnreachable:
    """`fix` (say "check HTTPS_PROXY") replaces checking the endpoint's setting and the network."""
    fix = fix or f"check {endpoint.endpoint_setting} and the network"
    return ProviderUnreachable(
        f"Cannot reach {endpoint.where} at {endpoint.url} ({reason}): {fix}, or set "
        f"{endpoint.offline_setting}."
    )


def _successor(said: str, url: str) -> str | None:
    """The URL a 410 answer points to: the one after "use"/"to" ("X is no longer supported.
    Please use Y instead."), else the last one named that is not the retired endpoint itself."""
    named = [u for u in _URL.findall(said) if u not in url]
    after = [u for u in _SUCCESSOR.findall(said) if u in named]
    return after[-1] if after else (named[-1] if named else None)


def _estimated_time(body: bytes | str) -> float | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    value = data.get("estimated_time") if isinstance(data, dict) else None
    return float(value) if isinstance(value, int | float) else None
