"""`newsrag eval --questions FILE`: retrieval and answer quality on a question set, as a table
or JSON; `--compare` runs dense-only, text-only, hybrid and hybrid+time in one run."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from newsrag.cli.common import console, reported
from newsrag.config import Settings, get_settings
from newsrag.embeddings import create_embedder
from newsrag.evaluation.questions import Question, load_questions
from newsrag.evaluation.runner import by_type, evaluate, summarise
from newsrag.services import build_services

CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "dense": {"retrieval_mode": "dense", "time_awareness": False},
    "text": {"retrieval_mode": "text", "time_awareness": False},
    "hybrid": {"retrieval_mode": "hybrid", "time_awareness": False},
    "hybrid+time": {"retrieval_mode": "hybrid", "time_awareness": True},
}
COLUMNS = [
    ("hits@1", "Hits@1"),
    ("hits@4", "Hits@4"),
    ("hits@10", "Hits@10"),
    ("mrr@10", "MRR@10"),
    ("map@10", "MAP@10"),
    ("accuracy", "accuracy"),
    ("answerable_accuracy", "answerable acc."),
    ("refusal_rate", "refusals (unanswerable)"),
    ("false_refusal_rate", "false refusals"),
    ("all_gold_in_sources", "all gold in sources"),
    ("gold_in_sources@3", "gold in first 3 sources"),
    ("gold_in_sources@4", "gold in first 4 sources"),
    ("retrieval_p50_ms", "retrieval p50 ms"),
]


def evaluate_command(
    questions: Annotated[
        Path, typer.Option("--questions", help="JSONL file of questions (see eval/README.md).")
    ],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="Retrieval depth.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    compare: Annotated[
        bool, typer.Option("--compare", help="Dense, text, hybrid and hybrid+time in one run.")
    ] = False,
) -> None:
    """Score retrieval (Hits@1/4/10, MRR@10, MAP@10) and answers (accuracy, refusals)."""
    settings = get_settings()
    with reported():
        asked = load_questions(questions)
        names = list(CONFIGURATIONS) if compare else ["configured"]
        results = _run(settings, asked, names, k)
    if as_json:
        console.print_json(json.dumps(results))
        return
    for name, result in results.items():
        console.print(_table(f"{name}: {len(asked)} questions", {"all": result["all"]}))
        console.print(_table(f"{name}: by question type", result["by_type"]))


def _run(
    settings: Settings, asked: list[Question], names: list[str], k: int
) -> dict[str, dict[str, Any]]:
    embedder = create_embedder(settings)
    first = build_services(settings, embedder=embedder)
    try:
        first.embedder.embed([q.question for q in asked])  # every run finds them cached
        results = {}
        with Progress(console=console, transient=True) as progress:
            for name in names:
                update = CONFIGURATIONS.get(name, {})
                built = build_services(
                    settings.model_copy(update=update),
                    db=first.db,
                    embedder=embedder,
                    generator=first.generator,
                )
                task = progress.add_task(name, total=len(asked))
                outcomes = evaluate(built.chat, asked, k, functools.partial(progress.advance, task))
                built.client.close()
                results[name] = {"all": summarise(outcomes), "by_type": by_type(outcomes)}
        return results
    finally:
        first.close()


def _table(title: str, rows: dict[str, dict[str, float | int]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("")
    table.add_column("n", justify="right")
    for _, header in COLUMNS:
        table.add_column(header, justify="right")
    for name, summary in rows.items():
        cells = [
            f"{summary[key]:.0f}" if key.endswith("ms") else f"{summary[key]:.2f}"
            for key, _ in COLUMNS
        ]
        table.add_row(name, str(summary["questions"]), *cells)
    return table
