"""`newsrag reindex`: every stored article cleaned, chunked and embedded as `ingest` would now;
with `--vectors`, the vector index alone built again."""

from __future__ import annotations

from typing import Annotated

import typer

from newsrag.cli.common import console, services
from newsrag.cli.ingest import progress_display
from newsrag.errors import StorageError

STORED = "stored articles"


def reindex(
    vectors: Annotated[
        bool,
        typer.Option(
            "--vectors",
            help="Only build the vector index again (NEWSRAG_VECTOR_INDEX), on the chunks "
            "stored now; searches go on meanwhile.",
        ),
    ] = False,
) -> None:
    """Bring stored articles up to the current cleaning; unchanged ones stay as they are."""
    with services() as built:
        if vectors:
            index = built.vectors.build()
            if index is None:
                raise StorageError(
                    "Another process is building the vector index now: run `newsrag reindex "
                    "--vectors` again once it is done.",
                    code="index_busy",
                )
            lists = f" with {index.lists} lists" if index.lists else ""
            console.print(f"Built the {index.kind} vector index{lists}.", highlight=False)
            return
        with progress_display() as shown:
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
