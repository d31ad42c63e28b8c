"""`newsrag doctor`: a table of what works, what does not, and what to do."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from newsrag.cli.common import console, errors
from newsrag.config import get_settings
from newsrag.doctor import run_checks


def doctor() -> None:
    """Check settings, database, Redis, embedding provider and generator; exit 1 if any fail."""
    checks = run_checks(get_settings())
    table = Table(title="newsrag doctor")
    for column in ("component", "state", "detail", "what to do"):
        table.add_column(column)
    for check in checks:
        state = Text("ok", style="green") if check.ok else Text("FAILED", style="bold red")
        table.add_row(check.component, state, Text(check.detail), Text(check.fix))
    console.print(table)
    failed = [check for check in checks if not check.ok]
    for check in failed:  # each whole on one line, to copy or search, beside the wrapped table
        errors.print(f"{check.component}: {check.fix or check.detail}", markup=False)
    if failed:
        raise typer.Exit(1)
