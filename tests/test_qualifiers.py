"""A question about a prize, title or race of one kind is not answered by the report of another
kind's: the 2019 Nobel Prize in Physics answers neither the Chemistry prize nor the Peace
prize. Texts modelled on Wikinews articles."""

from __future__ import annotations

from newsrag.retrieval.qualifiers import another_kind

PHYSICS = (
    "Swedish academy announces 2019 Nobel Prize winners in physics. The prize was shared "
    "between James Peebles and the duo of Didier Queloz and Michel Mayor, who won the Nobel "
    "Prize in physics for discovering an exoplanet."
)


def test_a_prize_in_another_field_is_another_kind() -> None:
    assert another_kind("who won the 2019 nobel prize in chemistry?", [PHYSICS])


def test_a_prize_named_without_the_kind_asked_is_another_kind() -> None:
    assert another_kind("who won the nobel peace prize in 2019?", [PHYSICS])


def test_the_kind_asked_held_by_the_article_is_the_same_kind() -> None:
    assert not another_kind("who won the 2019 nobel prize in physics?", [PHYSICS])


def test_a_word_before_something_that_comes_in_no_kinds_is_not_checked() -> None:
    text = "Leonov made the first spacewalk in 1965."

    assert not another_kind("on what date did leonov do the first ever spacewalk?", [text])
