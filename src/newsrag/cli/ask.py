"""`newsrag ask "question"`: the answer and its numbered sources in the terminal."""

from __future__ import annotations

from typing import Annotated

import typer

from newsrag.cli.common import console, services


def ask(question: Annotated[str, typer.Argument(help="A question about the news.")]) -> None:
    """Answer a question from the ingested news."""
    with services() as built:
        answer = built.chat.ask(question)
    if answer.notice:
        console.print(answer.notice, style="yellow", markup=False, highlight=False)
    # News text is printed as is: "[music]" in a quote is not rich markup.
    console.print(answer.text, markup=False, highlight=False)
    if answer.sources:
        console.print()
    for source in answer.sources:
        date = f"{source.published_at:%Y-%m-%d}" if source.published_at else "undated"
        outlet = f"{source.source}, " if source.source else ""
        line = f"[{source.n}] {source.title} ({outlet}{date})"
        console.print(line, markup=False, highlight=False)
        console.print(f"    {source.url}", style="dim", markup=False, highlight=False)
