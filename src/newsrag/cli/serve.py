"""`newsrag serve`: the HTTP API on NEWSRAG_HOST:NEWSRAG_PORT (default 127.0.0.1:3000)."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from newsrag.api.app import create_app
from newsrag.cli.common import services

APP_FACTORY = "newsrag.api.app:create_app"


def serve(
    host: Annotated[str | None, typer.Option(help="Overrides NEWSRAG_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides NEWSRAG_PORT.")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="Overrides NEWSRAG_WORKERS.")
    ] = None,
) -> None:
    """Serve the chat API; re-ingests NEWSRAG_SOURCES every NEWSRAG_REFRESH_MINUTES.

    With more than one worker, each worker process builds its own services (and loads the
    model) from the same settings; this process only checks them and migrates the database.
    SIGTERM (or Ctrl-C) stops accepting connections and lets the answers in flight, streams
    included, finish for up to NEWSRAG_SHUTDOWN_GRACE seconds before exiting.
    """
    with services() as built:
        settings = built.settings
        count = workers or settings.workers
        if count == 1:
            built.embedder.embed_one("warm up")
        uvicorn.run(
            APP_FACTORY if count > 1 else create_app(settings, built),
            factory=count > 1,
            workers=count,
            host=host or settings.host,
            port=port or settings.port,
            log_level=settings.log_level.lower(),
            timeout_graceful_shutdown=settings.shutdown_grace,
            # newsrag.access logs each request instead, without the path's session id.
            access_log=False,
        )
