"""Fuzzing every operation of the OpenAPI schema with schemathesis against the real app (real
PostgreSQL, fake embedder, extractive generator): no request may get a 5xx answer. Then the
operations that call a provider, against an app whose embedding provider fails in each way: no
5xx but a 503 that says what failed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from huggingface_hub import InferenceClient
from huggingface_hub.errors import OfflineModeIsEnabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.schemas import OpenApiSchema

from newsrag.api.app import create_app
from newsrag.services import build_services
from tests.conftest import FakeEmbedder, make_settings, scratch_database, wikinews_rows, write_jsonl
from tests.provider_helpers import MODEL, remote_values
from tests.provider_server import (
    ProviderServer,
    Reply,
    bad_gateway,
    forbidden,
    loading,
    not_found,
    rate_limited,
    retired,
    server_error,
    slow,
    unauthorized,
    wrong_dimension,
    wrong_shape,
)

# The same examples every run (CI stays reproducible); NEWSRAG_FUZZ_RANDOM=1 draws new ones and
# NEWSRAG_FUZZ_EXAMPLES=500 fuzzes deeper.
EXAMPLES = int(os.environ.get("NEWSRAG_FUZZ_EXAMPLES", "25"))
RANDOM = os.environ.get("NEWSRAG_FUZZ_RANDOM") == "1"
# Per operation and way of failing, with a failing provider.
FAILING_EXAMPLES = max(1, EXAMPLES // 3)

TOKEN = "fuzz-3b8e1d7c5a9f2e4b6d0c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def fuzz_uri(embedded_uri: str) -> Iterator[str]:
    with scratch_database(embedded_uri, "fuzz") as uri:
        yield uri


@pytest.fixture(scope="module")
def api_schema(fuzz_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenApiSchema]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    services = build_services(
        make_settings(fuzz_uri, folder, admin_token=TOKEN), embedder=FakeEmbedder()
    )
    services.ingestor.ingest_sources([str(write_jsonl(folder / "news.jsonl", wikinews_rows(10)))])
    app = create_app(services=services)
    with TestClient(app):  # runs the lifespan: the app's services and refresher
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    services.close()


# Every operation the schema lists, read from an app that is never started.
OPERATIONS = [
    (method.upper(), path)
    for path, methods in create_app(make_settings("postgresql://unused", Path(".")))
    .openapi()["paths"]
    .items()
    for method in methods
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_operation_answers_a_server_error(
    api_schema: OpenApiSchema, method: str, path: str
) -> None:
    fuzz(api_schema, method, path, EXAMPLES, not_a_server_error)


# --- the same, with a provider that fails --------------------------------------------------------

# Each way the embedding provider fails: an answer of the loopback server, or an exception raised
# where huggingface_hub is called (HF_HUB_OFFLINE's, and one no diagnosis knows).
REPLIES: dict[str, Reply] = {
    "401": unauthorized(),
    "403": forbidden(),
    "404": not_found(MODEL),
    "410": retired(),
    "429": rate_limited(1),
    "503-loading": loading(),
    "500": server_error(),
    "502-html": bad_gateway(),
    "wrong-shape": wrong_shape(),
    "wrong-dimension": wrong_dimension(),
    "timeout": slow(1.0),
}
RAISED: dict[str, Exception] = {
    "hf-hub-offline": OfflineModeIsEnabled("offline mode is enabled"),
    "unknown-exception": RuntimeError("something no diagnosis names"),
}
PROVIDER_OPERATIONS = [("POST", "/api/chat"), ("POST", "/api/chat/stream"), ("GET", "/health")]


def no_server_error_but_a_provider_sentence(ctx: Any, response: Any, case: Case) -> None:
    """No 5xx but 503, and a 503 or a stream's error event says what failed in a sentence."""
    status = response.status_code
    assert status < 500 or status == 503, f"{case.operation.label} answered {status}"
    assert "internal_error" not in response.text, response.text
    if status == 503 and case.path != "/health":
        body = response.json()
        assert body["error"].endswith("."), body


@pytest.fixture(scope="module")
def failing_server() -> Iterator[ProviderServer]:
    with ProviderServer() as server:
        yield server


@pytest.fixture(scope="module")
def failing_schema(
    fuzz_uri: str,
    api_schema: OpenApiSchema,
    failing_server: ProviderServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[OpenApiSchema]:
    """The app with the `hf` embedder aimed at `failing_server`, no fallback and no retries, on
    the news `api_schema`'s app ingested."""
    settings = make_settings(
        fuzz_uri,
        tmp_path_factory.mktemp("fuzz-failing"),
        **remote_values("hf", failing_server.url),
        embedding_fallback="none",
        provider_retries=0,
        provider_timeout=0.5,
    )
    services = build_services(settings)
    app = create_app(services=services)
    with TestClient(app):
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    services.close()


def fuzz(schema: OpenApiSchema, method: str, path: str, examples: int, check: Any) -> None:
    operation = schema[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=examples,
        derandomize=not RANDOM,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers(case: Case) -> None:
        case.call_and_validate(headers=AUTH, checks=[check])

    answers()


@pytest.mark.parametrize(("method", "path"), PROVIDER_OPERATIONS)
@pytest.mark.parametrize("failure", [*REPLIES, *RAISED])
def test_no_operation_answers_a_server_error_but_503_when_the_provider_fails(
    failing_schema: OpenApiSchema,
    failing_server: ProviderServer,
    monkeypatch: pytest.MonkeyPatch,
    failure: str,
    method: str,
    path: str,
) -> None:
    failing_server.always(REPLIES.get(failure))
    if failure in RAISED:

        def fail(*args: object, **kwargs: object) -> None:
            raise RAISED[failure]

        monkeypatch.setattr(InferenceClient, "feature_extraction", fail)

    fuzz(failing_schema, method, path, FAILING_EXAMPLES, no_server_error_but_a_provider_sentence)
