"""`newsrag ingest SOURCE...`: JSONL files, RSS/Atom feeds (files or URLs), article URLs."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsrag.cli.common import console, services
from newsrag.ingest.pipeline import SourceOutcome


def ingest(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Paths or URLs; NEWSRAG_SOURCES when none are given."),
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="Exit with 1 when any source or item could not be ingested.")
    ] = False,
) -> None:
    """Add news to the index; re-ingesting unchanged articles adds nothing."""
    with services() as built:
        chosen = sources or built.settings.sources
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("reading sources", total=None)

            def on_articles(source: str, count: int) -> None:
                progress.reset(task, total=count, description=_short(source))

            outcomes = built.ingestor.ingest_sources(
                chosen,
                on_articles=on_articles,
                progress=lambda n: progress.advance(task, n),
            )
    console.print(_summary(outcomes))
    if strict and any(o.error or o.report.failed for o in outcomes):
        raise typer.Exit(1)


def _short(source: str, width: int = 50) -> str:
    return source if len(source) <= width else "…" + source[-(width - 1) :]


def _summary(outcomes: list[SourceOutcome]) -> Table:
    table = Table(title="Ingested")
    for column in ("source", "new", "updated", "unchanged", "failed", "chunks", "note"):
        table.add_column(column, justify="right" if column not in ("source", "note") else "left")
    for outcome in outcomes:
        r = outcome.report
        note = outcome.error or "; ".join(r.errors[:3])
        table.add_row(
            _short(outcome.source),
            str(r.new),
            str(r.updated),
            str(r.unchanged),
            str(r.failed),
            str(r.chunks),
            note,
        )
    return table
