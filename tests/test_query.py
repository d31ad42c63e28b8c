from datetime import UTC, datetime

import pytest

from newsrag.models import Message, Source
from newsrag.retrieval.query import (
    is_follow_up,
    people,
    refers_back,
    resolve_people,
    standalone_query,
    subject_person,
)

NOW = datetime(2020, 3, 11, tzinfo=UTC)
HISTORY = [
    Message("user", "Why did the CEO of Boeing resign?", NOW),
    Message("assistant", "Dennis Muilenburg resigned after the 737 MAX crashes [1].", NOW),
]


def test_a_pronoun_follow_up_names_the_person_and_carries_the_earlier_subject() -> None:
    assert standalone_query("And who replaced him?", HISTORY) == (
        "And who replaced Dennis Muilenburg? CEO Boeing resign"
    )


def test_a_continuation_carries_the_earlier_subject_and_what_it_asked() -> None:
    assert standalone_query("What about Airbus?", HISTORY).startswith("What about Airbus? why CEO")


def test_an_ellipsis_asks_what_the_earlier_question_asked() -> None:
    history = [
        Message("user", "how many people had died in samoa's measles outbreak?", NOW),
        Message("assistant", "By 5 December, 62 people had died [1].", NOW),
    ]

    asked = standalone_query("and by the time the emergency was lifted?", history)
    own = standalone_query("and who was hurt?", history)

    assert asked.startswith("and by the time the emergency was lifted? how many people died")
    assert own.startswith("and who was hurt? many people")


def test_a_self_contained_question_is_left_alone() -> None:
    question = "When was Firefox 1.0 released by the Mozilla Foundation?"
    assert standalone_query(question, HISTORY) == question


def test_without_history_the_message_is_the_query() -> None:
    assert standalone_query("And who replaced him?", []) == "And who replaced him?"


def test_the_result_an_earlier_question_asked_for_is_not_carried_over() -> None:
    history = [
        Message("user", "Who won the 2004 Nobel Peace Prize?", NOW),
        Message("assistant", "Wangari Maathai of Kenya won the prize [1].", NOW),
    ]
    query = standalone_query("What organisation did she found?", history)

    assert "Nobel" in query
    assert "won" not in query.split()


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
        ("How did the stock market react to the Covid pandemic?", False),
        ("Who was going to run the merged company?", True),
    ],
)
def test_follow_ups_are_recognised(message: str, expected: bool) -> None:
    assert is_follow_up(message) is expected


def test_a_question_naming_nothing_leans_on_the_conversation_without_referring_back() -> None:
    message = "How did the stock market react to the coronavirus pandemic?"

    assert is_follow_up(message)
    assert not refers_back(message)


def turn(question: str, answer: str) -> list[Message]:
    return [Message("user", question, NOW), Message("assistant", answer, NOW)]


def test_the_person_a_question_names_is_its_subject() -> None:
    history = turn("Why did Steve Jobs step down?", "Jobs resigned; Tim Cook took over. [1]")

    assert subject_person(history) == "Steve Jobs"


def test_a_question_asking_who_is_about_the_person_its_answer_names() -> None:
    history = turn(
        "Whom did Joe Biden choose as his running mate?",
        "Former US Vice President Joe Biden announced Senator Kamala Harris as his pick. [1]",
    )

    assert subject_person(history) == "Kamala Harris"


def test_a_question_asking_who_someone_is_is_about_that_person() -> None:
    history = turn(
        "who is joel smithers, the virginia doctor?",
        "Dr. Joel Smithers was found guilty. Judge James Parker Jones sentenced him. [1]",
    )

    assert subject_person(history) == "Joel Smithers"


def test_a_name_owning_something_in_the_question_is_not_its_subject() -> None:
    history = turn(
        "What happened to Robert F. Kennedy's assassin in prison?",
        "Sirhan Sirhan, who killed Robert F. Kennedy, was stabbed. [1]",
    )

    assert subject_person(history) == "Sirhan Sirhan"


def test_a_party_or_a_court_is_nobody_s_she() -> None:
    history = turn(
        "Whom did Joe Biden choose as his running mate?",
        "Joe Biden, the Democratic Party's nominee, announced Kamala Harris as his pick. [1]",
    )

    assert subject_person(history) == "Kamala Harris"
    assert people("The Supreme Court of India ruled on Monday.") == []


def test_a_person_a_question_names_in_lower_case_is_its_subject_as_its_answer_writes_him() -> None:
    history = turn(
        "bernie sanders dropping out of the 2020 race in april",
        "United States Senator from Vermont Bernie Sanders ended his campaign. [1]",
    )

    assert subject_person(history) == "Bernie Sanders"


def test_a_country_is_nobody_s_he() -> None:
    answer = "Thursday, United States military forces killed Qasem Soleimani in an airstrike. [1]"
    history = turn("who did the us kill in the airstrike at baghdad airport?", answer)

    assert subject_person(history) == "Qasem Soleimani"


def test_a_title_before_a_name_is_left_out() -> None:
    assert people("Seoul city Mayor Park Won-soon was found dead.") == ["Park Won-soon"]


@pytest.mark.parametrize(
    ("message", "resolved"),
    [
        ("Where was his body found?", "Where was Park Won-soon's body found?"),
        ("Where was her body found?", "Where was Park Won-soon's body found?"),
        ("Who found her in the park?", "Who found Park Won-soon in the park?"),
        ("What did the police say?", "What did the police say?"),
    ],
)
def test_he_and_she_are_replaced_by_the_person(message: str, resolved: str) -> None:
    history = turn("What happened to the mayor of Seoul?", "Mayor Park Won-soon died. [1]")

    assert resolve_people(message, history) == resolved


def test_a_place_written_like_a_name_is_nobody() -> None:
    answer = (
        "A gunman shot shoppers at a store in the border city of El Paso, Texas. "
        "Officials identified the suspect as Patrick Crusius of Allen, Texas."
    )

    assert people(answer) == ["Patrick Crusius"]


def test_a_place_whose_name_opens_like_one_is_nobody() -> None:
    answer = "On Route 2 in Randolph, New Hampshire, a pickup hit the riders. Joe Biden spoke."

    assert people(answer) == ["Joe Biden"]


def test_a_person_the_answer_names_by_surname_is_the_one_its_source_s_title_names() -> None:
    killed = Source(
        1, "United States military kills Qasem Soleimani", "https://example.org/1", 0.7, NOW, ""
    )
    history = [
        Message("user", "who did the us kill in the airstrike at baghdad airport?", NOW),
        Message(
            "assistant",
            "The US struck the airport, where Soleimani was arriving. "
            "He was met by Abu Mahdi al-Muhandis, also killed. [1]",
            NOW,
            sources=(killed,),
        ),
    ]

    assert subject_person(history) == "Qasem Soleimani"


def test_a_follow_up_to_a_follow_up_carries_the_story_of_both() -> None:
    history = [
        Message("user", "what caused the apartment block collapse in magnitogorsk?", NOW),
        Message("assistant", "A gas explosion brought the building down. [1]", NOW),
        Message("user", "how many died?", NOW),
        Message("assistant", "39 people died. [1]", NOW),
    ]

    query = standalone_query("was anyone pulled out alive?", history)

    assert query.startswith("was anyone pulled out alive? many died")
    assert "magnitogorsk" in query
