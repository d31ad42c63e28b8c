"""A name asked for that the article never gives: "what was the name of the flight engineer who
survived?" of a report saying only "The lone survivor was a flight engineer". Sentences are
quoted from or modelled on Wikinews articles."""

from __future__ import annotations

from newsrag.models import RetrievedChunk
from newsrag.retrieval.unnamed import asked_thing, unnamed
from tests.test_answer_checks import evidence

KARAJ = "Iranian cargo plane crashes into Karaj houses"


def report(title: str, text: str) -> list[RetrievedChunk]:
    return [evidence(title, text).chunk]


def test_the_thing_whose_name_is_asked_is_the_noun_before_what_is_said_of_it() -> None:
    assert asked_thing("what's the name of the flight engineer who survived?") == "engineer"
    assert asked_thing("what was the name of the pilot flying kobe bryant's helicopter?") == "pilot"
    assert asked_thing("what are the names of the two suspects arrested?") == "suspects"
    assert asked_thing("what was doris day's real name?") is None


def test_a_thing_written_without_a_name_beside_it_leaves_its_name_unanswered() -> None:
    text = "All but one of the sixteen on board died. The lone survivor was a flight engineer."
    question = "what's the name of the flight engineer who was the only survivor in karaj?"

    assert unnamed(question, report(KARAJ, text))


def test_a_name_beside_the_thing_answers_what_it_was_called() -> None:
    title = "New Hampshire crash kills seven bikers"
    text = "The pickup driver, Volodymyr Zhukovskyy, was arrested in Massachusetts on Monday."
    question = "what's the name of the pickup driver in the new hampshire crash?"

    assert not unnamed(question, report(title, text))


def test_a_thing_the_article_calls_by_another_word_is_not_judged() -> None:
    title = "Magnitogorsk apartment building collapse"
    text = "On Tuesday an eleven-month-old boy, identified only as Ivan, was rescued alive."
    question = "what was the name of the baby rescued alive in magnitogorsk?"

    assert not unnamed(question, report(title, text))


def test_a_month_a_day_or_a_people_s_name_beside_the_thing_is_no_name_of_it() -> None:
    text = "On Wednesday in September an engineer was killed at the station, a British man."
    question = "what was the name of the engineer who died at waterloo station?"

    assert unnamed(question, report("Engineer killed at Waterloo", text))


def test_who_said_so_or_a_word_describing_the_thing_is_no_name_of_it() -> None:
    title = "Arrests made in theft of gold toilet in England"
    text = (
        "Thames Valley Police said they had arrested a second man. "
        "Police arrested a 36-year-old Cheltenham man on suspicion of conspiracy to burgle."
    )
    question = "What is the name of the 66-year-old man arrested over the theft of the toilet?"

    assert unnamed(question, report(title, text))


def test_where_the_people_asked_about_came_from_is_no_name_of_theirs() -> None:
    title = "Seven killed in Florida highway crash"
    text = "The crash killed five children. The children were all from Marksville, Louisiana."
    question = "what were the names of the five children killed in the crash near Gainesville?"

    assert unnamed(question, report(title, text))


def test_a_man_answers_the_names_asked_of_the_men() -> None:
    text = "Police arrested a man on Saturday and released him on bail."
    question = "What are the names of the two men arrested over the theft of the gold toilet?"

    assert unnamed(question, report("Gold toilet stolen", text))
