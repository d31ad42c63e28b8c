from datetime import UTC, datetime

import pytest

from newsrag.models import Message
from newsrag.retrieval.query import is_follow_up, standalone_query

NOW = datetime(2020, 3, 11, tzinfo=UTC)
HISTORY = [
    Message("user", "Why did the CEO of Boeing resign?", NOW),
    Message("assistant", "Dennis Muilenburg resigned after the 737 MAX crashes [1].", NOW),
]


def test_a_pronoun_follow_up_carries_the_earlier_subject() -> None:
    assert standalone_query("And who replaced him?", HISTORY) == (
        "And who replaced him? CEO Boeing resign"
    )


def test_a_continuation_carries_the_earlier_subject() -> None:
    assert standalone_query("What about Airbus?", HISTORY).startswith("What about Airbus? CEO")


def test_a_self_contained_question_is_left_alone() -> None:
    question = "When was Firefox 1.0 released by the Mozilla Foundation?"
    assert standalone_query(question, HISTORY) == question


def test_without_history_the_message_is_the_query() -> None:
    assert standalone_query("And who replaced him?", []) == "And who replaced him?"


def test_only_the_user_s_questions_are_carried_over() -> None:
    query = standalone_query("Why?", HISTORY)
    assert "Muilenburg" not in query
    assert "Boeing" in query


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("And who replaced him?", True),
        ("What about them?", True),
        ("Why?", True),
        ("How did the stock market react to the coronavirus pandemic?", False),
    ],
)
def test_follow_ups_are_recognised(message: str, expected: bool) -> None:
    assert is_follow_up(message) is expected
