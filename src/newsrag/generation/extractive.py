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
from newsrag.generation.base import NOT_COVERED, Generator, generators
from newsrag.retrieval import Evidence
from newsrag.text import keywords, split_sentences

MIN_WORDS = 5
SHORTLIST = 12
SCORED_WORDS = 60
WORD_BUDGET = 90
ANSWER_TYPE_BONUS = 0.25
_ASKS_NUMBER = re.compile(
    r"\bhow (much|many|long|old|far|big|large|tall|fast|often|high|deep|soon)\b|"
    r"\bwhat (time|price|share|percentage|proportion|amount|number|age|toll|score|sum|cost|"
    r"value|rate|speed|distance)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|trillion|dozen|half|percent)\b",
    re.IGNORECASE,
)
_ASKS_NAME = re.compile(r"^\s*(who|whom|whose)\b|\bwhich (company|person|man|woman|team)\b", re.I)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


@dataclass(frozen=True)
class Candidate:
    """A sentence of source `n`: the share of the question's words it holds (`lexical`), and
    `bonus` when it holds the kind of thing asked for (a number for "how many")."""

    text: str
    n: int
    lexical: float
    bonus: float = 0.0


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
        """The best sentences, within the word budget, each followed by its source's `[n]`."""
        shortlist = self._shortlist(question, evidence)
        if not shortlist:
            return [NOT_COVERED]
        texts = [" ".join(c.text.split()[:SCORED_WORDS]) for c in shortlist]
        vectors = self.embedder.embed([question, *texts])
        scores = (
            vectors[1:] @ vectors[0]
            + 0.1 * np.array([c.lexical for c in shortlist])
            + np.array([c.bonus for c in shortlist])
        )
        order = np.argsort(-scores, kind="stable")
        floor = float(scores[order[0]]) - self.spread
        picked: list[str] = []
        words = 0
        for index in order[: self.max_sentences]:
            if scores[index] < floor or (picked and words >= WORD_BUDGET):
                break
            candidate = shortlist[index]
            picked.append(f"{candidate.text} [{candidate.n}]")
            words += len(candidate.text.split())
        return picked

    @staticmethod
    def _shortlist(question: str, evidence: Sequence[Evidence]) -> list[Candidate]:
        """Distinct sentences of the evidence, those sharing most words with the question first
        (ties keep retrieval order)."""
        wanted = keywords(question)
        seen: set[str] = set()
        found: list[Candidate] = []
        for item in evidence:
            for sentence in split_sentences(item.chunk.text):
                key = " ".join(sentence.lower().split())
                if key in seen or len(sentence.split()) < MIN_WORDS:
                    continue
                seen.add(key)
                shared = len(wanted & keywords(sentence)) / len(wanted) if wanted else 0.0
                found.append(Candidate(sentence, item.n, shared, answer_bonus(question, sentence)))
        found.sort(key=lambda c: -(c.lexical + c.bonus))
        return found[:SHORTLIST]


def answer_bonus(question: str, sentence: str) -> float:
    """ANSWER_TYPE_BONUS when the sentence holds what the question asks for: a number for
    "how many/much/long/old..." and "what price/share/time...", a name the question does not
    already hold for "who/whom"."""
    if _ASKS_NUMBER.search(question) and _NUMBER.search(sentence):
        return ANSWER_TYPE_BONUS
    if _ASKS_NAME.search(question):
        asked = question.lower()
        if any(name.lower() not in asked for name in _NAME.findall(sentence)):
            return ANSWER_TYPE_BONUS
    return 0.0


@generators.register("extractive")
def _extractive(settings: Settings, *, embedder: Embedder) -> Generator:
    return ExtractiveGenerator(embedder, settings.max_answer_sentences)
