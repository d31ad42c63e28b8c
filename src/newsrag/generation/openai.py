"""`openai`: any OpenAI-compatible chat API (Ollama, vLLM, llama.cpp server, OpenAI, Gemini's
compatible endpoint) at NEWSRAG_OPENAI_BASE_URL, streamed as server-sent events."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from newsrag.config import Settings
from newsrag.embeddings.openai import bearer, key_missing, needs_key, openai_endpoint, openai_key
from newsrag.errors import BadProviderResponse, ProviderError
from newsrag.generation.base import Generator, generators
from newsrag.generation.llm import ChatModelGenerator, Sampling
from newsrag.generation.prompt import ChatMessages
from newsrag.providers.diagnosis import Endpoint, error_text
from newsrag.providers.http import http_boundary, post_json
from newsrag.providers.retry import with_retries

DEFAULT_MODEL = "gpt-4o-mini"
OFFLINE = "NEWSRAG_GENERATOR=extractive"


class OpenAIChatGenerator(ChatModelGenerator):
    def __init__(self, settings: Settings) -> None:
        name = settings.llm_model or DEFAULT_MODEL
        super().__init__(f"openai:{name}", Sampling.from_settings(settings))
        self.name = name
        self.endpoint = openai_endpoint(
            settings,
            name,
            "/chat/completions",
            model_setting="NEWSRAG_LLM_MODEL",
            offline_setting=OFFLINE,
        )
        self.key_missing = needs_key(settings)
        self.timeout = settings.provider_timeout
        self.retries = settings.provider_retries
        self.retry_budget = settings.provider_retry_budget
        self.temperature = settings.llm_temperature
        self.key = openai_key(settings)
        self.client = httpx.Client(timeout=self.timeout, headers=bearer(settings))

    def complete(
        self, messages: ChatMessages, *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Iterator[str]:
        if self.key_missing:
            raise key_missing(self.endpoint)
        body: dict[str, Any] = {
            "model": self.name,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": self.temperature,
            "stream": True,
        }
        if stop:
            body["stop"] = list(stop)
        response = with_retries(
            lambda: post_json(
                self.client, self.endpoint, self.timeout, body, secret=self.key, stream=True
            ),
            retries=self.retries,
            budget=self.retry_budget,
        )
        try:
            with http_boundary(self.endpoint, self.timeout, self.key):
                if "text/event-stream" in response.headers.get("content-type", ""):
                    yield from self._events(response)
                else:
                    yield self._whole(response.read())
        finally:
            response.close()

    def _events(self, response: httpx.Response) -> Iterator[str]:
        """The `content` of each `data:` event's delta, until `data: [DONE]`; an answer cut off
        before it (and before a `finish_reason`) raises ProviderError."""
        finished = False
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            data = line[len("data:") :].strip()
            if data == "[DONE]":
                return
            event = self._decoded(data)
            if "error" in event:
                raise ProviderError(
                    f"{self.endpoint.subject} failed while answering with {self.name} "
                    f"({error_text(data)}): try again, or set {OFFLINE}.",
                    code="provider_stream_error",
                )
            try:
                choice = (event["choices"] or [{}])[0]
                content = choice.get("delta", {}).get("content")
            except (KeyError, AttributeError, TypeError) as exc:
                raise self._bad_format() from exc
            finished = finished or choice.get("finish_reason") is not None
            if content:
                yield str(content)
        if not finished:
            raise cut_off(self.endpoint)

    def _whole(self, body: bytes) -> str:
        """The reply of a server that answered with one JSON body despite `stream: true`."""
        try:
            return str(json.loads(body)["choices"][0]["message"]["content"] or "")
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise self._bad_format() from exc

    def _decoded(self, data: str) -> dict[str, Any]:
        try:
            event = json.loads(data)
        except ValueError as exc:
            raise self._bad_format() from exc
        if not isinstance(event, dict):
            raise self._bad_format()
        return event

    def _bad_format(self) -> BadProviderResponse:
        return BadProviderResponse(
            f"{self.endpoint.url} did not answer in the OpenAI chat-completions format: check "
            "NEWSRAG_OPENAI_BASE_URL (it usually ends in /v1)."
        )


def cut_off(endpoint: Endpoint) -> ProviderError:
    return ProviderError(
        f"{endpoint.subject} closed the connection before the answer from {endpoint.model} was "
        f"complete: try again, or set {endpoint.offline_setting}.",
        code="provider_stream_cut",
    )


@generators.register("openai")
def _openai(settings: Settings, **_: object) -> Generator:
    return OpenAIChatGenerator(settings)
