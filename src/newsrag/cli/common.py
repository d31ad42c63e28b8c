"""What the subcommands share: building the services and reporting newsrag's errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from newsrag.config import get_settings
from newsrag.errors import NewsragError
from newsrag.services import Services, build_services

# soft_wrap: lines are left for the terminal to wrap, so URLs and error sentences stay whole
# when the output is piped or copied.
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


@contextmanager
def services() -> Iterator[Services]:
    """Services for one command; a newsrag error ends the command with its sentence, exit 1."""
    with reported():
        built = build_services(get_settings())
        try:
            yield built
        finally:
            built.close()


@contextmanager
def reported() -> Iterator[None]:
    try:
        yield
    except NewsragError as exc:
        report(exc)
        raise typer.Exit(1) from exc


def report(exc: NewsragError) -> None:
    """The error's one line on stderr: `error (<code>): <sentence>`."""
    errors.print(f"[bold red]error[/] ({exc.code}): {escape(exc.message)}", highlight=False)
