"""What the language-model generator tests share: a loopback chat server per module, generators
aimed at it, numbered evidence about Firefox, and ways to catch what a stream raises."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from newsrag.config import Settings
from newsrag.errors import (
    ProviderError,
)
from newsrag.generation import generators
from newsrag.generation.llm import ChatModelGenerator
from newsrag.models import Message, RetrievedChunk
from newsrag.retrieval import Evidence
from tests.chat_server import ChatServer
from tests.provider_helpers import HF_MASKED, HF_TOKEN, OPENAI_KEY, OPENAI_MASKED

KINDS = ["openai", "hf"]
MODEL = "test-org/news-chat-7b"
OFFLINE = "NEWSRAG_GENERATOR=extractive"
TOKEN_SETTING = {"openai": "OPENAI_API_KEY", "hf": "HF_TOKEN"}
MASKED = {"openai": OPENAI_MASKED, "hf": HF_MASKED}
ENDPOINT_SETTING = {"openai": "NEWSRAG_OPENAI_BASE_URL", "hf": "NEWSRAG_HF_ENDPOINT"}
TOKEN_ENV = ("HF_TOKEN", "HUGGINGFACE_API_KEY", "NEWSRAG_HF_TOKEN")
KEY_ENV = ("OPENAI_API_KEY", "NEWSRAG_OPENAI_API_KEY")
QUESTION = "When was Firefox 1.0 released?"


def evidence_item(n: int, title: str, text: str, outlet: str, day: str) -> Evidence:
    published = datetime.fromisoformat(day).replace(tzinfo=UTC)
    chunk = RetrievedChunk(n, n, 0, text, 0.9, f"https://example.org/{n}", title, outlet, published)
    return Evidence(n, chunk)


FIREFOX = "Mozilla released version 1.0 of its Firefox web browser on Tuesday."
BROWSERS = "Internet Explorer lost market share for the first time in years."
EVIDENCE = [
    evidence_item(1, "Mozilla releases Firefox 1.0", FIREFOX, "Wikinews", "2004-11-09"),
    evidence_item(2, "Browser market shifts", BROWSERS, "Example Times", "2004-12-01"),
]
DEFAULT_ANSWER = "The news reports on Mozilla releases Firefox 1.0. [1]"


@pytest.fixture(scope="module")
def shared_server() -> Iterator[ChatServer]:
    # One server for the module: stopping one waits out serve_forever's 0.5 s poll.
    with ChatServer() as server:
        yield server


@pytest.fixture(name="server")
def server_fixture(shared_server: ChatServer) -> Iterator[ChatServer]:
    """The module's server with no recorded requests and no queued replies."""
    shared_server.requests.clear()
    yield shared_server
    with shared_server._lock:
        shared_server._queue.clear()


def generator(kind: str, url: str, **overrides: object) -> ChatModelGenerator:
    values: dict[str, object] = {
        "generator": kind,
        "openai_base_url": url + "/v1",
        "openai_api_key": OPENAI_KEY,
        "hf_endpoint": url,
        "hf_token": HF_TOKEN,
        "llm_model": MODEL,
        **overrides,
    }
    settings = Settings(_env_file=None, **values)  # type: ignore[arg-type, call-arg]
    made = generators.create(kind, settings)
    assert isinstance(made, ChatModelGenerator)
    return made


def failure(made: ChatModelGenerator) -> ProviderError:
    """The error the answer's stream raises; its message never holds a token in full."""
    with pytest.raises(ProviderError) as caught:
        list(made.stream(QUESTION, EVIDENCE))
    message = str(caught.value)
    for secret in (HF_TOKEN, OPENAI_KEY):
        assert secret not in message
        assert secret[3:20] not in message
    return caught.value


def pieces_then_error(made: ChatModelGenerator) -> tuple[list[str], ProviderError]:
    """The pieces streamed before the stream raised, and what it raised."""
    pieces: list[str] = []
    with pytest.raises(ProviderError) as caught:
        for piece in made.stream(QUESTION, EVIDENCE):
            pieces.append(piece)
    return pieces, caught.value


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*TOKEN_ENV, *KEY_ENV):
        monkeypatch.delenv(name, raising=False)


def history() -> list[Message]:
    now = datetime.now(UTC)
    return [
        Message("user", "Who resigned as chief executive of Mozilla?", now),
        Message("assistant", "Brendan Eich resigned as chief executive of Mozilla. [1]", now),
    ]


# --- streaming ---------------------------------------------------------------------------------
