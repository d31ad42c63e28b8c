"""Fuzzing every operation of the OpenAPI schema with schemathesis against the real app (real
PostgreSQL, fake embedder, extractive generator): no request may get a 5xx answer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.schemas import OpenApiSchema

from newsrag.api.app import create_app
from newsrag.services import build_services
from tests.conftest import FakeEmbedder, make_settings, scratch_database, wikinews_rows, write_jsonl

# The same examples every run (CI stays reproducible); NEWSRAG_FUZZ_RANDOM=1 draws new ones and
# NEWSRAG_FUZZ_EXAMPLES=500 fuzzes deeper.
EXAMPLES = int(os.environ.get("NEWSRAG_FUZZ_EXAMPLES", "25"))
RANDOM = os.environ.get("NEWSRAG_FUZZ_RANDOM") == "1"

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
    operation = api_schema[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        derandomize=not RANDOM,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_without_server_error(case: Case) -> None:
        case.call_and_validate(headers=AUTH, checks=[not_a_server_error])

    answers_without_server_error()
