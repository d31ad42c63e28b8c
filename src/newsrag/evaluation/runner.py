"""Run evaluation questions through the same code path as `POST /api/chat` and score them."""

from __future__ import annotations

import copy
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from newsrag.chat import ChatService, utcnow
from newsrag.evaluation.metrics import answer_correct, average_precision, hits, reciprocal_rank
from newsrag.evaluation.questions import Question
from newsrag.models import Message

HITS_AT = (1, 3, 4, 10)
# A gold article among the answer's first 3 sources (the newest story for "latest X") or first 4
# (the story's article for a follow-up), as issue 16 counts them.
SOURCES_AT = (3, 4)


@dataclass(frozen=True)
class Outcome:
    """One question's result: the articles retrieved (URLs, best first), the answer, how long
    retrieval took, and the answer's sources (URLs, as the API lists them)."""

    question: Question
    retrieved: list[str]
    answer: str
    covered: bool
    correct: bool
    retrieval_seconds: float
    sources: list[str] = field(default_factory=list)


def evaluate(
    chat: ChatService,
    questions: Sequence[Question],
    k: int = 10,
    progress: Callable[[], None] = lambda: None,
) -> list[Outcome]:
    """Each question asked as `/api/chat` would answer it (after its `turns`, as of its
    `as_of`), plus its article ranking to depth `k` for the retrieval metrics."""
    ranking = copy.copy(chat)  # the same parts, fallback included; only these three differ
    ranking.top_k = k
    ranking.candidates = max(chat.candidates, 4 * k)
    ranking.min_source_ratio = 0.0
    outcomes = []
    for question in questions:
        history = conversation(chat, question)
        started = time.perf_counter()
        found = ranking.retrieve(question.question, history, as_of=question.as_of)
        seconds = time.perf_counter() - started
        answer = chat.ask(question.question, history, as_of=question.as_of)
        outcomes.append(
            Outcome(
                question,
                [source.url for source in found.sources],
                answer.text,
                answer.covered,
                answer_correct(answer.text, answer.covered, question.must_contain_any),
                seconds,
                [source.url for source in answer.sources],
            )
        )
        progress()
    return outcomes


def conversation(chat: ChatService, question: Question) -> list[Message]:
    """The history the question is asked after: each of its `turns` and the answer to it."""
    history: list[Message] = []
    for turn in question.turns:
        earlier = chat.ask(turn, history, as_of=question.as_of)
        history += [
            Message("user", turn, utcnow()),
            Message("assistant", earlier.text, utcnow(), sources=tuple(earlier.sources)),
        ]
    return history


def summarise(outcomes: Sequence[Outcome]) -> dict[str, float | int]:
    """Hits@1/4/10, MRR@10 and MAP@10 over answerable questions; accuracy over all; accuracy
    on answerable ones; refusals of unanswerable ones and false refusals of answerable ones;
    the share of answerable ones whose every gold article is among the answer's sources, and
    whose answer lists a gold article among its first 3 and 4 sources;
    retrieval latency p50/p95 in ms."""
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    summary: dict[str, float | int] = {"questions": len(outcomes)}
    for k in HITS_AT:
        summary[f"hits@{k}"] = _mean(hits(o.retrieved, o.question.gold_ids, k) for o in answerable)
    summary["mrr@10"] = _mean(reciprocal_rank(o.retrieved, o.question.gold_ids) for o in answerable)
    summary["map@10"] = _mean(
        average_precision(o.retrieved, o.question.gold_ids) for o in answerable
    )
    summary["accuracy"] = _mean(float(o.correct) for o in outcomes)
    summary["answerable_accuracy"] = _mean(float(o.correct) for o in answerable)
    summary["refusal_rate"] = _mean(float(not o.covered) for o in unanswerable)
    summary["false_refusal_rate"] = _mean(float(not o.covered) for o in answerable)
    summary["all_gold_in_sources"] = _mean(
        float(set(o.question.gold_ids) <= set(o.sources)) for o in answerable
    )
    for k in SOURCES_AT:
        summary[f"gold_in_sources@{k}"] = _mean(
            hits(o.sources, o.question.gold_ids, k) for o in answerable
        )
    latencies = sorted(o.retrieval_seconds * 1000 for o in outcomes)
    summary["retrieval_p50_ms"] = statistics.median(latencies) if latencies else 0.0
    summary["retrieval_p95_ms"] = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    return summary


def by_type(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float | int]]:
    types = sorted({o.question.type for o in outcomes})
    return {kind: summarise([o for o in outcomes if o.question.type == kind]) for kind in types}


def _mean(values: Iterable[float]) -> float:
    numbers = list(values)
    return float(statistics.fmean(numbers)) if numbers else 0.0
