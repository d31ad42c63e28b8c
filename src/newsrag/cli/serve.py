"""`newsrag serve`: the HTTP API on NEWSRAG_HOST:NEWSRAG_PORT (default 127.0.0.1:3000)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import typer
import uvicorn
from uvicorn.supervisors import Multiprocess

from newsrag.api.app import create_app
from newsrag.api.listeners import worker_socket
from newsrag.cli.common import services

APP_FACTORY = "newsrag.api.app:create_app"
log = logging.getLogger(__name__)


def serve(
    host: Annotated[str | None, typer.Option(help="Overrides NEWSRAG_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides NEWSRAG_PORT.")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="Overrides NEWSRAG_WORKERS.")
    ] = None,
) -> None:
    """Serve the chat API; re-ingests NEWSRAG_SOURCES every NEWSRAG_REFRESH_MINUTES.

    The vector index is first built again when it is not the one NEWSRAG_VECTOR_INDEX asks for
    (or an IVFFlat one was trained on fewer than half of the chunks). With more than one
    worker, each worker process builds its own services (and loads the model) from the same
    settings and listens on a socket of its own (api/listeners.py); this process only checks
    them, migrates the database and watches the workers. SIGTERM (or Ctrl-C) stops accepting
    connections and lets the answers in flight, streams included, finish for up to
    NEWSRAG_SHUTDOWN_GRACE seconds before exiting.
    """
    with services() as built:
        settings = built.settings
        built.vectors.maintain()
        count = workers or settings.workers
        if count == 1:
            built.embedder.embed_one("warm up")
        options: dict[str, Any] = {
            "host": host or settings.host,
            "port": port or settings.port,
            "log_level": settings.log_level.lower(),
            "timeout_graceful_shutdown": settings.shutdown_grace,
            # newsrag.access logs each request instead, without the path's session id.
            "access_log": False,
        }
        sock = worker_socket(options["host"], options["port"]) if count > 1 else None
        if sock is None:
            app = APP_FACTORY if count > 1 else create_app(settings, built)
            uvicorn.run(app, factory=count > 1, workers=count, **options)
            return
        config = uvicorn.Config(APP_FACTORY, factory=True, workers=count, **options)
        log.info("serving on %s:%d, %d workers", options["host"], sock.getsockname()[1], count)
        Multiprocess(config, sockets=[sock]).run()
