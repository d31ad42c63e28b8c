"""A question about two things in words no two-part form knows ("Mugabe and Chirac: who was
older?") is answered from each thing's own article: the first source's sentences and those of
the source naming what it lacks, then their comparison when one is asked for. Sentences are
modelled on Wikinews articles."""

from __future__ import annotations

from newsrag.generation.extractive import ExtractiveGenerator, named_apart
from tests.conftest import FakeEmbedder
from tests.test_answer_checks import evidence

MUGABE = evidence(
    "Robert Mugabe dies aged 95",
    "Robert Mugabe, former president of Zimbabwe, has died in Singapore. Mugabe ruled Zimbabwe "
    "for 37 years as prime minister and president. Mugabe's first career was as a teacher. "
    "Mugabe died aged 95 in a Singapore hospital.",
    1,
)
CHIRAC = evidence(
    "Jacques Chirac dies aged 86",
    "Former French president Jacques Chirac died on Thursday in Paris. "
    "Chirac died aged 86 at his home.",
    2,
)


def test_each_thing_named_apart_is_answered_from_its_own_article_and_compared() -> None:
    generator = ExtractiveGenerator(FakeEmbedder())

    answer = generator.generate("Mugabe and Chirac: who was older when he died?", [MUGABE, CHIRAC])

    assert "Chirac died aged 86 at his home. [2]" in answer
    assert answer.endswith("Mugabe: 95; Chirac: 86; a difference of 9. [1][2]")


def test_the_first_article_naming_every_thing_asked_is_no_question_apart() -> None:
    both = evidence("Chirac and Mugabe", "Chirac met Mugabe in Paris in 2003.", 3)

    assert named_apart("Mugabe and Chirac: who was older?", [both, CHIRAC]) == []
    assert named_apart("Mugabe and Chirac: who was older?", [MUGABE, CHIRAC]) == [
        (1, "Mugabe"),
        (2, "Chirac"),
    ]


def test_a_thing_no_source_names_leaves_the_question_whole() -> None:
    question = "Mugabe and Kaunda: who was older when he died?"

    assert named_apart(question, [MUGABE, CHIRAC]) == []
