"""What the Hugging Face embedder and generator share: the token, who is being called, the
"no token" sentence, and huggingface_hub's errors translated at the provider boundary."""

from __future__ import annotations

from contextlib import AbstractContextManager

import httpx2
from huggingface_hub.errors import (
    HfHubHTTPError,
    InferenceTimeoutError,
    OfflineModeIsEnabled,
    TextGenerationError,
)

from newsrag.config import Settings
from newsrag.errors import ProviderError, ProviderUnreachable, TokenMissing
from newsrag.masking import mask_secret
from newsrag.providers.boundary import Translator, boundary, one_line
from newsrag.providers.diagnosis import TOKENS_PAGE, Endpoint, diagnose, timed_out
from newsrag.providers.http import http_translator


def hf_token(settings: Settings) -> str:
    return settings.hf_token.get_secret_value() if settings.hf_token else ""


def hf_endpoint(
    settings: Settings,
    *,
    url: str,
    model: str,
    provider: str,
    model_setting: str,
    offline_setting: str,
    provider_setting: str = "NEWSRAG_HF_PROVIDER",
) -> Endpoint:
    token = hf_token(settings)
    return Endpoint(
        service="Hugging Face",
        url=url,
        model=model,
        token_setting="HF_TOKEN",
        endpoint_setting="NEWSRAG_HF_ENDPOINT",
        model_setting=model_setting,
        masked_token=mask_secret(token) if token else "",
        provider=provider,
        huggingface=True,
        provider_setting=provider_setting,
        offline_setting=offline_setting,
    )


def token_missing(choice: str, offline_setting: str) -> TokenMissing:
    """No token for `choice` (say "NEWSRAG_GENERATOR=hf")."""
    return TokenMissing(
        f'{choice} needs a token: create a fine-grained token with "Make calls to Inference '
        f'Providers" at {TOKENS_PAGE} and set HF_TOKEN, or set {offline_setting}.'
    )


def hf_translator(endpoint: Endpoint, timeout: float) -> Translator:
    """What huggingface_hub's errors (and those of httpx2, which it calls) mean for a call to
    `endpoint`."""
    transport = http_translator(endpoint, timeout, httpx2)

    def translate(exc: Exception) -> ProviderError | None:
        if isinstance(exc, OfflineModeIsEnabled):
            return ProviderUnreachable(
                f"HF_HUB_OFFLINE is set, which keeps huggingface_hub off the network, so "
                f"{endpoint.where} cannot be called: unset HF_HUB_OFFLINE, or set "
                f"{endpoint.offline_setting}.",
                code="hf_hub_offline",
            )
        if isinstance(exc, TextGenerationError):
            return ProviderError(
                f"{endpoint.subject} failed while answering with {endpoint.model} "
                f"({one_line(str(exc))}): try again, or set {endpoint.offline_setting}.",
                code="provider_stream_error",
            )
        response = getattr(exc, "response", None)
        if isinstance(exc, HfHubHTTPError) and response is not None:
            return diagnose(response.status_code, response.content, response.headers, endpoint)
        if isinstance(exc, InferenceTimeoutError):
            return timed_out(endpoint, timeout)
        return transport(exc)

    return translate


def hf_boundary(
    endpoint: Endpoint, timeout: float, token: str, *more: Translator
) -> AbstractContextManager[None]:
    """The boundary around a call to huggingface_hub; `more` translate what only the caller
    knows the meaning of."""
    return boundary(
        "huggingface_hub",
        endpoint.unknown_fix,
        hf_translator(endpoint, timeout),
        *more,
        secrets=[token],
    )
