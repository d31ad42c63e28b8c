"""Answer generators, chosen by NEWSRAG_GENERATOR from the `generators` registry: `extractive`
(default, offline), `local` (llama.cpp), `hf` (Inference Providers), `openai` (compatible APIs)."""

from newsrag.config import Settings
from newsrag.embeddings import Embedder
from newsrag.generation import extractive as _extractive  # noqa: F401  (register the built-ins)
from newsrag.generation import hf as _hf  # noqa: F401
from newsrag.generation import local as _local  # noqa: F401
from newsrag.generation import openai as _openai  # noqa: F401
from newsrag.generation.base import NOT_COVERED, Generator, generators
from newsrag.generation.fallback import Drafting


def create_generator(settings: Settings, embedder: Embedder) -> Generator:
    return generators.create(settings.generator, settings, embedder=embedder)


def create_fallback(settings: Settings, embedder: Embedder, primary: Generator) -> Generator | None:
    """`extractive`, to answer when `primary` fails; None when it is extractive itself or
    NEWSRAG_GENERATOR_FALLBACK=none."""
    if settings.generator_fallback == "none" or settings.generator == "extractive":
        return None
    return generators.create(settings.generator_fallback, settings, embedder=embedder)


__all__ = [
    "NOT_COVERED",
    "Drafting",
    "Generator",
    "create_fallback",
    "create_generator",
    "generators",
]
