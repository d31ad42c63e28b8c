"""The FastAPI application: routes, the chat page, CORS, error envelope, request limits and log,
services' lifetime."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from newsrag.api.errors import UnexpectedErrors, install_error_handlers
from newsrag.api.limits import BodyLimits, require_json
from newsrag.api.ratelimit import Clock, RateLimiter, RateLimits
from newsrag.api.requestlog import RequestLog
from newsrag.api.routes import admin, chat, health, metrics, page, sessions, stream
from newsrag.config import Settings, get_settings
from newsrag.refresh import Refresher
from newsrag.services import Services, build_services


def create_app(
    settings: Settings | None = None,
    services: Services | None = None,
    *,
    clock: Clock = time.time,
) -> FastAPI:
    """The app; it builds (and later closes) its services unless they are given. `clock` is the
    rate limits' (seconds)."""
    settings = settings or (services.settings if services else get_settings())
    limiter = RateLimiter.from_settings(settings, clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        built = services or build_services(settings)
        if owned:  # a worker of `newsrag serve --workers N`: ready once its model is loaded
            built.embedder.embed_one("warm up")
        refresher = Refresher(
            built.ingestor,
            built.runs,
            settings.sources,
            settings.refresh_minutes,
            retention=built.retention,
            retention_days=settings.retention_days,
        )
        app.state.services = built
        app.state.refresher = refresher
        refresher.start()
        try:
            yield
        finally:
            refresher.stop()
            await limiter.aclose()
            if owned:
                built.close()

    app = FastAPI(title="newsrag", version="0.1.0", lifespan=lifespan)
    app.add_middleware(RateLimits, limiter=limiter)
    app.add_middleware(BodyLimits)
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID", "Retry-After"],
    )
    app.add_middleware(RequestLog)
    install_error_handlers(app)
    for module in (chat, stream, sessions, health, metrics, admin):
        app.include_router(module.router, dependencies=[Depends(require_json)])
    page.install(app)
    return app
