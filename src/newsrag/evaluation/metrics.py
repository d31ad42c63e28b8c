"""Retrieval metrics at article level, as the MultiHop-RAG benchmark defines them
(github.com/yixuantt/MultiHop-RAG, retrieval_evaluate.py), computed on article URLs:

- Hits@k: 1 when a gold article is among the first k retrieved, else 0.
- MRR@10: 1 / the rank of the first gold article within the first 10, else 0.
- MAP@10: the sum, over gold articles found within the first 10, of 1 / their rank, divided by
  min(number of gold articles, 10).

Questions without gold articles (the unanswerable ones) have no retrieval metrics.
"""

from __future__ import annotations

from collections.abc import Sequence


def hits(retrieved: Sequence[str], gold: Sequence[str], k: int) -> float:
    return float(any(item in gold for item in retrieved[:k]))


def reciprocal_rank(retrieved: Sequence[str], gold: Sequence[str], k: int = 10) -> float:
    for rank, item in enumerate(retrieved[:k], start=1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def average_precision(retrieved: Sequence[str], gold: Sequence[str], k: int = 10) -> float:
    if not gold:
        return 0.0
    found: set[str] = set()
    total = 0.0
    for rank, item in enumerate(retrieved[:k], start=1):
        if item in gold and item not in found:
            found.add(item)
            total += 1.0 / rank
    return total / min(len(gold), k)


def answer_correct(answer: str, covered: bool, must_contain_any: Sequence[str]) -> bool:
    """An answer is correct when it contains any of the strings (case-insensitive); with no
    strings, the right answer is the refusal (not covered)."""
    if not must_contain_any:
        return not covered
    lowered = answer.lower()
    return covered and any(text.lower() in lowered for text in must_contain_any)
