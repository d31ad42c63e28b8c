"""Relative days in answers get their dates; a "latest" answer from old news says how old."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from newsrag.generation.dating import age, date_sentence, dated, dated_piece, staleness
from newsrag.models import Source

SATURDAY = date(2020, 12, 26)


def source(n: int, published: date | None) -> Source:
    when = datetime.combine(published, time(), UTC) if published else None
    return Source(n, f"Story {n}", f"https://example.org/{n}", 0.5, when, "Wikinews")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The vote was yesterday.", "The vote was yesterday (25 December 2020)."),
        ("Results come today.", "Results come today (26 December 2020)."),
        ("It opened on Thursday.", "It opened on Thursday (24 December 2020)."),
        ("On Saturday the team won.", "On Saturday (26 December 2020) the team won."),
        ("Last Saturday the team won.", "Last Saturday (19 December 2020) the team won."),
        ("On Friday evening he spoke.", "On Friday evening (25 December 2020) he spoke."),
    ],
)
def test_a_relative_day_is_followed_by_its_date(sentence: str, expected: str) -> None:
    assert date_sentence(sentence, SATURDAY) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "It opened on Thursday, November 9.",
        "It opened on Monday 3 May.",
        "It opened on Monday, the 3rd of May.",
        "Shoppers crowded the stores on Black Friday.",
        "Candidates campaigned before Super Tuesday.",
    ],
)
def test_a_day_already_dated_or_a_named_day_is_left_as_it_is(sentence: str) -> None:
    assert date_sentence(sentence, SATURDAY) == sentence


def test_a_weekday_followed_by_a_number_that_is_no_date_is_dated() -> None:
    assert date_sentence("He reported on Tuesday, 21 cases.", SATURDAY) == (
        "He reported on Tuesday (22 December 2020), 21 cases."
    )


def test_the_same_day_named_twice_in_a_sentence_is_dated_once() -> None:
    assert date_sentence("Saturday began as today did.", SATURDAY) == (
        "Saturday (26 December 2020) began as today did."
    )


def test_each_sentence_is_dated_from_the_source_it_cites() -> None:
    sources = [source(1, SATURDAY), source(2, date(2004, 11, 16))]
    text = "It rained yesterday. [1] Firefox came out yesterday. [2] Nobody knows when. [3]"

    assert dated(text, sources) == (
        "It rained yesterday (25 December 2020). [1] Firefox came out yesterday "
        "(15 November 2004). [2] Nobody knows when. [3]"
    )


def test_dating_keeps_the_answer_lines() -> None:
    text = "First line yesterday. [1]\nSecond line. [1]"

    assert dated(text, [source(1, SATURDAY)]).split("\n") == [
        "First line yesterday (25 December 2020). [1]",
        "Second line. [1]",
    ]


def test_old_newest_news_is_told_with_its_date_and_age() -> None:
    sources = [source(1, date(2020, 12, 18)), source(2, None), source(3, date(2019, 5, 1))]

    assert staleness(sources, date(2026, 12, 6), stale_days=30) == (
        "The newest news I have on this is from 18 December 2020, 5 years before 6 December 2026."
    )


def test_news_within_the_stale_days_is_not_told() -> None:
    sources = [source(1, date(2020, 12, 18))]

    assert staleness(sources, date(2020, 12, 28), stale_days=30) is None


def test_undated_news_is_not_told() -> None:
    assert staleness([source(1, None)], date(2020, 12, 28), stale_days=30) is None


@pytest.mark.parametrize(
    ("newest", "words"),
    [(date(2026, 11, 1), "35 days"), (date(2026, 3, 1), "9 months"), (date(2019, 1, 1), "7 years")],
)
def test_age_is_told_in_days_months_or_years(newest: date, words: str) -> None:
    assert age(newest, date(2026, 12, 6)) == words


def test_a_streamed_sentence_is_dated_with_its_spaces_kept() -> None:
    sources = [source(1, SATURDAY)]

    assert dated_piece(" It rained yesterday. [1]", sources) == (
        " It rained yesterday (25 December 2020). [1]"
    )
    assert dated_piece("yesterday ", sources) == "yesterday "
