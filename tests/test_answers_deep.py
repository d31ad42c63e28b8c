"""POST /api/chat on questions the lead of one article does not answer, end to end (real MiniLM,
the extractive generator, the Wikinews corpus): two-part questions keep an article per part
among the sources and compare them, a result is read from the article that reports it, and a
near miss of the news held is refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from newsrag.generation.base import NOT_COVERED
from tests.api_helpers import (
    api_services_fixture,  # noqa: F401  (the `api_services` fixture)
    chat,
    client_fixture,  # noqa: F401  (the `client` fixture)
    new_id,
)

pytestmark = pytest.mark.model

WIKI = "https://en.wikinews.org/wiki/"
FORD = WIKI + "Ford_Motor_Company_cutting_30,000_jobs_by_2012"
DAIMLER = WIKI + "DaimlerChrysler_plans_to_cut_13,000_jobs"


def source_urls(body: dict[str, object]) -> list[str]:
    sources = body["sources"]
    assert isinstance(sources, list)
    return [source["url"] for source in sources]


def test_a_comparison_keeps_both_articles_and_says_which_number_is_larger(
    client: TestClient,
) -> None:
    body = chat(
        client,
        new_id(),
        "Which carmaker announced more job cuts, Ford in 2006 or DaimlerChrysler in 2007?",
    )

    assert {FORD, DAIMLER} <= set(source_urls(body))
    assert "30,000" in body["answer"] and "13,000" in body["answer"]
    assert "a difference of 17,000" in body["answer"]


def test_a_span_between_two_events_keeps_an_article_for_each(client: TestClient) -> None:
    body = chat(
        client,
        new_id(),
        "How long after Steve Jobs's WWDC 2005 keynote did Apple unveil its first Intel-based Mac?",
    )

    urls = source_urls(body)
    assert WIKI + "Apple_Computer_CEO_Steve_Jobs_gives_opening_keynote_to_WWDC_2005" in urls
    assert WIKI + "Apple_unveils_new_Intel-based_Mac" in urls


def test_a_result_is_answered_from_the_article_reporting_it(client: TestClient) -> None:
    body = chat(client, new_id(), "Did the Beatles' Apple Corps win its case against Apple?")

    assert WIKI + "Apple_Corps_loses_court_case_against_Apple_Computer" in source_urls(body)
    assert "lost its court case against Apple Computer" in body["answer"]


def test_the_same_prize_in_another_year_is_refused(client: TestClient) -> None:
    body = chat(client, new_id(), "Who won the Nobel Peace Prize in 2009?")

    assert body["answer"] == NOT_COVERED
    assert body["sources"] == []


def test_a_comparison_naming_its_sides_first_keeps_both_articles(client: TestClient) -> None:
    body = chat(client, new_id(), "ford vs daimlerchrysler - which carmaker cut more jobs?")

    assert {FORD, DAIMLER} <= set(source_urls(body))
    assert "30,000" in body["answer"] and "13,000" in body["answer"]


def test_a_year_before_any_news_held_is_searched_as_a_past_event(client: TestClient) -> None:
    body = chat(client, new_id(), "How much did Apple Computer pay Apple Corps in 1981?")

    assert WIKI + "Beatles'_Apple_Corps_sues_Apple_Computer" in source_urls(body)
    assert "$80,000" in body["answer"]
    assert body["timeWindow"] is None


def test_whether_an_announced_deal_went_ahead_is_refused_without_a_report(
    client: TestClient,
) -> None:
    body = chat(client, new_id(), "Did Kmart ever actually complete its purchase of Sears?")

    assert body["answer"] == NOT_COVERED
