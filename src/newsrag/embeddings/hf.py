"""`hf`: Hugging Face Inference Providers through `huggingface_hub.InferenceClient`.

With the default provider `hf-inference` the request goes to
`NEWSRAG_HF_ENDPOINT/hf-inference/models/<model>/pipeline/feature-extraction`, so the endpoint
can point at a proxy, a self-hosted text-embeddings-inference, or a test server.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from huggingface_hub import InferenceClient

from newsrag.config import Settings
from newsrag.embeddings.base import Embedder, embedders
from newsrag.embeddings.remote import RemoteEmbedder
from newsrag.errors import BadProviderResponse, ProviderError
from newsrag.providers.boundary import one_line
from newsrag.providers.diagnosis import Endpoint
from newsrag.providers.huggingface import hf_boundary, hf_endpoint, hf_token, token_missing

HF_INFERENCE = "hf-inference"
OFFLINE = "NEWSRAG_EMBEDDING_PROVIDER=onnx"


def embedding_endpoint(settings: Settings, model: str) -> Endpoint:
    base = settings.hf_endpoint.rstrip("/")
    provider = settings.hf_provider
    url = (
        f"{base}/{provider}/models/{model}/pipeline/feature-extraction"
        if provider == HF_INFERENCE
        else f"{base}/{provider}"
    )
    return hf_endpoint(
        settings,
        url=url,
        model=model,
        provider=provider,
        model_setting="NEWSRAG_EMBEDDING_MODEL",
        offline_setting=OFFLINE,
    )


class HFEmbedder(RemoteEmbedder):
    def __init__(self, settings: Settings) -> None:
        super().__init__(
            embedding_endpoint(settings, settings.embedding_model),
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
            raise token_missing("NEWSRAG_EMBEDDING_PROVIDER=hf", OFFLINE)
        routed = self.endpoint.provider == HF_INFERENCE
        with hf_boundary(self.endpoint, self.timeout, self.token, self._answer_errors):
            return self.client.feature_extraction(
                list(texts), model=self.endpoint.url if routed else self.model_name
            )

    def _answer_errors(self, exc: Exception) -> ProviderError | None:
        """huggingface_hub's complaints about the answer or the model: a payload that is not
        vectors (TypeError, bad JSON, a ragged list numpy refuses) or a model the provider
        cannot run (another ValueError)."""
        if isinstance(exc, TypeError | json.JSONDecodeError):
            return self._not_vectors()
        if isinstance(exc, ValueError):
            if "inhomogeneous" in str(exc):
                return self._not_vectors()
            return ProviderError(
                f"Hugging Face cannot run {self.model_name} with provider "
                f"{self.endpoint.provider} ({one_line(str(exc))}): set NEWSRAG_HF_PROVIDER or "
                "NEWSRAG_EMBEDDING_MODEL.",
                code="provider_rejected_model",
            )
        return None

    def _not_vectors(self) -> BadProviderResponse:
        return BadProviderResponse(
            f"{self.endpoint.subject} answered for {self.model_name} with something that is not a "
            f"list of vectors: check that {self.endpoint.model_setting} names a sentence-embedding "
            "model."
        )


@embedders.register("hf")
def _hf(settings: Settings) -> Embedder:
    return HFEmbedder(settings)
