"""Questions asking whether (or when) an announced event went ahead: "Did X ever V?". Coverage
of the announcement names every name of the question; only a sentence stating the event done
answers it. Sentences are quoted from or modelled on Wikinews articles."""

from __future__ import annotations

from newsrag.retrieval.events import unreported, unreported_event
from tests.test_answer_checks import evidence

HAGIA_TITLE = "Turkey's President Erdogan proposes converting Hagia Sophia into a mosque"
HAGIA = (
    'Erdogan pledged converting Hagia Sophia, now a museum, to a mosque. He said: "After '
    'elections, we will turn Hagia Sophia into a mosque."'
)
AMENDMENT_TITLE = "Senator Ted Cruz proposes amendment to U.S. Constitution"
AMENDMENT = "Ted Cruz proposed term limits. If passed, the amendment would limit Cruz to two terms."


def test_an_announcement_does_not_answer_whether_the_plan_went_ahead() -> None:
    question = "did erdogan ever actually turn hagia sophia into a mosque?"

    assert unreported_event(question, [evidence(HAGIA_TITLE, HAGIA)])


def test_a_sentence_stating_the_event_done_answers_it() -> None:
    question = "did erdogan ever actually turn hagia sophia into a mosque?"
    text = HAGIA + " In July 2020 Erdogan turned Hagia Sophia into a mosque by decree."

    assert not unreported_event(question, [evidence(HAGIA_TITLE, text)])


def test_a_conditional_is_no_report_but_a_stated_failure_is() -> None:
    question = "did ted cruz's term limits amendment ever pass the senate?"
    failed = AMENDMENT + " The Senate did not pass the amendment."

    assert unreported_event(question, [evidence(AMENDMENT_TITLE, AMENDMENT)])
    assert not unreported_event(question, [evidence(AMENDMENT_TITLE, failed)])


def test_a_participle_asked_is_matched_in_the_headline() -> None:
    question = "was navalny actually poisoned?"
    title = "Germany says Alexei Navalny poisoned with Novichok"

    assert not unreported_event(question, [evidence(title, "Navalny is in a coma in Berlin.")])


def test_a_date_asked_is_unreported_only_when_the_event_is_found_planned() -> None:
    planned = evidence("Johnson wins election", "Johnson intends to leave the EU by January.")
    launched = evidence("SpaceX launches astronauts", "SpaceX launched two NASA astronauts.")

    assert unreported("on what date did the uk officially leave the EU?", [planned])
    assert not unreported("when did spacex finally fly astronauts?", [launched])


def test_a_question_without_a_later_event_is_not_checked() -> None:
    assert not unreported_event("did erdogan turn hagia sophia into a mosque?", [])


def test_how_a_lawsuit_was_eventually_resolved_needs_a_report_of_its_resolution() -> None:
    title = "Cisco sues Apple for iPhone trademark"
    text = "Apple said it would ask a court to resolve this dispute."
    settled = text + " The two companies resolved the dispute in February."

    assert unreported_event(
        "How was Cisco's lawsuit against Apple eventually resolved?", [evidence(title, text)]
    )
    assert not unreported_event(
        "How was Cisco's lawsuit against Apple eventually resolved?", [evidence(title, settled)]
    )


def test_a_first_ever_event_is_no_question_of_whether_it_went_ahead() -> None:
    title = "Cosmonaut Alexei Leonov dies at age 85"
    text = "Leonov will be buried in Moscow. He made the first spacewalk on March 18, 1965."

    assert not unreported(
        "on what date did leonov do the first ever spacewalk?", [evidence(title, text)]
    )
    assert not unreported(
        "how long did leonov stay out on the first-ever spacewalk?", [evidence(title, text)]
    )


def test_an_event_reported_with_a_verb_of_the_same_meaning_is_reported() -> None:
    title = "Bernie Sanders endorses Joe Biden"
    text = "On Monday, Bernie Sanders endorsed former Vice President Joe Biden for president."

    assert not unreported_event("did bernie sanders end up backing biden?", [evidence(title, text)])


def test_a_dispute_sorted_out_is_reported_as_settled() -> None:
    title = "Apple Inc., Apple Corps resolve trademark dispute"
    text = "Apple Inc. announced it has settled its trademark dispute with Apple Corps."

    assert not unreported_event("did apple corps ever sort it out?", [evidence(title, text)])


def test_a_return_asked_about_is_unreported_until_one_is_stated() -> None:
    title = "Russia's Navalny airlifted to Germany"
    flown = "Alexei Navalny was airlifted from Omsk to Berlin. He was flown to the Charité."
    question = "when did navalny fly back to russia after his treatment in berlin?"

    assert unreported_event(question, [evidence(title, flown)])
    assert not unreported_event(question, [evidence(title, "Navalny returned to Russia.")])
    assert not unreported_event(
        "did navalny go back to russia?", [evidence(title, "Navalny flew back to Moscow.")]
    )
