"""The answer to "what's the latest?": a digest of the newest stories, one line each."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsrag.chat import ChatService
from newsrag.generation.briefing import MAX_ITEMS, briefing, first_statement
from newsrag.models import RetrievedChunk, Source
from newsrag.retrieval import Evidence
from newsrag.services import Services


def story(n: int, day: date | None, text: str, outlet: str = "Wikinews") -> tuple[Source, Evidence]:
    published = datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
    source = Source(n, f"Story {n}", f"https://example.org/{n}", 0.5, published, outlet)
    chunk = RetrievedChunk(n, 100 + n, 1, text, 0.5, source.url, source.title, outlet, published)
    return source, Evidence(n, chunk)


def digest(*stories: tuple[Source, Evidence], openings: dict[int, str] | None = None) -> str:
    return briefing([s for s, _ in stories], [e for _, e in stories], openings or {})


def test_each_story_is_a_line_with_headline_outlet_date_and_a_cited_sentence() -> None:
    text = digest(story(1, date(2020, 12, 18), "Red Hat announced a new plan. More followed."))

    assert text == "Story 1 (Wikinews, 18 December 2020): Red Hat announced a new plan. [1]"


def test_stories_come_newest_first_and_undated_last() -> None:
    text = digest(
        story(1, date(2020, 5, 1), "The older story happened in May."),
        story(2, None, "The undated story happened at some point."),
        story(3, date(2020, 12, 1), "The newer story happened in December."),
    )

    assert [line[-3:] for line in text.split("\n")] == ["[3]", "[1]", "[2]"]


def test_at_most_five_stories_are_told() -> None:
    stories = [
        story(n, date(2020, 1, n), f"Story number {n} happened this way.") for n in range(1, 8)
    ]

    lines = digest(*stories).split("\n")

    assert len(lines) == MAX_ITEMS
    assert lines[0].endswith("[7]")


def test_the_article_opening_is_told_rather_than_the_matching_chunk() -> None:
    text = digest(
        story(1, date(2020, 12, 18), "A detail deep in the article is here."),
        openings={101: "The article opens with what happened. Then details."},
    )

    assert text.endswith(": The article opens with what happened. [1]")


def test_an_interviewers_question_is_never_what_happened() -> None:
    opening = (
        "Wikinews: What are your plans for the project? Gregory Kurtzer: We will ship in March."
    )

    assert first_statement(opening) == "Gregory Kurtzer: We will ship in March."


@pytest.fixture
def chat(corpus_services: Services) -> ChatService:
    return corpus_services.chat


def test_the_latest_news_is_a_dated_digest_newest_first(chat: ChatService) -> None:
    answer = chat.ask("What's the latest news?", as_of=date(2030, 1, 1))

    lines = answer.text.split("\n")
    assert lines[0].startswith("The newest news I have on this is from ")
    dates = [s.published_at for s in answer.sources]
    assert dates == sorted(dates, reverse=True)
    assert [line[-3:] for line in lines[1:]] == [f"[{s.n}]" for s in answer.sources]
    assert "((" not in answer.text
