"""What the language-model generators (`local`, `hf`, `openai`) share: the prompt, a stop on
repetition, and the model's own rewrite of follow-up questions.

A subclass implements `complete`: send chat messages, yield the reply's text as it arrives.
"""

from __future__ import annotations

import logging
import re
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from newsrag.config import Settings
from newsrag.generation.base import Generator
from newsrag.generation.prompt import ChatMessages, answer_messages, clean_query, rewrite_messages
from newsrag.models import Message
from newsrag.retrieval import Evidence
from newsrag.retrieval.query import is_follow_up, standalone_query

log = logging.getLogger(__name__)

REWRITE_TOKENS = 48
REWRITE_TURNS = 4
_SENTENCE_DONE = re.compile(r"""[.!?]["'”’)]*(?:\s*\[\d+\])*\s+\S""")


@dataclass(frozen=True)
class Sampling:
    """How the model is asked to answer; each from a NEWSRAG_LLM_* setting."""

    max_tokens: int = 256
    temperature: float = 0.2
    sentences: int = 4
    source_words: int = 180

    @classmethod
    def from_settings(cls, settings: Settings, source_words: int = 180) -> Sampling:
        return cls(
            max_tokens=settings.llm_max_tokens,
            temperature=settings.llm_temperature,
            sentences=settings.max_answer_sentences,
            source_words=source_words,
        )


class ChatModelGenerator(Generator):
    """A generator backed by a chat model; `model` is `<kind>:<model name>`."""

    def __init__(self, model: str, sampling: Sampling) -> None:
        self.model = model
        self.sampling = sampling

    @abstractmethod
    def complete(
        self, messages: ChatMessages, *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Iterator[str]:
        """The model's reply to `messages`, in pieces as they arrive; failures raise
        ProviderError (before the first piece or during the reply)."""

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        return "".join(self.stream(question, evidence))

    def stream(
        self, question: str, evidence: Sequence[Evidence], *, message: str = ""
    ) -> Iterator[str]:
        """The reply's pieces, until the model ends or starts repeating a sentence; the model
        reads the rewritten `question`, not the `message`."""
        messages = self.messages(question, evidence)
        yield from stop_on_repeat(self.complete(messages, max_tokens=self.sampling.max_tokens))

    def messages(self, question: str, evidence: Sequence[Evidence]) -> ChatMessages:
        """The request for an answer: the rules, the fenced sources and the question."""
        return answer_messages(
            question,
            evidence,
            source_words=self.sampling.source_words,
            sentences=self.sampling.sentences,
        )

    def standalone(self, question: str, history: Sequence[Message]) -> str:
        """The model's rewrite of a follow-up question; other questions are searched as asked."""
        if not history or not is_follow_up(question):
            return question
        messages = rewrite_messages(question, history[-REWRITE_TURNS:])
        reply = "".join(self.complete(messages, max_tokens=REWRITE_TOKENS, stop=("\n",)))
        rewritten = clean_query(reply)
        if not rewritten:
            log.info("%s gave no rewrite of %r; carrying key terms over", self.model, question)
            return standalone_query(question, history)
        return rewritten


def stop_on_repeat(pieces: Iterator[str]) -> Iterator[str]:
    """`pieces` until a finished sentence repeats an earlier one (small models loop); the
    repeated sentence itself may be partly yielded, and `tidy_answer` removes it."""
    text = ""
    seen: set[str] = set()
    start = 0
    try:
        for piece in pieces:
            yield piece
            text += piece
            for match in _SENTENCE_DONE.finditer(text, start):
                sentence = " ".join(re.sub(r"\[\d+\]", "", text[start : match.end() - 1]).split())
                start = match.end() - 1
                if sentence.lower() in seen:
                    return
                seen.add(sentence.lower())
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()
