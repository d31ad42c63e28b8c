import time
from pathlib import Path

from fastapi.testclient import TestClient

from newsrag.api.app import create_app
from newsrag.refresh import Refresher
from newsrag.services import Services
from tests.conftest import wikinews_rows, write_jsonl


def test_only_one_process_refreshes_at_a_time(fake_services: Services, tmp_path: Path) -> None:
    source = str(write_jsonl(tmp_path / "news.jsonl", wikinews_rows(2)))
    refresher = Refresher(fake_services.ingestor, fake_services.runs, [source], minutes=30)

    with fake_services.runs.refresh_lock() as held_elsewhere:
        skipped = refresher.run_once()
    after = refresher.run_once()

    assert held_elsewhere is True
    assert skipped is None
    assert after is not None and after[0].report.new == 2


def test_the_background_refresh_ingests_on_its_interval(
    fake_services: Services, tmp_path: Path
) -> None:
    source = str(write_jsonl(tmp_path / "news.jsonl", wikinews_rows(2)))
    refresher = Refresher(fake_services.ingestor, fake_services.runs, [source], minutes=0.01)
    refresher.start()
    try:
        deadline = time.monotonic() + 20
        while not fake_services.runs.latest() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        refresher.stop()

    assert [run.source for run in fake_services.runs.latest()] == [source]
    assert fake_services.store.stats().articles == 2


def test_refresh_is_disabled_by_zero_minutes(fake_services: Services) -> None:
    refresher = Refresher(fake_services.ingestor, fake_services.runs, ["x.jsonl"], minutes=0)
    assert refresher.enabled is False


def test_health_shows_the_last_refresh_and_each_source_outcome(
    fake_services: Services, tmp_path: Path
) -> None:
    good = str(write_jsonl(tmp_path / "news.jsonl", wikinews_rows(2)))
    bad = "http://127.0.0.1:1/feed.xml"
    fake_services.ingestor.ingest_sources([good, bad])

    with TestClient(create_app(services=fake_services)) as client:
        body = client.get("/health").json()

    sources = {entry["source"]: entry for entry in body["refresh"]["sources"]}
    assert body["refresh"]["lastRefreshAt"] is not None
    assert sources[good]["ok"] is True and sources[good]["new"] == 2
    assert sources[bad]["ok"] is False and "127.0.0.1:1" in sources[bad]["message"]
