"""A two-part question's comparison is worked out from the sentences answering its parts: which
number is larger and by how much, which date came first and how long before. Sentences quoted
from or modelled on Wikinews articles."""

from __future__ import annotations

from datetime import date

from newsrag.generation.comparison import Answered, comparison

FIRES = "Which fire killed more people, the hotel fire in Delhi or the slum fire in Chittagong?"


def part(subject: str, *sentences: str, n: int = 1, published: date | None = None) -> Answered:
    return Answered(subject, tuple((sentence, n, published) for sentence in sentences))


def test_the_larger_number_of_what_the_question_counts_is_named_with_the_difference() -> None:
    delhi = part("the hotel fire in Delhi", "A hotel fire killed seventeen people in Delhi.")
    chittagong = part(
        "the slum fire in Chittagong", "The fire killed nine people in Chittagong.", n=2
    )

    said = comparison(FIRES, "choice", [delhi, chittagong])

    assert said == (
        "The hotel fire in Delhi: 17; the slum fire in Chittagong: 9; a difference of 8. [1][2]"
    )


def test_the_number_nearest_the_counted_word_is_taken() -> None:
    question = "Which carmaker announced more job cuts, Ford or DaimlerChrysler?"
    ford = part("Ford", "Ford will cut 30,000 jobs and 14 plants over six years.")
    daimler = part("DaimlerChrysler", "DaimlerChrysler announced it would cut 13,000 jobs.", n=2)

    said = comparison(question, "choice", [ford, daimler])

    assert said is not None and "Ford: 30,000; DaimlerChrysler: 13,000" in said
    assert "a difference of 17,000" in said


def test_two_dates_of_a_span_are_ordered_with_the_days_between() -> None:
    question = "How long after the US airstrike on Soleimani did Iran shoot down the jet?"
    strike = part(
        "the US airstrike on Soleimani",
        "The US airstrike on Soleimani took place on January 3, 2020.",
    )
    jet = part(
        "Iran shoot down the jet",
        "Iran shot down the jet yesterday, killing all 176 on board.",
        n=2,
        published=date(2020, 1, 9),
    )

    said = comparison(question, "span", [strike, jet])

    assert said == (
        "The US airstrike on Soleimani (3 January 2020) came 5 days before Iran shoot down the "
        "jet (8 January 2020). [1][2]"
    )


def test_years_alone_give_a_span_in_years() -> None:
    question = (
        "How many years between Conway devising the Game of Life and his election to the Royal "
        "Society?"
    )
    life = part("Conway devising the Game of Life", "Conway devised the Game of Life in 1970.")
    society = part(
        "his election to the Royal Society",
        "In 1981 he was elected a Fellow of the Royal Society.",
        n=2,
    )

    said = comparison(question, "span", [life, society])

    assert said is not None and "(1970) came 11 years before" in said


def test_a_date_far_from_what_is_asked_about_is_not_compared() -> None:
    question = "Who was born first, Ginger Baker or Robert Hunter?"
    baker = part("Ginger Baker", "Ginger Baker died on 6 October 2019 in a hospital in Canterbury.")
    hunter = part("Robert Hunter", "Robert Hunter was born on June 23, 1941.", n=2)

    assert comparison(question, "choice", [baker, hunter]) is None


def test_two_different_numbers_as_near_leave_the_comparison_out() -> None:
    question = "Which bus carried more people, the Viazul bus or the Kaluga bus?"
    viazul = part("the Viazul bus", "The bus carried 40 people, 7 people died.")
    kaluga = part("the Kaluga bus", "The bus carried 45 people.", n=2)

    assert comparison(question, "choice", [viazul, kaluga]) is None


def test_two_questions_in_one_are_not_compared() -> None:
    question = "How many died in Delhi, and how many died in Chittagong?"
    delhi = part("How many died in Delhi", "Seventeen people died in Delhi.")
    chittagong = part("how many died in Chittagong", "Nine people died in Chittagong.", n=2)

    assert comparison(question, "clauses", [delhi, chittagong]) is None
