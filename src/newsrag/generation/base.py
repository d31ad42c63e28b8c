"""The generator contract: turn a question and numbered evidence into an answer with [n]."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence

from newsrag.models import Message
from newsrag.registry import Registry
from newsrag.retrieval import Evidence
from newsrag.retrieval.query import standalone_query

NOT_COVERED = "The news I have does not cover this question."


class Generator(ABC):
    """`model` names what produced the answer (the API's `model` field)."""

    model: str

    @abstractmethod
    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        """The answer; each claim followed by the `[n]` of the source it comes from."""

    def stream(
        self, question: str, evidence: Sequence[Evidence], *, message: str = ""
    ) -> Iterator[str]:
        """The answer in pieces as they are produced; joined, they are `generate`'s answer.
        `message` is the user's own words when `question` is a follow-up rewritten with the
        conversation's (`standalone`), for a generator that weighs them apart.

        By default the whole answer at once; a generator that produces it gradually overrides it.
        """
        yield self.generate(question, evidence)

    def standalone(self, question: str, history: Sequence[Message]) -> str:
        """The question to search with, made understandable without the conversation `history`.

        By default the deterministic rewrite (the earlier question's key terms carried over);
        a language model rewrites it itself. Provider failures raise ProviderError.
        """
        return standalone_query(question, history)


generators: Registry[Generator] = Registry("generator", "NEWSRAG_GENERATOR")
