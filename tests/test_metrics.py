"""GET /metrics: the request latency histogram, provider failures by code and ingestion counts,
in Prometheus's text format. The metrics are the process's own, so each test compares before
and after."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from newsrag.api.app import create_app
from newsrag.errors import ProviderTimeout
from newsrag.generation import Generator
from newsrag.generation.fallback import Fallback
from newsrag.retrieval import Evidence
from newsrag.services import Services
from tests.conftest import wikinews_rows, write_jsonl


class Answering(Generator):
    model = "test:answering"

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        return "An answer."


class TimingOut(Generator):
    model = "test:timing-out"

    def generate(self, question: str, evidence: Sequence[Evidence]) -> str:
        raise ProviderTimeout("The test provider did not answer within 1 s.")


@pytest.fixture
def client(fake_services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=fake_services)) as test_client:
        yield test_client


def sample(client: TestClient, name: str, **labels: str) -> float:
    """The value of the sample `name` with `labels` in /metrics, 0 when there is none yet."""
    response = client.get("/metrics")
    assert response.status_code == 200
    for family in text_string_to_metric_families(response.text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return found.value
    return 0.0


def test_metrics_hold_the_latency_of_a_chat_request_by_route_method_and_status_class(
    client: TestClient,
) -> None:
    labels = {"route": "/api/chat", "method": "POST", "status": "2xx"}
    before = sample(client, "newsrag_request_duration_seconds_count", **labels)

    answer = client.post("/api/chat", json={"sessionId": "metrics-1", "message": "Any news?"})
    response = client.get("/metrics")

    assert answer.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert "# TYPE newsrag_request_duration_seconds histogram" in response.text
    after = sample(client, "newsrag_request_duration_seconds_count", **labels)
    assert after == before + 1
    assert sample(client, "newsrag_request_duration_seconds_sum", **labels) > 0


def test_a_generator_failure_counts_as_a_provider_error_with_its_code(
    client: TestClient,
) -> None:
    labels = {"kind": "generator", "code": "provider_timeout"}
    before = sample(client, "newsrag_provider_errors_total", **labels)
    drafting = Fallback(TimingOut(), Answering()).drafting()

    answer = "".join(drafting.stream("Any news?", []))

    assert answer == "An answer."
    assert sample(client, "newsrag_provider_errors_total", **labels) == before + 1


def test_ingestion_counts_articles_by_outcome_and_chunks(
    client: TestClient, fake_services: Services, tmp_path: Path
) -> None:
    names = ("new", "updated", "unchanged", "failed")
    source = str(write_jsonl(tmp_path / "news.jsonl", wikinews_rows(3)))
    before = {o: sample(client, "newsrag_ingest_articles_total", outcome=o) for o in names}
    chunks_before = sample(client, "newsrag_ingest_chunks_total")

    [first] = fake_services.ingestor.ingest_sources([source])
    [again] = fake_services.ingestor.ingest_sources([source])

    counted = {
        o: sample(client, "newsrag_ingest_articles_total", outcome=o) - before[o] for o in names
    }
    assert counted == {"new": 3, "updated": 0, "unchanged": 3, "failed": 0}
    assert first.report.chunks > 0
    assert sample(client, "newsrag_ingest_chunks_total") - chunks_before == first.report.chunks
    assert again.report.unchanged == 3
