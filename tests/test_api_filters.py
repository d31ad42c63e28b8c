"""POST /api/chat `filters` (from/to, sources, categories) and the response's `timeWindow`,
over the Wikinews corpus with real MiniLM and the extractive generator."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import (
    api_services_fixture,  # noqa: F401  (the `api_services` fixture)
    assert_error,
    chat,
    client_fixture,  # noqa: F401  (the `client` fixture)
    new_id,
)
from tests.conftest import CORPUS_SIZE, wikinews_rows

pytestmark = pytest.mark.model

BOEING_DEALS = "Which aircraft deals did Boeing secure?"
JOB_CUTS = "Which companies announced job cuts?"
CATEGORIES = {
    str(row["url"]): cast(list[str], row["categories"]) for row in wikinews_rows(CORPUS_SIZE)
}


def chat_with(client: TestClient, message: str, filters: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        "/api/chat", json={"sessionId": new_id(), "message": message, "filters": filters}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def published_days(body: dict[str, Any]) -> list[date]:
    return [datetime.fromisoformat(s["publishedAt"]).date() for s in body["sources"]]


# --- filters.from / filters.to -----------------------------------------------------------------


def test_from_and_to_restrict_sources_to_articles_published_in_that_range(
    client: TestClient,
) -> None:
    window = {"from": "2005-04-01", "to": "2005-04-30"}

    unfiltered = chat(client, new_id(), BOEING_DEALS)
    filtered = chat_with(client, BOEING_DEALS, window)

    assert any(
        not date(2005, 4, 1) <= day <= date(2005, 4, 30) for day in published_days(unfiltered)
    )
    assert filtered["covered"] is True
    assert filtered["sources"]
    assert all(date(2005, 4, 1) <= day <= date(2005, 4, 30) for day in published_days(filtered))
    assert "Boeing secures $11bn of aircraft deals" in [s["title"] for s in filtered["sources"]]


def test_to_includes_the_whole_day_it_names(client: TestClient) -> None:
    body = chat_with(client, BOEING_DEALS, {"from": "2005-04-27", "to": "2005-04-27"})

    assert body["sources"]
    assert set(published_days(body)) == {date(2005, 4, 27)}
    assert body["sources"][0]["title"] == "Boeing secures $11bn of aircraft deals"


def test_a_range_holding_no_matching_article_is_not_covered(client: TestClient) -> None:
    body = chat_with(client, BOEING_DEALS, {"from": "2005-04-28", "to": "2005-05-30"})

    assert body["covered"] is False
    assert body["sources"] == []


# --- filters.categories / filters.sources ------------------------------------------------------


def test_categories_restrict_sources_to_articles_in_that_category(client: TestClient) -> None:
    unfiltered = chat(client, new_id(), JOB_CUTS)
    filtered = chat_with(client, JOB_CUTS, {"categories": ["Automotive industry"]})

    assert any("Automotive industry" not in CATEGORIES[s["url"]] for s in unfiltered["sources"])
    assert filtered["covered"] is True
    assert len(filtered["sources"]) >= 2
    assert all("Automotive industry" in CATEGORIES[s["url"]] for s in filtered["sources"])


def test_sources_restrict_to_the_outlets_named(client: TestClient) -> None:
    held = chat_with(client, JOB_CUTS, {"sources": ["Wikinews"]})
    absent = chat_with(client, JOB_CUTS, {"sources": ["Reuters"]})

    assert held["sources"]
    assert {s["source"] for s in held["sources"]} == {"Wikinews"}
    assert absent["covered"] is False
    assert absent["sources"] == []


# --- invalid filters -----------------------------------------------------------------------------

INVALID_FILTERS: list[tuple[str, object, str]] = [
    ("from-after-to", {"from": "2005-05-01", "to": "2005-04-01"}, "filters.from"),
    ("unknown-key", {"since": "2005-05-01"}, "filters.since"),
    ("non-date-from", {"from": "yesterday"}, "filters.from"),
    ("impossible-date", {"to": "2005-02-30"}, "filters.to"),
    ("categories-not-a-list", {"categories": "Sports"}, "filters.categories"),
    ("empty-source", {"sources": [""]}, "filters.sources"),
    ("nul-in-category", {"categories": ["Sci\u0000ence"]}, "filters.categories"),
]
NOT_AN_OBJECT = pytest.param(["2005-01-01"], "filters", id="filters-not-an-object")


@pytest.mark.parametrize(
    ("filters", "naming"),
    [pytest.param(*case[1:], id=case[0]) for case in INVALID_FILTERS] + [NOT_AN_OBJECT],
)
def test_invalid_filters_are_a_400_naming_the_filter_and_store_nothing(
    client: TestClient, filters: object, naming: str
) -> None:
    session = new_id()

    response = client.post(
        "/api/chat", json={"sessionId": session, "message": BOEING_DEALS, "filters": filters}
    )

    assert response.status_code == 400, response.text
    assert_error(response.json(), naming=naming)
    assert client.get(f"/api/history/{session}").status_code == 404


def test_from_after_to_is_explained_in_a_sentence(client: TestClient) -> None:
    response = client.post(
        "/api/chat",
        json={
            "sessionId": new_id(),
            "message": BOEING_DEALS,
            "filters": {"from": "2005-05-01", "to": "2005-04-01"},
        },
    )

    assert response.status_code == 400
    assert "filters.from must not be after filters.to" in response.json()["error"]


# --- timeWindow ----------------------------------------------------------------------------------


def utc_today() -> date:
    return datetime.now(UTC).date()


def test_a_named_month_is_reported_as_its_time_window(client: TestClient) -> None:
    before = utc_today()
    body = chat(client, new_id(), "What happened in November 2004?")
    after = utc_today()

    window = body["timeWindow"]
    assert window is not None
    assert {k: v for k, v in window.items() if k != "asOf"} == {
        "from": "2004-11-01",
        "to": "2004-11-30",
        "recent": False,
        "label": "November 2004",
    }
    assert date.fromisoformat(window["asOf"]) in {before, after}


def test_sources_of_a_named_month_are_published_in_it(client: TestClient) -> None:
    body = chat(client, new_id(), "What did Mozilla release in November 2004?")

    assert body["sources"]
    assert all(date(2004, 11, 1) <= day <= date(2004, 11, 30) for day in published_days(body))


def test_latest_news_is_reported_as_a_recent_open_window(client: TestClient) -> None:
    body = chat(client, new_id(), "What are the latest news?")

    window = body["timeWindow"]
    assert window is not None
    assert window["recent"] is True
    assert (window["from"], window["to"], window["label"]) == (None, None, "latest")


def test_a_question_without_time_words_has_no_time_window(client: TestClient) -> None:
    body = chat(client, new_id(), "Who bought Sears?")

    assert "timeWindow" in body
    assert body["timeWindow"] is None
