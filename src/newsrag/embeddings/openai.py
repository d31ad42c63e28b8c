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
from newsrag.providers.diagnosis import Endpoint, diagnose, timed_out, unreachable

KEYED_HOSTS = ("api.openai.com",)


def openai_endpoint(settings: Settings, model: str, path: str) -> Endpoint:
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    return Endpoint(
        service="the OpenAI-compatible server",
        url=settings.openai_base_url.rstrip("/") + path,
        model=model,
        token_setting="OPENAI_API_KEY",
        endpoint_setting="NEWSRAG_OPENAI_BASE_URL",
        model_setting="NEWSRAG_EMBEDDING_MODEL",
        masked_token=mask_secret(key) if key else "",
    )


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
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        self.key_missing = not key and urlsplit(self.endpoint.url).hostname in KEYED_HOSTS
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.client = httpx.Client(timeout=self.timeout, headers=headers)

    def request(self, texts: Sequence[str]) -> Any:
        if self.key_missing:
            raise TokenMissing(
                f"{self.endpoint.url} needs an API key: set OPENAI_API_KEY, or point "
                "NEWSRAG_OPENAI_BASE_URL at a server that needs none, or set "
                "NEWSRAG_EMBEDDING_PROVIDER=local."
            )
        try:
            response = self.client.post(
                self.endpoint.url, json={"model": self.model_name, "input": list(texts)}
            )
        except httpx.TimeoutException as exc:
            raise timed_out(self.endpoint, self.timeout) from exc
        except httpx.TransportError as exc:
            reason = "connection refused" if isinstance(exc, httpx.ConnectError) else str(exc)
            raise unreachable(self.endpoint, reason or type(exc).__name__) from exc
        if not response.is_success:
            raise diagnose(response.status_code, response.content, response.headers, self.endpoint)
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
