"""`openai`: any OpenAI-compatible `/v1/embeddings` (text-embeddings-inference, vLLM, Ollama,
OpenAI) at NEWSRAG_OPENAI_BASE_URL, with OPENAI_API_KEY when the server wants one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx

from newsrag.config import Settings
from newsrag.embeddings.base import Embedder, embedders
from newsrag.embeddings.remote import RemoteEmbedder
from newsrag.errors import BadProviderResponse, TokenMissing
from newsrag.masking import mask_secret
from newsrag.providers.diagnosis import Endpoint
from newsrag.providers.http import post_json

KEYED_HOSTS = ("api.openai.com",)


def openai_key(settings: Settings) -> str:
    return settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""


def openai_endpoint(
    settings: Settings,
    model: str,
    path: str,
    *,
    model_setting: str = "NEWSRAG_EMBEDDING_MODEL",
    offline_setting: str = "NEWSRAG_EMBEDDING_PROVIDER=onnx",
) -> Endpoint:
    key = openai_key(settings)
    return Endpoint(
        service="the OpenAI-compatible server",
        url=settings.openai_base_url.rstrip("/") + path,
        model=model,
        token_setting="OPENAI_API_KEY",
        endpoint_setting="NEWSRAG_OPENAI_BASE_URL",
        model_setting=model_setting,
        masked_token=mask_secret(key) if key else "",
        offline_setting=offline_setting,
    )


def needs_key(settings: Settings) -> bool:
    """Whether the server is one known to want a key and none is set."""
    return not openai_key(settings) and urlsplit(settings.openai_base_url).hostname in KEYED_HOSTS


def key_missing(endpoint: Endpoint) -> TokenMissing:
    return TokenMissing(
        f"{endpoint.url} needs an API key: set OPENAI_API_KEY, or point NEWSRAG_OPENAI_BASE_URL "
        f"at a server that needs none, or set {endpoint.offline_setting}."
    )


def bearer(settings: Settings) -> dict[str, str]:
    key = openai_key(settings)
    return {"Authorization": f"Bearer {key}"} if key else {}


class OpenAIEmbedder(RemoteEmbedder):
    def __init__(self, settings: Settings) -> None:
        super().__init__(
            openai_endpoint(settings, settings.embedding_model, "/embeddings"),
            batch_size=settings.embedding_batch,
            concurrency=settings.embedding_concurrency,
            retries=settings.provider_retries,
            retry_budget=settings.provider_retry_budget,
        )
        self.timeout = settings.provider_timeout
        self.key_missing = needs_key(settings)
        self.key = openai_key(settings)
        self.client = httpx.Client(timeout=self.timeout, headers=bearer(settings))

    def request(self, texts: Sequence[str]) -> Any:
        if self.key_missing:
            raise key_missing(self.endpoint)
        body = {"model": self.model_name, "input": list(texts)}
        response = post_json(self.client, self.endpoint, self.timeout, body, secret=self.key)
        try:
            rows = sorted(response.json()["data"], key=lambda row: row["index"])
            return [row["embedding"] for row in rows]
        except (ValueError, KeyError, TypeError) as exc:
            raise BadProviderResponse(
                f"{self.endpoint.url} did not answer in the OpenAI embeddings format "
                '({"data": [{"embedding": [...]}]}): check NEWSRAG_OPENAI_BASE_URL.'
            ) from exc


@embedders.register("openai")
def _openai(settings: Settings) -> Embedder:
    return OpenAIEmbedder(settings)
