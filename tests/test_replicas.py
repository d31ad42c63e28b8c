"""Searches on read replicas (NEWSRAG_DATABASE_READ_URLS): a real primary and a hot standby built
from it with `pg_basebackup -R` (the embedded PostgreSQL's binaries, loopback only). What is
ingested on the primary is found through the standby; a standby that stops fails no search (the
primary answers, /health says so) and gets the searches back once it answers again."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.errors import ConfigurationError
from newsrag.retrieval.search import SearchRequest
from newsrag.services import Services, build_services
from newsrag.store.replicas import open_replicas
from tests.conftest import FakeEmbedder, article, make_settings
from tests.db_helpers import write

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from faultlib import LocalPostgres, LocalStandby

DEAD = "postgresql://postgres@127.0.0.1:1/newsrag"  # nothing listens on port 1
HARBOUR = "https://example.org/harbour"


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[LocalPostgres, LocalStandby]]:
    root = Path(tempfile.mkdtemp(prefix="newsrag-replicas-"))
    root.chmod(0o755)
    primary = LocalPostgres(root / "primary")
    standby = LocalStandby(root / "standby", primary)
    try:
        primary.init()
        standby.init()
        yield primary, standby
    finally:
        standby.close()
        primary.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def services(
    pair: tuple[LocalPostgres, LocalStandby], tmp_path: Path
) -> Iterator[tuple[Services, FakeEmbedder]]:
    primary, standby = pair
    embedder = FakeEmbedder()
    settings = make_settings(primary.uri, tmp_path, database_read_urls=[standby.uri])
    built = build_services(settings, embedder=embedder)
    if built.store.stats().articles == 0:
        story = article(HARBOUR, title="Harbour foghorn restored")
        write(built.store, embedder, story, ["The harbour foghorn was restored on Tuesday."])
    assert standby.replayed()
    yield built, embedder
    built.close()


def search(built: Services) -> list[str]:
    chunks = built.chat.retriever.search(SearchRequest("harbour foghorn restored", 10))
    return [chunk.url for chunk in chunks]


def health(built: Services) -> dict[str, object]:
    with TestClient(create_app(services=built)) as client:
        body: dict[str, object] = client.get("/health").json()
    return body


def test_an_article_ingested_on_the_primary_is_found_through_the_standby(
    pair: tuple[LocalPostgres, LocalStandby], services: tuple[Services, FakeEmbedder]
) -> None:
    _, standby = pair
    built, _ = services
    before = standby.transactions()

    found = search(built)

    assert found == [HARBOUR]
    assert standby.transactions() > before
    database = health(built)["database"]
    assert isinstance(database, dict)
    assert database["reads"] == "replicas"
    assert database["replicas"][0]["state"] == "ok"
    assert database["replicas"][0]["lagSeconds"] is not None


def test_a_stopped_standby_fails_no_search_and_gets_them_back_when_it_answers(
    pair: tuple[LocalPostgres, LocalStandby], services: tuple[Services, FakeEmbedder]
) -> None:
    _, standby = pair
    built, _ = services
    routing = built.replicas
    assert routing is not None
    standby.stop()
    try:
        while_down = search(built)
        body = health(built)
    finally:
        standby.start()
    assert standby.replayed()
    later = time.monotonic() + 60  # past the standby's backoff
    routing.clock = lambda: later
    before = standby.transactions()

    back = search(built)

    assert while_down == [HARBOUR]
    assert body["status"] == "degraded"
    database = body["database"]
    assert isinstance(database, dict)
    assert database["reads"] == "primary"
    assert database["replicas"][0]["state"] == "down"
    assert back == [HARBOUR]
    assert standby.transactions() > before


def test_a_replica_that_does_not_answer_is_skipped_for_longer_after_each_failure(
    pair: tuple[LocalPostgres, LocalStandby], tmp_path: Path
) -> None:
    primary, _ = pair
    now = [1000.0]
    settings = make_settings(primary.uri, tmp_path, database_read_urls=[DEAD])
    built = build_services(settings, embedder=FakeEmbedder())
    routing = built.replicas
    assert routing is not None
    routing.clock = lambda: now[0]
    try:
        first = routing.read(lambda conn: conn.execute("SELECT 1").fetchone())
        skipped = routing.states()[0]
        now[0] += 1.5
        second = routing.read(lambda conn: conn.execute("SELECT 2").fetchone())
        longer = routing.states()[0]
        found = search(built)
    finally:
        built.close()

    assert (first, second) == ((1,), (2,))  # answered by the primary
    assert (skipped.state, skipped.retry_in_seconds) == ("down", 1.0)
    assert (longer.state, longer.retry_in_seconds) == ("down", 2.0)
    assert "not answering" in (longer.error or "")
    assert found == [HARBOUR]


def test_a_read_url_that_is_not_a_postgresql_url_names_the_setting() -> None:
    with pytest.raises(ConfigurationError, match="NEWSRAG_DATABASE_READ_URLS") as caught:
        open_replicas(["mysql://root:secret@db/newsrag"])

    assert "secret" not in caught.value.message


@pytest.mark.model
def test_the_replica_script_passes_in_short() -> None:
    """scripts/replica_check.py, small: two API processes on the standby, stopped and restarted
    during the load, 0 failed chats, nothing lost, searches back on the standby."""
    root = Path(__file__).resolve().parents[1]
    args = ["--sessions", "4", "--messages", "3", "--articles", "10", "--timeout", "240"]
    done = subprocess.run(
        [sys.executable, str(root / "scripts" / "replica_check.py"), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "| standby, stopped and restarted | 12 | 0 |" in done.stdout
    assert "3. searches back on the standby: True" in done.stdout


def test_a_query_the_standby_refuses_is_done_on_the_primary(
    services: tuple[Services, FakeEmbedder],
) -> None:
    built, _ = services
    routing = built.replicas
    assert routing is not None

    def temporary_table(conn: Any) -> Any:  # a hot standby is read-only
        conn.execute("CREATE TEMP TABLE scratch (x int)")
        return conn.execute("SELECT pg_is_in_recovery()").fetchone()

    row = routing.read(temporary_table)

    assert row == (False,)  # answered by the primary
    state = routing.states()[0]
    assert state.state == "down"
    assert "read-only" in (state.error or "")
