"""The offline default: answer with the retrieved sentences closest to the question, cited.

Sentences are first short-listed by the words they share with the question, then ranked by
MiniLM similarity to it; the best few, within a word budget, each carry their source's `[n]`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from newsrag.config import Settings
from newsrag.embeddings import Embedder
from newsrag.generation.base import NOT_COVERED, Generator, generators
from newsrag.generation.comparison import Answered, comparison
from newsrag.generation.pivots import PIVOT_SOURCES, focus_words, stems, turning_words
from newsrag.models import RetrievedChunk
from newsrag.retrieval import Evidence
from newsrag.retrieval.answer_types import answer_strength
from newsrag.retrieval.coverage import Vocabulary, name_runs
from newsrag.retrieval.events import stating_event
from newsrag.retrieval.names import lower_case_words, written_as_names
from newsrag.retrieval.nations import NATIONS
from newsrag.retrieval.outcomes import clause_names
from newsrag.retrieval.parts import TWO_THINGS, Kind, lacking_things, naming, question_parts
from newsrag.text import ANAPHORIC, YEAR, keywords, split_sentences

MIN_WORDS = 5
SHORTLIST = 24
SCORED_WORDS = 60
WORD_BUDGET = 90
ANSWER_TYPE_BONUS = 0.25
LEAD_BONUS = 0.05
MESSAGE_WEIGHT = 0.7
# A sentence's score gains this much times the share of the question's names its article holds.
NAMED_WEIGHT = 0.2
# A sentence of the best sources naming the kind of thing a "which" question asks for gains this
# (`focus_words`).
FOCUS_BONUS = 0.15
# Each sentence after the first loses this much times its similarity to the most similar one
# picked already (maximal marginal relevance): a second restatement of the story's lead says
# less than a sentence on another of its details.
REDUNDANCY = 0.1


@dataclass(frozen=True)
class Candidate:
    """A sentence of source `n`: the share of the question's words it holds (`lexical`), and
    `bonus` when it holds the kind of thing asked for (a number for "how many"); `before` is the
    sentence it is read with when it opens with a pronoun."""

    text: str
    n: int
    title: str
    lexical: float
    bonus: float = 0.0
    lead: bool = False
    before: str = ""
    day: date | None = None
    named: float = 1.0
    focus: bool = False


class ExtractiveGenerator(Generator):
    def __init__(self, embedder: Embedder, max_sentences: int = 4, spread: float = 0.3) -> None:
        self.embedder = embedder
        self.max_sentences = max_sentences
        self.spread = spread
        self.model = f"extractive:{embedder.model_name}"

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        return "".join(self.stream(question, evidence))

    def stream(
        self, question: str, evidence: Sequence[Evidence], *, message: str = ""
    ) -> Iterator[str]:
        """The picked sentences one by one, each with its `[n]`, joined by single spaces."""
        for index, sentence in enumerate(self._pick(question, evidence, message)):
            yield sentence if index == 0 else f" {sentence}"

    def _pick(self, question: str, evidence: Sequence[Evidence], message: str = "") -> list[str]:
        """The best sentences, each followed by its source's `[n]`; for a two-part question
        ("Which was larger, A or B?") the best for each part, half as many and one more each,
        then the comparison of the two when one is asked for. A two-part follow-up's parts are
        weighed by its own message's parts as a whole follow-up is by its message."""
        parts = question_parts(question)
        apart = [] if parts else named_apart(question, evidence)
        if len(apart) > 1:
            return self._pick_apart(question, evidence, apart, message)
        if not parts:
            chosen = self._best(question, evidence, self.max_sentences, message)
            return _render(chosen) if chosen else [NOT_COVERED]
        limit = self.max_sentences // len(parts) + 1  # an even share and one more
        own = [part.query for part in question_parts(message)] if message else []
        asked = own if len(own) == len(parts) else [""] * len(parts)
        each = [
            self._best(part.query, evidence, limit, said, whole=False)
            for part, said in zip(parts, asked, strict=True)
        ]
        return _each_answered(question, parts[0].kind, [part.subject for part in parts], each)

    def _pick_apart(
        self,
        question: str,
        evidence: Sequence[Evidence],
        apart: Sequence[tuple[int, str]],
        message: str,
    ) -> list[str]:
        """For a question about things the sources name apart (`named_apart`): the best
        sentences of each thing's article, as many as for a part of a two-part question, then
        the comparison of the two when one is asked for and both give a value."""
        limit = self.max_sentences // len(apart) + 1
        each = [
            self._best(question, [i for i in evidence if i.n == n], limit, message, whole=False)
            for n, _ in apart
        ]
        return _each_answered(question, "choice", [subject for _, subject in apart], each)

    def _best(
        self,
        question: str,
        evidence: Sequence[Evidence],
        limit: int,
        message: str = "",
        whole: bool = True,
    ) -> list[Candidate]:
        """Up to `limit` best sentences, within the word budget.

        Each sentence is compared with the question under its article's title, so that "The
        journey took 22 minutes" is known to be about the Channel crossing. When the question
        asks for a kind of thing (a duration, a name) that none of the picked sentences holds,
        the best sentence holding one replaces the last pick; one holding it is picked however
        far its similarity falls below the best sentence's ("She replaces Daniel Akerson" for
        "Who did Mary Barra succeed?"). A follow-up's similarity is mostly its `message`'s
        (MESSAGE_WEIGHT): "What did the Germans find?", rewritten with the words of "Why was
        Navalny airlifted to Berlin?", asks what was found, not why he was flown. A sentence of
        the best sources holding the word a yes/no question turns on ("unanimous") holds what
        it asks (`turning_words`), unless the question is one part of a two-part one (not
        `whole`); for a question whether a later event happened ("did they ever sort it
        out?"), a sentence stating it done does ("settled", `stating_event`). A sentence
        whose article holds the question's names outranks one of another story
        (NAMED_WEIGHT, `named_shares`); one naming the kind a "which" question asks for ("the
        Abu Sayyaf Group" for "which militant group") outranks one restating the question
        (FOCUS_BONUS, `focus_words`). Each sentence after the first is weighed less the more it
        resembles one picked already (REDUNDANCY).
        """
        shortlist = self._shortlist(question, evidence, whole)
        if not shortlist:
            return []
        texts = [" ".join(c.text.split()[:SCORED_WORDS]) for c in shortlist]
        titled = [f"{c.title}: {text}" for c, text in zip(shortlist, texts, strict=True)]
        vectors = self.embedder.embed([question, *texts, *titled, *([message] if message else [])])
        similarity = vectors[1 : 1 + 2 * len(texts)] @ vectors[0]
        if message:
            own = vectors[1 : 1 + 2 * len(texts)] @ vectors[-1]
            similarity = (1 - MESSAGE_WEIGHT) * similarity + MESSAGE_WEIGHT * own
        scores = (
            (similarity[: len(texts)] + similarity[len(texts) :]) / 2
            + LEAD_BONUS * np.array([c.lead for c in shortlist])
            + 0.1 * np.array([c.lexical for c in shortlist])
            + np.array([c.bonus for c in shortlist])
            + NAMED_WEIGHT * np.array([c.named for c in shortlist])
            + FOCUS_BONUS * np.array([c.focus for c in shortlist])
        )
        order = [int(index) for index in np.argsort(-scores, kind="stable")]
        floor = float(scores[order[0]]) - self.spread
        chosen: list[int] = []
        words = 0
        for index in diverse_order(scores, vectors[1 : 1 + len(texts)], chosen):
            if len(chosen) == limit or (chosen and words >= WORD_BUDGET):
                break
            if scores[index] < floor and shortlist[index].bonus < ANSWER_TYPE_BONUS:
                continue  # a sentence holding the kind of thing asked for is kept all the same
            chosen.append(index)
            words += len(f"{shortlist[index].before} {shortlist[index].text}".split())
        holding = [index for index in order if shortlist[index].bonus >= ANSWER_TYPE_BONUS]
        if holding and not any(index in holding for index in chosen):
            chosen = [*chosen[: min(len(chosen), limit - 1)], holding[0]]
        return [shortlist[index] for index in chosen]

    @staticmethod
    def _shortlist(
        question: str, evidence: Sequence[Evidence], whole: bool = True
    ) -> list[Candidate]:
        """Distinct sentences of the evidence, those sharing most words with the question first
        (ties keep the articles' order); only those that state something (`stated`). A sentence
        opening with a pronoun ("She", "This") is read with the sentence before it, or passed
        over when that sentence was not found. A country's name and its people's are one word
        ("Greece" and "Greek")."""
        wanted = keywords(question)
        readings = [
            read
            for read in _read(evidence)
            if len(read.sentence.split()) >= MIN_WORDS and stated(read.sentence)
        ]
        event = stating_event(question) if whole else None
        pivot = (
            set() if event or not whole else turning_words(question, [r.sentence for r in readings])
        )
        named = named_shares(question, evidence)
        focus = focus_words(question, [r.sentence for r in readings if r.n <= PIVOT_SOURCES])
        found: list[Candidate] = []
        for read in readings:
            sentence, before = read.sentence, read.before
            words = _with_nations(keywords(sentence))
            pivotal = read.n <= PIVOT_SOURCES and bool(pivot or focus)
            held: frozenset[str] = stems(sentence) if pivotal else frozenset()
            turns = float(bool(pivot & held) or bool(event and event(sentence)))
            if ANAPHORIC.match(sentence):
                if not before:
                    continue
                words |= keywords(read.chunk.title)  # "She served as ...": who is in the title
            else:
                before = ""
            shared = len(wanted & words) / len(wanted) if wanted else 0.0
            found.append(
                Candidate(
                    sentence,
                    read.n,
                    read.chunk.title,
                    shared,
                    ANSWER_TYPE_BONUS * max(answer_strength(question, sentence), turns),
                    lead=read.chunk.position == 0 and read.first,
                    before=before,
                    day=read.chunk.published_at.date() if read.chunk.published_at else None,
                    named=named[read.n],
                    focus=bool(focus & held),
                )
            )
        found.sort(key=lambda c: -(c.lexical + c.bonus + FOCUS_BONUS * c.focus))
        return found[:SHORTLIST]


def diverse_order(scores: np.ndarray, vectors: np.ndarray, chosen: Sequence[int]) -> Iterator[int]:
    """The indices of the sentences, each next one by its score less REDUNDANCY times its
    similarity to the most similar of those `chosen` so far (a list the caller appends to)."""
    left = [int(index) for index in np.argsort(-scores, kind="stable")]
    while left:
        near = (vectors[left] @ vectors[list(chosen)].T).max(axis=1) if chosen else 0.0
        yield left.pop(int(np.argmax(scores[left] - REDUNDANCY * near)))


def _with_nations(words: set[str]) -> set[str]:
    """The words, and for a country or its people's name the others naming it: a sentence on
    "the Greek foreign minister" holds the "greece" of "what did greece say?"."""
    return words | {other for word in words & NATIONS.keys() for other in NATIONS[word]}


def named_apart(question: str, evidence: Sequence[Evidence]) -> list[tuple[int, str]]:
    """For a question about two things (or more) in words no two-part form knows ("Mugabe and
    Chirac: who lived longer?"), whose first source's article lacks some of the things it names
    apart: that source and, for each thing it lacks, the first other source naming it, each
    with the name it is asked about by; else none (also when a thing lacking is named by no
    source)."""
    runs, held = _named_runs(question, evidence, first=True)
    if not held or not TWO_THINGS.search(question):
        return []
    first = next(iter(held))
    lacking = lacking_things(runs, held[first])
    if not lacking:
        return []
    own = next(run for run in runs if run not in lacking)
    apart = [(first, " ".join(own).title())]
    for run in lacking:
        n = naming(run, held)
        if n is None:
            return []
        if n not in dict(apart):
            apart.append((n, " ".join(run).title()))
    return apart


def named_shares(question: str, evidence: Sequence[Evidence]) -> dict[int, float]:
    """For each source, how much of the question's names (and numbers) its article holds, in
    its title or any of its chunks found: "Air France Flight 447" is in the report of the crash
    whose sentence "The Airbus A330 jetliner crashed into the Atlantic Ocean in June, killing
    all 228 people on board" names none of it. Each name the question writes counts alike,
    however many words it has: of "chirac and pranab mukherjee", the report of either death
    holds one of two. A month or a year is when, not what: an article need not print it. A
    people's name is a name in lower case too ("that bangladeshi port city").
    """
    runs, held = _named_runs(question, evidence)
    if not runs:
        return dict.fromkeys(held, 1.0)
    return {
        n: sum(sum(map(words.holds, run)) / len(run) for run in runs) / len(runs)
        for n, words in held.items()
    }


def _named_runs(
    question: str, evidence: Sequence[Evidence], *, first: bool = False
) -> tuple[list[list[str]], dict[int, Vocabulary]]:
    """The question's names (and numbers) as it writes them together, and the words of each
    source's article (its title and chunks found), in the sources' order; with `first`, its
    first word too when the evidence writes it as a name ("Mugabe and Chirac: ...")."""
    articles: dict[int, list[str]] = {}
    for item in evidence:
        articles.setdefault(item.n, [item.chunk.title]).append(item.chunk.text)
    texts = [text for parts in articles.values() for text in parts]
    nations = {word for word in lower_case_words(question) if word in NATIONS}
    years = set(YEAR.findall(question))
    names = clause_names(question, years, {*written_as_names(question, texts), *nations})
    if first:
        lowered = question.lower()
        names += clause_names(lowered, years, written_as_names(lowered, texts))
    held = {n: Vocabulary.of(*parts) for n, parts in articles.items()}
    return name_runs(question, set(names)), held


def _each_answered(
    question: str, kind: Kind, subjects: Sequence[str], each: Sequence[Sequence[Candidate]]
) -> list[str]:
    """The sentences chosen for each part (its `subject`), rendered, then the comparison of the
    parts when one is asked for, from each part's sentences of the article of its best one."""
    chosen = [found for best in each for found in best]
    if not chosen:
        return [NOT_COVERED]
    answered = [
        Answered(
            subject,
            tuple((f"{c.before} {c.text}", c.n, c.day) for c in best if c.n == best[0].n),
        )
        for subject, best in zip(subjects, each, strict=True)
        if best
    ]
    compared = comparison(question, kind, answered)
    return [*_render(chosen), *([compared] if compared else [])]


def _render(chosen: Sequence[Candidate]) -> list[str]:
    """Each chosen sentence followed by its `[n]`, after the sentence it is read with unless
    that one is in the answer already; a sentence already given as another's `before` is not
    repeated."""
    given: set[str] = set()
    rendered: list[str] = []
    for candidate in chosen:
        if candidate.text in given:
            continue
        before = candidate.before if candidate.before not in given else ""
        given.update((candidate.text, before))
        rendered.append(f"{before} {candidate.text} [{candidate.n}]".lstrip())
    return rendered


@dataclass(frozen=True)
class _Reading:
    """A sentence of source `n`'s `chunk`, the sentence before it in the article (when the
    chunk before was found too), and whether it opens its chunk."""

    n: int
    chunk: RetrievedChunk
    sentence: str
    before: str
    first: bool


def _read(evidence: Sequence[Evidence]) -> Iterator[_Reading]:
    """Each article's sentences in the article's order, each once (chunks overlap), the
    articles in the order of their sources."""
    articles: dict[int, list[Evidence]] = {}
    for item in evidence:
        articles.setdefault(item.n, []).append(item)
    for n, items in articles.items():
        seen: set[str] = set()
        before, position = "", -2
        for item in sorted(items, key=lambda item: item.chunk.position):
            if item.chunk.position != position + 1:
                before = ""
            position = item.chunk.position
            for index, sentence in enumerate(split_sentences(item.chunk.text)):
                key = " ".join(sentence.lower().split())
                if key not in seen:
                    seen.add(key)
                    yield _Reading(n, item.chunk, sentence, before, index == 0)
                before = sentence


def stated(sentence: str) -> bool:
    """Whether the sentence states something: not a question (an interviewer's, say), and not
    the introduction of a list or quote ("...said:")."""
    end = sentence.rstrip("\"'”’)")
    return not (end.endswith("?") or sentence.endswith(":"))


@generators.register("extractive")
def _extractive(settings: Settings, *, embedder: Embedder) -> Generator:
    return ExtractiveGenerator(embedder, settings.max_answer_sentences)
