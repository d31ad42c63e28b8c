"""Every exception class a provider library defines, raised at the call newsrag makes into it,
reaches the user as a sentence: a 503 from chat and stream, one line and exit 1 from the CLI,
and never a traceback (tests/provider_failures.py lists the classes and where each is raised)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import newsrag.cli.common
import newsrag.cli.doctor
from newsrag.api.app import create_app
from newsrag.cli import app as cli_app
from newsrag.config import Settings
from newsrag.errors import NewsragError, ProviderError
from newsrag.providers.boundary import boundary
from newsrag.services import Services, build_services
from tests.conftest import FakeEmbedder, make_settings, scratch_database, wikinews_rows, write_jsonl
from tests.provider_failures import (
    CASES,
    REMOTE,
    Injection,
    case_id,
    instance,
    local_generator,
)
from tests.provider_helpers import unused_url
from tests.test_stream import last, parse_events

pytestmark = pytest.mark.model

ARTICLES = wikinews_rows(6)
# Asked when the generator is the one failing: an article's own title, so the news covers it.
COVERED = str(ARTICLES[3]["title"])
# What a sentence names to fix it: a setting, a variable or a URL.
FIX = re.compile(
    r"\b(?:NEWSRAG_[A-Z_]+|HF_TOKEN|HF_HUB_OFFLINE|OPENAI_API_KEY|HTTPS_PROXY|SSL_CERT_FILE)\b"
    r"|https?://"
)
ERROR_LINE = re.compile(r"error \((?P<code>\w+)\): (?P<error>.*)")
DOCTOR_LINE = re.compile(r"embeddings \(\w+\): (?P<error>.*)")
EMBEDDER_CASES = [case for case in CASES if not case[0].generator]
GENERATOR_CASES = [case for case in CASES if case[0].generator]
Clients = Callable[[Injection], TestClient]


def assert_sentence(body: Any, exc_class: type[Exception]) -> None:
    """A provider error's envelope: one line that ends a sentence and names its fix; an
    exception newsrag has no sentence for is named by its class; no token in it."""
    assert body["success"] is False
    assert body["code"] != "internal_error"
    message = body["error"]
    assert "\n" not in message and "Traceback" not in message
    assert message.endswith("."), message
    assert FIX.search(message), message
    assert str(REMOTE["hf_token"]) not in message
    if body["code"] == "provider_error":
        assert exc_class.__name__ in message, message


def injected(monkeypatch: pytest.MonkeyPatch, injection: Injection, cls: type[Exception]) -> None:
    monkeypatch.setattr(injection.target, injection.attribute, injection.raising(instance(cls)))


def question(exc_class: type[Exception]) -> str:
    """A question no earlier test asked, so that no cached vector answers for the embedder."""
    return f"What happened in the {exc_class.__name__.lower()} affair?"


@pytest.fixture(scope="module")
def boundary_uri(embedded_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("boundary-news")
    with scratch_database(embedded_uri, "boundary") as uri:
        services = build_services(make_settings(uri, folder), embedder=FakeEmbedder())
        services.ingestor.ingest_sources([str(write_jsonl(folder / "news.jsonl", ARTICLES))])
        services.close()
        yield uri


def injection_settings(uri: str, folder: Path, injection: Injection) -> Settings:
    return make_settings(
        uri, folder, min_score=0.0, hf_hub_endpoint=unused_url(), **injection.settings
    )


def injection_services(uri: str, folder: Path, injection: Injection) -> Services:
    """Services that call the injection's library: a generator injection embeds with the fake
    embedder, so that only the generator fails."""
    settings = injection_settings(uri, folder, injection)
    embedder = FakeEmbedder() if injection.generator else None
    return build_services(settings, embedder=embedder, generator=local_generator(injection))


@pytest.fixture(scope="module")
def clients(boundary_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clients]:
    """A started app per injection, built on first use."""
    folder = tmp_path_factory.mktemp("boundary")
    built: dict[str, tuple[Services, TestClient]] = {}

    def client_for(injection: Injection) -> TestClient:
        if injection.name not in built:
            services = injection_services(boundary_uri, folder, injection)
            client = TestClient(create_app(services=services))
            client.__enter__()
            built[injection.name] = (services, client)
        return built[injection.name][1]

    yield client_for
    for services, client in built.values():
        client.__exit__(None, None, None)
        services.close()


# --- the boundary itself ---------------------------------------------------------------------


def test_an_unknown_exception_names_the_library_its_class_and_message() -> None:
    with pytest.raises(ProviderError) as raised, boundary("somelib", "set NEWSRAG_X=y."):
        raise KeyError("no 'data' in the answer")

    assert raised.value.code == "provider_error"
    assert raised.value.message == (
        "somelib failed with KeyError (\"no 'data' in the answer\"): set NEWSRAG_X=y."
    )


def test_an_unknown_exception_keeps_only_the_first_line_with_tokens_masked() -> None:
    token = "hf_" + "s" * 30 + "wxyz"
    with pytest.raises(ProviderError) as raised, boundary("lib", "fix it.", secrets=[token]):
        raise RuntimeError(f"\nrefused {token} and Bearer sk-{'k' * 20}\n  File 'x.py', line 3")

    assert raised.value.message == (
        "lib failed with RuntimeError (refused hf_…wxyz and Bearer sk-…kkkk): fix it."
    )


def test_a_newsrag_error_passes_the_boundary_unchanged() -> None:
    error = NewsragError("already a sentence.")
    with pytest.raises(NewsragError) as raised, boundary("lib", "fix."):
        raise error

    assert raised.value is error


def test_a_translator_that_trips_over_an_odd_exception_leaves_it_unknown() -> None:
    def fragile(exc: Exception) -> ProviderError | None:
        return ProviderError(exc.response.text)  # type: ignore[attr-defined]

    with pytest.raises(ProviderError) as raised, boundary("lib", "fix.", fragile):
        raise OSError("no response here")

    assert raised.value.code == "provider_error"
    assert "OSError (no response here)" in raised.value.message


def test_the_traceback_is_logged_once_at_debug_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="newsrag.providers.boundary")
    with pytest.raises(ProviderError), boundary("outer", "fix."), boundary("inner", "fix."):
        raise RuntimeError("deep down")

    records = [r for r in caplog.records if r.name == "newsrag.providers.boundary"]
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (logging.DEBUG, "inner raised RuntimeError")
    ]
    assert records[0].exc_info is not None


# --- every class, through the API --------------------------------------------------------------


@pytest.fixture
def failing(
    clients: Clients,
    monkeypatch: pytest.MonkeyPatch,
    injection: Injection,
    exc_class: type[Exception],
) -> TestClient:
    """The injection's app, its library call raising `exc_class` (both parametrized)."""
    client = clients(injection)
    injected(monkeypatch, injection, exc_class)
    return client


@pytest.mark.parametrize(("injection", "exc_class"), CASES, ids=case_id)
def test_chat_answers_each_provider_failure_with_503_and_a_sentence(
    failing: TestClient, injection: Injection, exc_class: type[Exception]
) -> None:
    message = COVERED if injection.generator else question(exc_class)

    response = failing.post("/api/chat", json={"sessionId": "boundary-chat", "message": message})

    assert response.status_code == 503, response.text
    assert_sentence(response.json(), exc_class)


@pytest.mark.parametrize(("injection", "exc_class"), EMBEDDER_CASES, ids=case_id)
def test_stream_answers_each_embedder_failure_with_503_and_a_sentence(
    failing: TestClient, injection: Injection, exc_class: type[Exception]
) -> None:

    response = failing.post(
        "/api/chat/stream", json={"sessionId": "boundary-stream", "message": question(exc_class)}
    )

    assert response.status_code == 503, response.text
    assert_sentence(response.json(), exc_class)


@pytest.mark.parametrize(("injection", "exc_class"), GENERATOR_CASES, ids=case_id)
def test_stream_ends_with_a_sentence_when_the_generator_fails(
    failing: TestClient, injection: Injection, exc_class: type[Exception]
) -> None:

    response = failing.post(
        "/api/chat/stream", json={"sessionId": "boundary-stream", "message": COVERED}
    )

    assert response.status_code == 200
    events = parse_events(response.text)
    assert events[0][0] == "sources"
    assert events[-1][0] == "error"
    assert_sentence({"success": False, **last(events, "error")}, exc_class)


# --- every embedder class, through the CLI -----------------------------------------------------


@pytest.fixture(scope="module")
def cli_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("boundary-cli")


@pytest.mark.parametrize("command", ["ingest", "ask", "doctor"])
@pytest.mark.parametrize(("injection", "exc_class"), EMBEDDER_CASES, ids=case_id)
def test_the_cli_reports_each_embedder_failure_in_one_line_and_exits_1(
    boundary_uri: str,
    cli_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    injection: Injection,
    exc_class: type[Exception],
    command: str,
) -> None:
    settings = injection_settings(boundary_uri, cli_folder, injection)
    for module in (newsrag.cli.common, newsrag.cli.doctor):
        monkeypatch.setattr(module, "get_settings", lambda: settings)
    injected(monkeypatch, injection, exc_class)
    news = cli_folder / f"{injection.name}-{exc_class.__name__}.jsonl"
    body = f"In the {news.stem} case: {ARTICLES[0]['body']}"  # new text: no cached vector
    write_jsonl(news, [{**ARTICLES[0], "url": f"https://example.org/{news.stem}", "body": body}])
    args = {"ingest": [str(news)], "ask": [question(exc_class)], "doctor": []}[command]

    result = CliRunner().invoke(cli_app, [command, *args])

    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output + result.stderr
    pattern = DOCTOR_LINE if command == "doctor" else ERROR_LINE
    found = [m.groupdict() for line in result.stderr.splitlines() if (m := pattern.fullmatch(line))]
    assert len(found) == 1, result.stderr
    assert_sentence({"success": False, "code": "", **found[0]}, exc_class)
