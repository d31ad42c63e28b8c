"""`hf`: chat models on Hugging Face Inference Providers, through `InferenceClient.chat_completion`
at the router's OpenAI-compatible `NEWSRAG_HF_ENDPOINT/v1/chat/completions`.

NEWSRAG_LLM_PROVIDER picks the provider: `auto` (the router chooses), or a name such as
`together`, sent as the router's `model:provider` suffix.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from huggingface_hub import InferenceClient

from newsrag.config import Settings
from newsrag.generation.base import Generator, generators
from newsrag.generation.llm import ChatModelGenerator, Sampling
from newsrag.generation.openai import cut_off
from newsrag.generation.prompt import ChatMessages
from newsrag.providers.huggingface import hf_boundary, hf_endpoint, hf_token, token_missing
from newsrag.providers.retry import with_retries

DEFAULT_MODEL = "meta-llama/Llama-3.1-8B-Instruct"
OFFLINE = "NEWSRAG_GENERATOR=extractive"


class HFChatGenerator(ChatModelGenerator):
    def __init__(self, settings: Settings) -> None:
        name = settings.llm_model or DEFAULT_MODEL
        provider = settings.llm_provider
        self.routed = name if provider == "auto" else f"{name}:{provider}"
        super().__init__(f"hf:{self.routed}", Sampling.from_settings(settings))
        self.base_url = settings.hf_endpoint.rstrip("/") + "/v1"
        self.endpoint = hf_endpoint(
            settings,
            url=self.base_url + "/chat/completions",
            model=name,
            provider=provider,
            model_setting="NEWSRAG_LLM_MODEL",
            offline_setting=OFFLINE,
            provider_setting="NEWSRAG_LLM_PROVIDER",
        )
        self.token = hf_token(settings)
        self.timeout = settings.provider_timeout
        self.retries = settings.provider_retries
        self.retry_budget = settings.provider_retry_budget
        self.temperature = settings.llm_temperature

    def complete(
        self, messages: ChatMessages, *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Iterator[str]:
        if not self.token:
            raise token_missing("NEWSRAG_GENERATOR=hf", OFFLINE)
        # One client per reply: the client keeps each streamed answer open until it is closed.
        with (
            hf_boundary(self.endpoint, self.timeout, self.token),
            InferenceClient(base_url=self.base_url, token=self.token, timeout=self.timeout) as hub,
        ):
            chunks = with_retries(
                lambda: self._open(hub, messages, max_tokens, stop),
                retries=self.retries,
                budget=self.retry_budget,
            )
            finished = False
            for chunk in chunks:
                choice = chunk.choices[0] if chunk.choices else None
                finished = finished or bool(choice and choice.finish_reason)
                if choice and choice.delta.content:
                    yield choice.delta.content
            if not finished:
                raise cut_off(self.endpoint)

    def _open(
        self, hub: InferenceClient, messages: ChatMessages, max_tokens: int, stop: Sequence[str]
    ) -> Iterator[Any]:
        with hf_boundary(self.endpoint, self.timeout, self.token):
            return iter(
                hub.chat_completion(
                    list(messages),
                    model=self.routed,
                    max_tokens=max_tokens,
                    temperature=self.temperature,
                    stop=list(stop) or None,
                    stream=True,
                )
            )


@generators.register("hf")
def _hf(settings: Settings, **_: object) -> Generator:
    return HFChatGenerator(settings)
