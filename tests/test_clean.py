"""An article's body cleaned at ingest: what is not article text goes, interviews say who
speaks, and cleaning twice changes nothing."""

from __future__ import annotations

import re

import pytest

from newsrag.ingest.clean import clean_body
from tests.conftest import wikinews_rows


def test_a_dateline_opening_the_body_is_removed() -> None:
    body = "Friday, December 25, 2020 \nIn May, a study was published."

    assert clean_body(body) == "In May, a study was published."


def test_interview_markers_become_the_speakers_names() -> None:
    body = "((WN)) What are your goals?\n\n((Gregory Kurtzer)) So far we have support."

    assert (
        clean_body(body)
        == "Wikinews: What are your goals?\n\nGregory Kurtzer: So far we have support."
    )


def test_an_image_line_is_removed() -> None:
    body = "The mayor spoke.\n\nFile:Keisha Lance Bottoms (cropped).jpg\n\nShe won."

    assert clean_body(body) == "The mayor spoke.\n\nShe won."


def test_a_language_tag_and_its_label_are_removed() -> None:
    body = "The Law and Justice Party ((pl))Polish language: \u200dPrawo i Sprawiedliwosc won."

    assert clean_body(body) == "The Law and Justice Party Prawo i Sprawiedliwosc won."


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("It is called SAMPAD . It's an acronym.", "It is called SAMPAD. It's an acronym."),
        ("What BS . . . should not", "What BS... should not"),
        (
            'He said "we will ask a court . " Some disagree.',
            'He said "we will ask a court." Some disagree.',
        ),
        ('They agreed. " We love it," he said.', 'They agreed. "We love it," he said.'),
        ('He said "in the future . " " The years"', 'He said "in the future." "The years"'),
    ],
)
def test_spaces_inside_punctuation_are_closed(body: str, expected: str) -> None:
    assert clean_body(body) == expected


def test_a_spaced_hyphen_in_a_short_name_is_joined() -> None:
    assert clean_body("iTunes passed Wal - Mart in sales.") == "iTunes passed Wal-Mart in sales."


def test_a_dash_after_a_longer_name_stays() -> None:
    assert clean_body("Based in San Jose - Cisco.") == "Based in San Jose - Cisco."


def test_cleaning_the_wikinews_bodies_twice_changes_nothing() -> None:
    once = [clean_body(str(row["body"])) for row in wikinews_rows()]

    assert [clean_body(body) for body in once] == once
    assert not any(re.search(r"(?m)^\(\(", body) for body in once)
