"""The admin API: Bearer-token authentication, background ingestion jobs over a real feed served
from a loopback server, and deleting articles with their chunks from the real PostgreSQL."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.config import configured_variables
from newsrag.ingest.jobs import STOPPED
from newsrag.services import Services, build_services
from tests.api_helpers import assert_error
from tests.conftest import FEEDS, FakeEmbedder, article, make_settings
from tests.loopback import serving

TOKEN = "adm-7f3c9e1b5d2a4f6e8c0b"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GUARDIAN_ITEMS = 55


class _Feeds(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/guardian.rss":
            body = FEEDS.joinpath("guardian.rss").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            time.sleep(1.0)
            self.wfile.write(b"not a feed")
        else:
            self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def feeds() -> Iterator[str]:
    with serving(_Feeds) as url:
        yield url


@pytest.fixture
def admin_services(
    fresh_uri: str, tmp_path: Path, fake_embedder: FakeEmbedder
) -> Iterator[Services]:
    """Services with an admin token that may fetch from the loopback feed server."""
    settings = make_settings(fresh_uri, tmp_path, admin_token=TOKEN, allow_private_urls=True)
    services = build_services(settings, embedder=fake_embedder)
    yield services
    services.close()


@pytest.fixture
def client(admin_services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=admin_services)) as test_client:
        yield test_client


def _wait_until_finished(client: TestClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/ingest/{job_id}", headers=AUTH).json()
        if body["state"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {body}")


def _count(services: Services, sql: str, *params: object) -> int:
    with services.db.connection() as conn:
        row = conn.execute(sql, params).fetchone()
    assert row is not None
    return int(row[0])


def _stored(services: Services, url: str) -> int:
    """The id of the stored article with this URL."""
    services.ingestor.ingest_articles([article(url)])
    return _count(services, "SELECT id FROM articles WHERE url = %s", url)


# --- authentication ------------------------------------------------------------------------


def test_admin_endpoints_are_disabled_without_a_configured_token(fake_services: Services) -> None:
    with TestClient(create_app(services=fake_services)) as client:
        response = client.post("/api/ingest", json={"sources": ["https://example.org/feed"]})

    assert response.status_code == 403
    assert response.json()["code"] == "admin_disabled"
    assert_error(response.json(), naming="set NEWSRAG_ADMIN_TOKEN")


def test_a_request_without_a_token_answers_401_asking_for_a_bearer_token(
    client: TestClient,
) -> None:
    response = client.post("/api/ingest", json={"sources": ["https://example.org/feed"]})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert_error(response.json(), naming="Authorization: Bearer <token>")


@pytest.mark.parametrize("header", ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer   ", TOKEN])
def test_a_malformed_authorization_header_answers_401(client: TestClient, header: str) -> None:
    response = client.delete("/api/articles/1", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_wrong_token_answers_403_without_repeating_it(client: TestClient) -> None:
    wrong = "wrong-token-0123456789"
    response = client.get(
        f"/api/ingest/{uuid.uuid4()}", headers={"Authorization": f"Bearer {wrong}"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "admin_token_wrong"
    assert wrong not in response.text


def test_the_admin_token_never_shows_in_answers_or_logs(
    client: TestClient, admin_services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    answers = [
        client.post("/api/ingest", json={"sources": ["ftp://example.org/"]}, headers=AUTH),
        client.get(f"/api/ingest/{uuid.uuid4()}", headers=AUTH),
        client.delete("/api/articles/1", headers={"Authorization": f"Bearer {TOKEN}x"}),
        client.get("/health"),
    ]

    for answer in answers:
        assert TOKEN not in answer.text
        assert TOKEN not in str(answer.headers)
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(admin_services.settings)


def test_doctor_masks_the_admin_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSRAG_ADMIN_TOKEN", TOKEN)

    assert configured_variables(tmp_path / ".env")["NEWSRAG_ADMIN_TOKEN"] == "…8c0b"


# --- ingestion jobs ------------------------------------------------------------------------


def test_ingest_answers_202_with_the_job_and_where_to_follow_it(
    client: TestClient, feeds: str
) -> None:
    url = f"{feeds}/guardian.rss"

    response = client.post("/api/ingest", json={"sources": [url, url]}, headers=AUTH)

    assert response.status_code == 202
    body = response.json()
    assert body["success"] is True
    assert response.headers["Location"] == f"/api/ingest/{body['jobId']}"
    assert body["sources"] == [url]
    assert body["state"] in ("queued", "running", "done")


def test_a_job_ingests_a_feed_and_reports_it_done(
    client: TestClient, admin_services: Services, feeds: str
) -> None:
    job_id = client.post(
        "/api/ingest", json={"sources": [f"{feeds}/guardian.rss"]}, headers=AUTH
    ).json()["jobId"]

    body = _wait_until_finished(client, job_id)

    assert body["state"] == "done"
    assert (body["sourcesDone"], body["articlesFound"], body["articlesProcessed"]) == (1, 55, 55)
    assert (body["new"], body["updated"], body["failed"]) == (GUARDIAN_ITEMS, 0, 0)
    assert body["errors"] == []
    assert body["finishedAt"] >= body["startedAt"] >= body["createdAt"]
    assert admin_services.store.stats().articles == GUARDIAN_ITEMS


def test_a_job_whose_only_source_is_refused_fails_saying_why(client: TestClient) -> None:
    url = "http://169.254.169.254/latest/meta-data/"
    job_id = client.post("/api/ingest", json={"sources": [url]}, headers=AUTH).json()["jobId"]

    body = _wait_until_finished(client, job_id)

    assert body["state"] == "failed"
    assert body["new"] == 0
    [error] = body["errors"]
    assert error.startswith(f"Cannot read {url}: 169.254.169.254 is a cloud metadata address")


@pytest.mark.parametrize(
    "source", ["/etc/passwd", "file:///etc/passwd", "ftp://example.org/feed", "example.org/feed"]
)
def test_ingest_accepts_only_http_urls_never_paths(client: TestClient, source: str) -> None:
    response = client.post("/api/ingest", json={"sources": [source]}, headers=AUTH)

    assert response.status_code == 400
    assert_error(response.json(), naming="'sources.0': must be an http:// or https:// URL")


def test_ingest_refuses_a_url_with_credentials_without_repeating_them(client: TestClient) -> None:
    response = client.post(
        "/api/ingest", json={"sources": ["https://ed:s3cr3t-pw@example.org/feed"]}, headers=AUTH
    )

    assert response.status_code == 400
    assert_error(response.json(), naming="must not hold a user name or password")
    assert "s3cr3t-pw" not in response.text


@pytest.mark.parametrize(("count", "problem"), [(0, "at least 1"), (51, "at most 50")])
def test_ingest_takes_1_to_50_sources(client: TestClient, count: int, problem: str) -> None:
    sources = [f"https://example.org/feed/{n}" for n in range(count)]

    response = client.post("/api/ingest", json={"sources": sources}, headers=AUTH)

    assert response.status_code == 400
    assert_error(response.json(), naming=problem)


def test_an_unknown_job_answers_404(client: TestClient) -> None:
    job_id = uuid.uuid4()

    response = client.get(f"/api/ingest/{job_id}", headers=AUTH)

    assert response.status_code == 404
    assert_error(response.json(), naming=str(job_id))


def test_stopping_marks_unfinished_jobs_failed(admin_services: Services, feeds: str) -> None:
    jobs = admin_services.jobs
    running = jobs.submit([f"{feeds}/slow"])
    queued = jobs.submit([f"{feeds}/guardian.rss"])

    jobs.close(timeout=0.2)

    for job_id in (running, queued):
        job = jobs.tables.get(job_id)
        assert job is not None
        assert (job.state, job.errors[-1]) == ("failed", STOPPED)


# --- deleting articles ---------------------------------------------------------------------


def test_delete_by_id_removes_the_article_and_its_chunks(
    client: TestClient, admin_services: Services
) -> None:
    doomed = _stored(admin_services, "https://example.org/doomed")
    kept = _stored(admin_services, "https://example.org/kept")
    chunks = _count(admin_services, "SELECT count(*) FROM chunks WHERE article_id = %s", doomed)

    response = client.delete(f"/api/articles/{doomed}", headers=AUTH)

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "articleId": doomed,
        "url": "https://example.org/doomed",
        "title": "Council approves budget",
        "chunksDeleted": chunks,
    }
    assert chunks > 0
    assert _count(admin_services, "SELECT count(*) FROM chunks WHERE article_id = %s", doomed) == 0
    assert _count(admin_services, "SELECT count(*) FROM articles WHERE id = %s", doomed) == 0
    assert _count(admin_services, "SELECT count(*) FROM chunks WHERE article_id = %s", kept) > 0


def test_delete_by_url_removes_the_article_and_its_chunks(
    client: TestClient, admin_services: Services
) -> None:
    doomed = _stored(admin_services, "https://example.org/doomed?id=7")

    response = client.delete(
        "/api/articles", params={"url": "https://example.org/doomed?id=7"}, headers=AUTH
    )

    assert response.status_code == 200
    assert response.json()["articleId"] == doomed
    assert _count(admin_services, "SELECT count(*) FROM chunks WHERE article_id = %s", doomed) == 0
    assert admin_services.store.stats().articles == 0


def test_deleting_an_unknown_article_answers_404(client: TestClient) -> None:
    response = client.delete("/api/articles/987654", headers=AUTH)

    assert response.status_code == 404
    assert_error(response.json(), naming="No article with id 987654")
