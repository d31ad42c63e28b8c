"""Answer generators, chosen by NEWSRAG_GENERATOR from the `generators` registry."""

from newsrag.config import Settings
from newsrag.embeddings import Embedder
from newsrag.generation import extractive as _extractive  # noqa: F401  (registers the built-in)
from newsrag.generation.base import NOT_COVERED, Generator, generators


def create_generator(settings: Settings, embedder: Embedder) -> Generator:
    return generators.create(settings.generator, settings, embedder=embedder)


__all__ = ["NOT_COVERED", "Generator", "create_generator", "generators"]
