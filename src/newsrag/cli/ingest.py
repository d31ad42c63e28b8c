"""`newsrag ingest SOURCE...`: JSONL files, RSS/Atom feeds (files or URLs), article URLs."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

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
    for line in _problems(outcomes):
        console.print(line, markup=False, highlight=False, style="yellow")
    if strict and any(o.error or o.report.failed for o in outcomes):
        raise typer.Exit(1)


def _short(source: str, width: int = 50) -> str:
    return source if len(source) <= width else "…" + source[-(width - 1) :]


def _summary(outcomes: list[SourceOutcome]) -> Table:
    table = Table(title="Ingested")
    table.add_column("source")
    for column in ("new", "updated", "unchanged", "failed", "chunks"):
        table.add_column(column, justify="right")
    for outcome in outcomes:
        r = outcome.report
        counts = (r.new, r.updated, r.unchanged, r.failed, r.chunks)
        source = "skipped: " + outcome.source if outcome.error else outcome.source
        table.add_row(Text(_short(source)), *(str(n) for n in counts))
    return table


def _problems(outcomes: list[SourceOutcome], most: int = 10) -> list[str]:
    """One line per skipped source and per skipped item (the first `most` of each source)."""
    lines = []
    for outcome in outcomes:
        if outcome.error:
            lines.append(outcome.error)
        lines.extend(f"{_short(outcome.source)}: {error}" for error in outcome.report.errors[:most])
        hidden = len(outcome.report.errors) - most
        if hidden > 0:
            lines.append(f"{_short(outcome.source)}: {hidden} more skipped items")
    return lines
