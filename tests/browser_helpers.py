"""Helpers for the browser tests: Debian's Chromium driven by Playwright, the app on a real
uvicorn server, a plain page served from another origin, and generators for the scenarios."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Locator, Page, Playwright, ViewportSize

from newsrag.errors import ProviderError
from newsrag.generation import Generator
from newsrag.models import Message
from newsrag.retrieval import Evidence
from tests.loopback import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 360, "height": 740}
PROVIDER_DOWN = "Provider down: set NEWSRAG_GENERATOR=extractive."


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium; a clear failure (never a skip) when it is not installed."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}: run `bash scripts/ensure-chromium.sh`"
            " (it installs Debian's chromium package).",
            pytrace=False,
        )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


@contextmanager
def serve_app(app: FastAPI) -> Iterator[str]:
    """The app on a real uvicorn server on a free loopback port, in a thread; yields its URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def serve_html(html: str) -> Iterator[str]:
    """`html` at / of a plain http.server on another loopback port (another origin)."""
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output quiet

    with serving(Handler) as url:
        yield url


class PacedGenerator(Generator):
    """Another generator's answer, streamed with a pause before each piece, as a remote model
    would: long enough for the page to be seen showing a partial answer."""

    def __init__(self, inner: Generator, pause: float) -> None:
        self.inner = inner
        self.pause = pause
        self.model = inner.model

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        return self.inner.generate(question, evidence)

    def stream(
        self, question: str, evidence: Sequence[Evidence], *, message: str = ""
    ) -> Iterator[str]:
        for piece in self.inner.stream(question, evidence):
            time.sleep(self.pause)
            yield piece

    def standalone(self, question: str, history: Sequence[Message]) -> str:
        return self.inner.standalone(question, history)


class BrokenGenerator(Generator):
    """A provider that is down."""

    model = "broken"

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        raise ProviderError(PROVIDER_DOWN)


def last_answer(page: Page) -> Locator:
    """The newest assistant message once it is complete (its `done` event rendered)."""
    answer = page.locator(".msg.assistant").last
    answer.and_(page.locator("[data-state=done]")).wait_for(timeout=20_000)
    return answer


def no_horizontal_scroll(page: Page) -> bool:
    fits: bool = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    return fits
