"""The generator contract: turn a question and numbered evidence into an answer with [n]."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from newsrag.registry import Registry
from newsrag.retrieval import Evidence

NOT_COVERED = "The news I have does not cover this question."


class Generator(ABC):
    """`model` names what produced the answer (the API's `model` field)."""

    model: str

    @abstractmethod
    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        """The answer; each claim followed by the `[n]` of the source it comes from."""


generators: Registry[Generator] = Registry("generator", "NEWSRAG_GENERATOR")
