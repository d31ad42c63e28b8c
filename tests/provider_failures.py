"""Every exception class the provider libraries define, raised where newsrag calls them.

Each `Injection` names one call into a provider library (huggingface_hub's feature extraction and
chat completion, httpx's send, ONNX Runtime's run, llama.cpp's completion) and the exception
classes that library can raise there: every class its modules define, and a plain RuntimeError.
`instance` builds one of each as the library would (an HTTP error with a response of a fitting
status). The boundary tests raise each at its call; run as a script, this prints what a user sees
for each class (`python -m tests.provider_failures`).
"""

from __future__ import annotations

import inspect
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar
from unittest.mock import patch

import httpx
import httpx2
import huggingface_hub
import huggingface_hub.errors
import onnxruntime
from onnxruntime.capi import onnxruntime_pybind11_state

from newsrag.config import Settings
from newsrag.embeddings import embedders
from newsrag.errors import NewsragError
from newsrag.generation import generators
from newsrag.generation.llm import Sampling
from newsrag.generation.local import LocalGenerator

MESSAGE = "injected failure"
URL = "http://127.0.0.1:9/provider"
# HTTP errors carry the status their name implies; others a 500.
STATUSES = {"BadRequest": 400, "Gated": 403, "Disabled": 403, "NotFound": 404}


def defined_exceptions(module: ModuleType) -> list[type[Exception]]:
    """The exception classes `module`'s package defines, by name."""
    package = module.__name__.split(".")[0]
    found = {
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, Exception)
        and obj.__module__.split(".")[0] == package
    }
    return sorted(found, key=lambda cls: cls.__name__)


def instance(cls: type[Exception]) -> Exception:
    """An instance of `cls` as its library raises it, else one carrying MESSAGE only."""
    status = next((code for word, code in STATUSES.items() if word in cls.__name__), 500)
    tries: list[Callable[[], Exception]] = []
    for http in (httpx2, httpx):
        request = http.Request("POST", URL)
        response = http.Response(status, request=request, json={"error": MESSAGE})
        tries += [
            lambda response=response: cls(MESSAGE, response=response),  # type: ignore[misc]
            lambda request=request, response=response: cls(  # type: ignore[misc]
                MESSAGE, request=request, response=response
            ),
        ]
    for build in [lambda: cls(MESSAGE), *tries]:
        try:
            return build()
        except Exception:
            continue
    bare = cls.__new__(cls)
    Exception.__init__(bare, MESSAGE)
    return bare


@dataclass(frozen=True)
class Injection:
    """Where a class is raised: `target`'s `attribute`, with `settings` that route calls there."""

    name: str
    target: Any
    attribute: str
    classes: list[type[Exception]]
    settings: dict[str, object] = field(default_factory=dict)
    generator: bool = False

    def raising(self, exc: Exception) -> Callable[..., Any]:
        def fail(*args: object, **kwargs: object) -> Any:
            raise exc

        return fail


class FakeLlama:
    """Stands in for llama_cpp.Llama (which defines no exception classes of its own: it raises
    ValueError and RuntimeError): a model with a chat template whose completion is patched."""

    metadata: ClassVar[dict[str, str]] = {"tokenizer.chat_template": "{{ messages }}"}

    def create_chat_completion(self, **_: object) -> Any:
        return iter([{"choices": [{"delta": {"content": "Unused."}}]}])


HF_CLASSES = [
    *defined_exceptions(huggingface_hub.errors),
    *defined_exceptions(httpx2),
    RuntimeError,
]
REMOTE = {"embedding_fallback": "none", "provider_retries": 0, "hf_token": "hf_" + "t" * 30}

INJECTIONS = [
    Injection(
        "hf-embedder",
        huggingface_hub.InferenceClient,
        "feature_extraction",
        HF_CLASSES,
        {**REMOTE, "embedding_provider": "hf"},
    ),
    Injection(
        "openai-embedder",
        httpx.Client,
        "send",
        [*defined_exceptions(httpx), RuntimeError],
        {**REMOTE, "embedding_provider": "openai", "openai_base_url": URL},
    ),
    Injection(
        "onnx-embedder",
        onnxruntime.InferenceSession,
        "run",
        [*defined_exceptions(onnxruntime_pybind11_state), RuntimeError],
        {"embedding_provider": "onnx"},
    ),
    Injection(
        "hf-generator",
        huggingface_hub.InferenceClient,
        "chat_completion",
        HF_CLASSES,
        {**REMOTE, "generator": "hf", "generator_fallback": "none"},
        generator=True,
    ),
    Injection(
        "local-generator",
        FakeLlama,
        "create_chat_completion",
        [ValueError, RuntimeError, MemoryError],
        generator=True,
    ),
]

CASES = [(injection, cls) for injection in INJECTIONS for cls in injection.classes]


def case_id(value: object) -> str:
    return value.name if isinstance(value, Injection) else getattr(value, "__name__", str(value))


def local_generator(injection: Injection) -> LocalGenerator | None:
    """The `local` generator around a FakeLlama, for the injection into llama.cpp."""
    return (
        LocalGenerator(FakeLlama(), "fake", Sampling()) if injection.target is FakeLlama else None
    )


def failure_of(injection: Injection, cls: type[Exception], settings: Settings) -> NewsragError:
    """The error newsrag raises when `cls` is raised at the injection's call."""
    if injection.generator:
        generator = local_generator(injection) or generators.create(settings.generator, settings)
        call: Callable[[], object] = lambda: generator.generate("Any news?", [])  # noqa: E731
    else:
        embedder = embedders.create(settings.embedding_provider, settings)
        call = lambda: embedder.embed(["Any news?"])  # noqa: E731
    with patch.object(injection.target, injection.attribute, injection.raising(instance(cls))):
        try:
            call()
        except NewsragError as error:
            return error
    raise AssertionError(f"{cls.__name__} raised nothing at {injection.name}")


def main() -> None:
    """A Markdown table: each class, where it was raised, the code and the sentence."""
    with tempfile.TemporaryDirectory() as folder:
        print("| call | exception | code | what the user reads |\n|---|---|---|---|")
        for injection in INJECTIONS:
            values = {"onnx_dir": Path(folder), **injection.settings}
            settings = Settings(_env_file=None, **values)  # type: ignore[arg-type, call-arg]
            for cls in injection.classes:
                error = failure_of(injection, cls, settings)
                print(f"| {injection.name} | {cls.__name__} | {error.code} | {error.message} |")


if __name__ == "__main__":
    main()
