"""The FastAPI application: routes, the chat page, CORS, error envelope, services' lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from newsrag.api.errors import UnexpectedErrors, install_error_handlers
from newsrag.api.routes import chat, health, page, sessions, stream
from newsrag.config import Settings, get_settings
from newsrag.refresh import Refresher
from newsrag.services import Services, build_services


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """The app; it builds (and later closes) its services unless they are given."""
    settings = settings or (services.settings if services else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        built = services or build_services(settings)
        refresher = Refresher(
            built.ingestor, built.runs, settings.sources, settings.refresh_minutes
        )
        app.state.services = built
        app.state.refresher = refresher
        refresher.start()
        try:
            yield
        finally:
            refresher.stop()
            if owned:
                built.close()

    app = FastAPI(title="newsrag", version="0.1.0", lifespan=lifespan)
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=["*"],
    )
    install_error_handlers(app)
    for module in (chat, stream, sessions, health):
        app.include_router(module.router)
    page.install(app)
    return app
