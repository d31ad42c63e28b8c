"""`hf`: Hugging Face Inference Providers through `huggingface_hub.InferenceClient`.

With the default provider `hf-inference` the request goes to
`NEWSRAG_HF_ENDPOINT/hf-inference/models/<model>/pipeline/feature-extraction`, so the endpoint
can point at a proxy, a self-hosted text-embeddings-inference, or a test server.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

import httpx2
from huggingface_hub import InferenceClient
from huggingface_hub.errors import HfHubHTTPError, InferenceTimeoutError

from newsrag.config import Settings
from newsrag.embeddings.base import Embedder, embedders
from newsrag.embeddings.remote import RemoteEmbedder
from newsrag.errors import BadProviderResponse, ProviderError, TokenMissing
from newsrag.masking import mask_secret
from newsrag.providers.diagnosis import TOKENS_PAGE, Endpoint, diagnose, timed_out
from newsrag.providers.diagnosis import unreachable as unreachable_error

HF_INFERENCE = "hf-inference"


def hf_token(settings: Settings) -> str:
    return settings.hf_token.get_secret_value() if settings.hf_token else ""


def hf_endpoint(settings: Settings, model: str) -> Endpoint:
    token = hf_token(settings)
    base = settings.hf_endpoint.rstrip("/")
    provider = settings.hf_provider
    url = (
        f"{base}/{provider}/models/{model}/pipeline/feature-extraction"
        if provider == HF_INFERENCE
        else f"{base}/{provider}"
    )
    return Endpoint(
        service="Hugging Face",
        url=url,
        model=model,
        token_setting="HF_TOKEN",
        endpoint_setting="NEWSRAG_HF_ENDPOINT",
        model_setting="NEWSRAG_EMBEDDING_MODEL",
        masked_token=mask_secret(token) if token else "",
        provider=provider,
        huggingface=True,
    )


class HFEmbedder(RemoteEmbedder):
    def __init__(self, settings: Settings) -> None:
        super().__init__(
            hf_endpoint(settings, settings.embedding_model),
            batch_size=settings.embedding_batch,
            concurrency=settings.embedding_concurrency,
            retries=settings.provider_retries,
            retry_budget=settings.provider_retry_budget,
        )
        self.timeout = settings.provider_timeout
        self.token = hf_token(settings)
        self.client = InferenceClient(
            provider=cast(Any, settings.hf_provider), token=self.token or None, timeout=self.timeout
        )

    def request(self, texts: Sequence[str]) -> Any:
        if not self.token:
            raise TokenMissing(
                "NEWSRAG_EMBEDDING_PROVIDER=hf needs a token: create a fine-grained token with "
                f'"Make calls to Inference Providers" at {TOKENS_PAGE} and set HF_TOKEN, or set '
                "NEWSRAG_EMBEDDING_PROVIDER=local."
            )
        routed = self.endpoint.provider == HF_INFERENCE
        try:
            return self.client.feature_extraction(
                list(texts), model=self.endpoint.url if routed else self.model_name
            )
        except HfHubHTTPError as exc:
            response = exc.response
            raise diagnose(
                response.status_code, response.content, response.headers, self.endpoint
            ) from exc
        except InferenceTimeoutError as exc:
            raise timed_out(self.endpoint, self.timeout) from exc
        except httpx2.TransportError as exc:
            raise unreachable_error(self.endpoint, _reason(exc)) from exc
        except (TypeError, json.JSONDecodeError) as exc:
            raise self._not_vectors() from exc
        except ValueError as exc:
            if "inhomogeneous" in str(exc):  # numpy: a ragged list of lists
                raise self._not_vectors() from exc
            raise ProviderError(
                f"Hugging Face cannot run {self.model_name} with provider "
                f"{self.endpoint.provider} ({exc}): set NEWSRAG_HF_PROVIDER or "
                "NEWSRAG_EMBEDDING_MODEL.",
                code="provider_rejected_model",
            ) from exc

    def _not_vectors(self) -> BadProviderResponse:
        return BadProviderResponse(
            f"{self.endpoint.where} answered for {self.model_name} with something that is not a "
            f"list of vectors: check that {self.endpoint.model_setting} names a sentence-embedding "
            "model."
        )


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return "connection refused" if "refused" in text.lower() else text.splitlines()[0]


@embedders.register("hf")
def _hf(settings: Settings) -> Embedder:
    return HFEmbedder(settings)
