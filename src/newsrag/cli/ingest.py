"""`newsrag ingest SOURCE...`: JSONL files, RSS/Atom feeds (files or URLs), article URLs."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from newsrag.cli.common import console, errors, services
from newsrag.ingest.pipeline import Problem, SourceOutcome

Write = Callable[[str], None]

READING = "reading sources"


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
    problems = ProblemLines(_plain(errors, style="yellow"))
    outcomes: list[SourceOutcome] = []
    with services() as built, progress_display() as shown:
        for source in sources or built.settings.sources:
            [outcome] = built.ingestor.ingest_sources(
                [source],
                on_articles=shown.start,
                progress=shown.advance,
                on_problem=problems.add,
            )
            problems.end(source)
            shown.finish()
            outcomes.append(outcome)
    console.print(_summary(outcomes))
    if strict and any(o.error or o.report.failed for o in outcomes):
        raise typer.Exit(1)


class ProgressLines:
    """Ingest progress as plain lines, for output that is not a terminal: one when a source
    starts, then one every `every` articles or `seconds` seconds, whichever comes first, and
    one when the source is done."""

    def __init__(
        self,
        write: Write,
        *,
        every: int = 100,
        seconds: float = 10,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.write = write
        self.every = every
        self.seconds = seconds
        self.clock = clock
        self._source = ""
        self._total = 0
        self._done = 0
        self._started = 0.0
        self._shown_done = 0
        self._shown_at = 0.0

    def start(self, source: str, total: int) -> None:
        self._source = _short(source)
        self._total = total
        self._done = self._shown_done = 0
        self._started = self._shown_at = self.clock()
        self.write(f"{self._source}: ingesting {total} articles")

    def advance(self, count: int) -> None:
        self._done += count
        now = self.clock()
        due = self._done - self._shown_done >= self.every or now - self._shown_at >= self.seconds
        if due and self._done < self._total:
            self._shown_done, self._shown_at = self._done, now
            self.write(self._line(now))

    def finish(self) -> None:
        """The closing line of the source started last; none for a source that was skipped."""
        if not self._source:
            return
        elapsed = self.clock() - self._started
        self.write(f"{self._source}: done, {self._total} articles in {elapsed:.0f} s")
        self._source = ""

    def _line(self, now: float) -> str:
        line = f"{self._source}: {self._done}/{self._total} articles"
        line += f" ({100 * self._done // self._total}%)"
        elapsed = now - self._started
        if elapsed <= 0 or not self._done:
            return line
        rate = self._done / elapsed
        return f"{line}, {rate:.1f} articles/s, ETA {(self._total - self._done) / rate:.0f} s"


class ProblemLines:
    """One line per skipped source and per skipped item, the first `most` items of each source;
    `end` counts the rest of that source's items in one more line."""

    def __init__(self, write: Write, most: int = 10) -> None:
        self.write = write
        self.most = most
        self._shown: Counter[str] = Counter()
        self._hidden: Counter[str] = Counter()

    def add(self, problem: Problem) -> None:
        if not problem.item:
            self.write(problem.message)
        elif self._shown[problem.source] < self.most:
            self._shown[problem.source] += 1
            self.write(f"{_short(problem.source)}: {problem.message}")
        else:
            self._hidden[problem.source] += 1

    def end(self, source: str) -> None:
        hidden = self._hidden.pop(source, 0)
        self._shown.pop(source, None)
        if hidden:
            self.write(f"{_short(source)}: {hidden} more skipped items")


class _Bar:
    """The progress bar shown in a terminal, one source at a time."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task(READING, total=None)

    def start(self, source: str, total: int) -> None:
        self.progress.reset(self.task, total=total, description=_short(source))

    def advance(self, count: int) -> None:
        self.progress.advance(self.task, count)

    def finish(self) -> None:
        """Back to an open-ended "reading" task while the next source is read."""
        self.progress.remove_task(self.task)
        self.task = self.progress.add_task(READING, total=None)


@contextmanager
def progress_display() -> Iterator[ProgressLines | _Bar]:
    """A progress bar in a terminal; plain lines otherwise (a log, CI, a container)."""
    if not console.is_terminal:
        yield ProgressLines(_plain(console))
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        yield _Bar(progress)


def _plain(out: Console, style: str | None = None) -> Write:
    """Prints a line as it is: news text and URLs may hold square brackets."""
    return lambda line: out.print(line, markup=False, highlight=False, style=style)


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
