"""`newsrag serve`: the HTTP API on NEWSRAG_HOST:NEWSRAG_PORT (default 127.0.0.1:3000)."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from newsrag.api.app import create_app
from newsrag.cli.common import services


def serve(
    host: Annotated[str | None, typer.Option(help="Overrides NEWSRAG_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides NEWSRAG_PORT.")] = None,
) -> None:
    """Serve the chat API; re-ingests NEWSRAG_SOURCES every NEWSRAG_REFRESH_MINUTES."""
    with services() as built:
        built.embedder.embed_one("warm up")
        settings = built.settings
        uvicorn.run(
            create_app(settings, built),
            host=host or settings.host,
            port=port or settings.port,
            log_level=settings.log_level.lower(),
            # newsrag.access logs each request instead, without the path's session id.
            access_log=False,
        )
