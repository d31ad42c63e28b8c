"""The generator contract: turn a question and numbered evidence into an answer with [n]."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence

from newsrag.registry import Registry
from newsrag.retrieval import Evidence

NOT_COVERED = "The news I have does not cover this question."


class Generator(ABC):
    """`model` names what produced the answer (the API's `model` field)."""

    model: str

    @abstractmethod
    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        """The answer; each claim followed by the `[n]` of the source it comes from."""

    def stream(self, question: str, evidence: Sequence[Evidence]) -> Iterator[str]:
        """The answer in pieces as they are produced; joined, they are `generate`'s answer.

        By default the whole answer at once; a generator that produces it gradually overrides it.
        """
        yield self.generate(question, evidence)


generators: Registry[Generator] = Registry("generator", "NEWSRAG_GENERATOR")
