"""What the Hugging Face embedder and generator share: the token, who is being called, the
"no token" sentence, and huggingface_hub's errors mapped into newsrag's ProviderError tree."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx2
from huggingface_hub.errors import HfHubHTTPError, InferenceTimeoutError, TextGenerationError

from newsrag.config import Settings
from newsrag.errors import ProviderError, TokenMissing
from newsrag.masking import mask_secret
from newsrag.providers.diagnosis import TOKENS_PAGE, Endpoint, diagnose, timed_out, unreachable


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


@contextmanager
def hf_errors(endpoint: Endpoint, timeout: float) -> Iterator[None]:
    """Raise huggingface_hub's HTTP, timeout, transport and generation errors inside as the
    ProviderError that names what to do. Other errors pass through for the caller to map."""
    try:
        yield
    except TextGenerationError as exc:
        raise ProviderError(
            f"{endpoint.subject} failed while answering with {endpoint.model} ({exc}): try again, "
            f"or set {endpoint.offline_setting}.",
            code="provider_stream_error",
        ) from exc
    except HfHubHTTPError as exc:
        response = exc.response
        raise diagnose(response.status_code, response.content, response.headers, endpoint) from exc
    except (InferenceTimeoutError, httpx2.TimeoutException) as exc:
        raise timed_out(endpoint, timeout) from exc
    except httpx2.TransportError as exc:
        raise unreachable(endpoint, _reason(exc)) from exc


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return "connection refused" if "refused" in text.lower() else text.splitlines()[0]
