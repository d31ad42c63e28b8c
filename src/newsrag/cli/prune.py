"""`newsrag prune --older-than 365d`: delete the articles published before then, with their
chunks, and the vectors cached before then."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from newsrag.cli.common import console, reported, services
from newsrag.retention import BATCH, Pruned, parse_age


def prune(
    older_than: Annotated[
        str, typer.Option("--older-than", help="An age: 365d, 52w, 1y (days, weeks, years).")
    ],
    batch: Annotated[
        int, typer.Option(min=1, max=100_000, help="Articles deleted per transaction.")
    ] = BATCH,
) -> None:
    """Delete articles published more than --older-than ago, a batch per short transaction."""
    with reported():
        before = datetime.now(UTC) - parse_age(older_than)

    def shown(done: Pruned) -> None:
        console.print(
            f"{done.articles} articles, {done.chunks} chunks, {done.cached} cached vectors "
            "deleted so far",
            markup=False,
            highlight=False,
        )

    with services() as built:
        done = built.retention.prune(before, batch=batch, on_batch=shown)
        stats = built.store.stats()
    console.print(
        f"Pruned {done.articles} articles ({done.chunks} chunks) published before "
        f"{before:%Y-%m-%d %H:%M} UTC, and {done.cached} cached vectors; the store holds "
        f"{stats.articles} articles, {stats.chunks} chunks.",
        markup=False,
        highlight=False,
    )
