"""The offline default: answer with the retrieved sentences closest to the question, cited.

Sentences are first short-listed by the words they share with the question, then ranked by
MiniLM similarity to it; the best few, within a word budget, each carry their source's `[n]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from newsrag.config import Settings
from newsrag.embeddings import Embedder
from newsrag.generation.answer_types import answer_strength
from newsrag.generation.base import NOT_COVERED, Generator, generators
from newsrag.retrieval import Evidence
from newsrag.text import keywords, split_sentences

MIN_WORDS = 5
SHORTLIST = 12
SCORED_WORDS = 60
WORD_BUDGET = 90
ANSWER_TYPE_BONUS = 0.25
LEAD_BONUS = 0.05
_PRONOUN_FIRST = re.compile(r"^(?:He|She|They|His|Her|Their|It|Its)\b")


@dataclass(frozen=True)
class Candidate:
    """A sentence of source `n`: the share of the question's words it holds (`lexical`), and
    `bonus` when it holds the kind of thing asked for (a number for "how many")."""

    text: str
    n: int
    title: str
    lexical: float
    bonus: float = 0.0
    lead: bool = False


class ExtractiveGenerator(Generator):
    def __init__(self, embedder: Embedder, max_sentences: int = 4, spread: float = 0.3) -> None:
        self.embedder = embedder
        self.max_sentences = max_sentences
        self.spread = spread
        self.model = f"extractive:{embedder.model_name}"

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        return "".join(self.stream(question, evidence))

    def stream(self, question: str, evidence: Sequence[Evidence]) -> Iterator[str]:
        """The picked sentences one by one, each with its `[n]`, joined by single spaces."""
        for index, sentence in enumerate(self._pick(question, evidence)):
            yield sentence if index == 0 else f" {sentence}"

    def _pick(self, question: str, evidence: Sequence[Evidence]) -> list[str]:
        """The best sentences, within the word budget, each followed by its source's `[n]`.

        Each sentence is compared with the question under its article's title, so that "The
        journey took 22 minutes" is known to be about the Channel crossing. When the question
        asks for a kind of thing (a duration, a name) that none of the picked sentences holds,
        the best sentence holding one replaces the last pick.
        """
        shortlist = self._shortlist(question, evidence)
        if not shortlist:
            return [NOT_COVERED]
        texts = [" ".join(c.text.split()[:SCORED_WORDS]) for c in shortlist]
        titled = [f"{c.title}: {text}" for c, text in zip(shortlist, texts, strict=True)]
        vectors = self.embedder.embed([question, *texts, *titled])
        similarity = vectors[1:] @ vectors[0]
        scores = (
            (similarity[: len(texts)] + similarity[len(texts) :]) / 2
            + LEAD_BONUS * np.array([c.lead for c in shortlist])
            + 0.1 * np.array([c.lexical for c in shortlist])
            + np.array([c.bonus for c in shortlist])
        )
        order = [int(index) for index in np.argsort(-scores, kind="stable")]
        floor = float(scores[order[0]]) - self.spread
        chosen: list[int] = []
        words = 0
        for index in order[: self.max_sentences]:
            if scores[index] < floor or (chosen and words >= WORD_BUDGET):
                break
            chosen.append(index)
            words += len(shortlist[index].text.split())
        holding = [index for index in order if shortlist[index].bonus >= ANSWER_TYPE_BONUS]
        if holding and not any(index in holding for index in chosen):
            chosen = [*chosen[: max(1, min(len(chosen), self.max_sentences - 1))], holding[0]]
        return [f"{shortlist[index].text} [{shortlist[index].n}]" for index in chosen]

    @staticmethod
    def _shortlist(question: str, evidence: Sequence[Evidence]) -> list[Candidate]:
        """Distinct sentences of the evidence, those sharing most words with the question first
        (ties keep retrieval order); only those that state something (`stated`)."""
        wanted = keywords(question)
        seen: set[str] = set()
        found: list[Candidate] = []
        for item in evidence:
            for number, sentence in enumerate(split_sentences(item.chunk.text)):
                key = " ".join(sentence.lower().split())
                if key in seen or len(sentence.split()) < MIN_WORDS or not stated(sentence):
                    continue
                seen.add(key)
                words = keywords(sentence)
                if _PRONOUN_FIRST.match(sentence):  # "She served as ...": who is in the title
                    words |= keywords(item.chunk.title)
                shared = len(wanted & words) / len(wanted) if wanted else 0.0
                found.append(
                    Candidate(
                        sentence,
                        item.n,
                        item.chunk.title,
                        shared,
                        ANSWER_TYPE_BONUS * answer_strength(question, sentence),
                        lead=item.chunk.position == 0 and number == 0,
                    )
                )
        found.sort(key=lambda c: -(c.lexical + c.bonus))
        return found[:SHORTLIST]


def stated(sentence: str) -> bool:
    """Whether the sentence states something: not a question (an interviewer's, say), and not
    the introduction of a list or quote ("...said:")."""
    end = sentence.rstrip("\"'”’)")
    return not (end.endswith("?") or sentence.endswith(":"))


@generators.register("extractive")
def _extractive(settings: Settings, *, embedder: Embedder) -> Generator:
    return ExtractiveGenerator(embedder, settings.max_answer_sentences)
