"""POST /api/chat end to end: answers, sources, citations and corpus coverage, with real
MiniLM, the extractive generator and the Wikinews corpus."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsrag.generation.base import NOT_COVERED
from newsrag.generation.citations import cited_numbers
from newsrag.services import Services
from tests.api_helpers import (
    ABSENT_QUESTION,
    CHAT_FIELDS,
    FIREFOX_QUESTION,
    api_services_fixture,  # noqa: F401  (the `api_services` fixture)
    chat,
    client_fixture,  # noqa: F401  (the `client` fixture)
    new_id,
)
from tests.conftest import wikinews_rows

pytestmark = pytest.mark.model

SEED_QUESTION = "What are the latest news about technology?"
CITATION = re.compile(r"\[(\d+)\]")


# --- POST /api/chat ---------------------------------------------------------------------------


def test_chat_answers_the_seed_question_from_the_corpus(client: TestClient) -> None:
    body = chat(client, "test-123", SEED_QUESTION)

    assert body["success"] is True
    assert body["sessionId"] == "test-123"
    assert body["userMessage"] == SEED_QUESTION
    assert body["covered"] is True
    assert body["sources"]
    assert all(s["url"].startswith("https://en.wikinews.org/wiki/") for s in body["sources"])
    assert body["answer"].strip() and body["answer"] != NOT_COVERED
    client.delete("/api/session/test-123")


def test_chat_response_has_exactly_the_documented_fields(client: TestClient) -> None:
    body = chat(client, new_id(), SEED_QUESTION)

    assert set(body) == CHAT_FIELDS
    for source in body["sources"]:
        assert set(source) == {"n", "title", "url", "score", "publishedAt", "source"}
        assert isinstance(source["title"], str) and source["title"]
        assert isinstance(source["score"], float)
        assert source["source"] == "Wikinews"
        assert datetime.fromisoformat(source["publishedAt"]).year >= 2004
    assert isinstance(body["model"], str) and body["model"]


def test_chat_timestamp_is_iso_8601_with_a_timezone(client: TestClient) -> None:
    body = chat(client, new_id(), SEED_QUESTION)

    stamp = datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))
    assert stamp.tzinfo is not None


@pytest.mark.parametrize("question", [SEED_QUESTION, FIREFOX_QUESTION])
def test_chat_sources_are_cited_ones_first_then_in_retrieval_order(
    client: TestClient, api_services: Services, question: str
) -> None:
    body = chat(client, new_id(), question)

    cited = cited_numbers(body["answer"])
    urls = [s["url"] for s in body["sources"]]
    retrieved = [s.url for s in api_services.chat.retrieve(question).sources]
    assert cited == list(range(1, len(cited) + 1))
    assert sorted(urls) == sorted(retrieved)
    assert urls[len(cited) :] == [url for url in retrieved if url not in urls[: len(cited)]]


@pytest.mark.parametrize("question", [SEED_QUESTION, FIREFOX_QUESTION])
def test_chat_answer_cites_only_sources_it_returns(client: TestClient, question: str) -> None:
    body = chat(client, new_id(), question)

    cited = [int(n) for n in CITATION.findall(body["answer"])]
    assert cited, body["answer"]
    assert all(1 <= n <= len(body["sources"]) for n in cited)


def test_chat_says_not_covered_for_a_question_outside_the_corpus(client: TestClient) -> None:
    body = chat(client, new_id(), ABSENT_QUESTION)

    assert body["covered"] is False
    assert body["answer"] == NOT_COVERED
    assert body["sources"] == []


def test_chat_does_not_count_one_shared_topic_word_as_coverage(client: TestClient) -> None:
    body = chat(client, new_id(), "What is the science behind chocolate chip cookies?")

    assert body["covered"] is False
    assert body["sources"] == []


def test_chat_answers_a_specific_question_from_the_right_article(client: TestClient) -> None:
    firefox = wikinews_rows(4)[3]
    assert "November 9, 2004" in str(firefox["body"])

    body = chat(client, new_id(), FIREFOX_QUESTION)

    assert body["covered"] is True
    assert "Firefox" in body["sources"][0]["title"]
    assert body["sources"][0]["url"] == firefox["url"]
    assert "November" in body["answer"]


def test_chat_lists_only_sources_near_the_best_one(client: TestClient) -> None:
    body = chat(client, new_id(), FIREFOX_QUESTION)

    best = body["sources"][0]["score"]
    assert all(source["score"] >= 0.7 * best - 1e-4 for source in body["sources"])


def test_chat_appends_the_question_and_the_answer_to_the_history(client: TestClient) -> None:
    session = new_id()
    body = chat(client, session, FIREFOX_QUESTION)

    history = client.get(f"/api/history/{session}").json()
    assert [(m["role"], m["content"]) for m in history["messages"]] == [
        ("user", FIREFOX_QUESTION),
        ("assistant", body["answer"]),
    ]


def test_chat_keeps_a_session_per_id(client: TestClient) -> None:
    first, second = new_id(), new_id()
    chat(client, first, FIREFOX_QUESTION)
    chat(client, second, ABSENT_QUESTION)

    messages = client.get(f"/api/history/{first}").json()["messages"]
    assert [m["content"] for m in messages if m["role"] == "user"] == [FIREFOX_QUESTION]
    assert all(m["content"] != NOT_COVERED for m in messages)
    others = client.get(f"/api/history/{second}").json()["messages"]
    assert [m["content"] for m in others if m["role"] == "user"] == [ABSENT_QUESTION]


def test_a_follow_up_is_searched_with_the_earlier_question_s_subject(client: TestClient) -> None:
    session = new_id()
    chat(client, session, "What did the Mozilla Foundation release in November 2004?")

    body = chat(client, session, "And which languages was it available in?")

    assert "Mozilla" in body["retrievalQuery"]
    assert body["retrievalQuery"].startswith("And which languages was it available in?")
    assert body["covered"] is True
    assert "Firefox" in body["sources"][0]["title"]


def test_a_self_contained_question_is_searched_as_asked(client: TestClient) -> None:
    session = new_id()
    chat(client, session, "What did the Mozilla Foundation release in November 2004?")

    body = chat(client, session, FIREFOX_QUESTION)

    assert body["retrievalQuery"] == FIREFOX_QUESTION


def asked_after(client: TestClient, first: str, message: str) -> dict[str, Any]:
    """The API's answer to `message` asked in a new session after `first`."""
    session = new_id()
    chat(client, session, first)
    return chat(client, session, message)


def test_a_follow_up_is_not_held_to_the_time_the_earlier_question_named(
    client: TestClient,
) -> None:
    body = asked_after(
        client,
        "How many jobs did Ford say it would cut in January 2006?",
        "And what did Ford announce in August that year?",
    )

    titles = [source["title"] for source in body["sources"]]
    assert "Ford announces deep production cuts in response to growing losses" in titles


def test_a_question_naming_nothing_is_a_follow_up_when_it_is_about_the_story(
    client: TestClient,
) -> None:
    body = asked_after(
        client, "When did Kmart agree to buy Sears?", "who was going to run the merged company?"
    )

    assert "Kmart" in body["retrievalQuery"]
    assert body["sources"][0]["title"] == "Kmart to buy Sears for US$11 billion"


def test_a_question_naming_nothing_on_another_story_is_searched_as_asked(
    client: TestClient,
) -> None:
    question = "why were four basketball players suspended after a brawl?"

    body = asked_after(
        client, "What did the Mozilla Foundation release in November 2004?", question
    )

    assert body["retrievalQuery"] == question
    assert body["sources"][0]["title"] == "Four NBA players suspended indefinitely for brawl"
