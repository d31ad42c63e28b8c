"""`newsrag reindex`: every stored article cleaned, chunked and embedded as `ingest` would now."""

from __future__ import annotations

from newsrag.cli.common import console, services
from newsrag.cli.ingest import progress_display

STORED = "stored articles"


def reindex() -> None:
    """Bring stored articles up to the current cleaning; unchanged ones stay as they are."""
    with services() as built, progress_display() as shown:
        report = built.ingestor.reindex(
            on_total=lambda total: shown.start(STORED, total), progress=shown.advance
        )
        shown.finish()
    console.print(
        f"Reindexed: {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.failed} failed, {report.chunks} chunks written.",
        markup=False,
        highlight=False,
    )
