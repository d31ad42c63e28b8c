"""What an answer must hold: the kind of thing the question asks for (a duration for "how
long"), and for a question about a result ("Who won ...?"), a statement reporting that result.
Sentences are quoted from or modelled on Wikinews articles."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from newsrag.generation.extractive import ExtractiveGenerator, diverse_order, named_shares
from newsrag.generation.pivots import focus_words, stems, turning_words
from newsrag.models import RetrievedChunk
from newsrag.retrieval import Evidence
from newsrag.retrieval.coverage import name_runs
from newsrag.retrieval.outcomes import unreported_outcome
from tests.conftest import FakeEmbedder

CHANNEL_TITLE = "French inventor crosses English Channel on jet-powered Flyboard"
CHANNEL = (
    "This Sunday, French inventor Franky Zapata successfully crossed the English Channel on a "
    "jet-powered Flyboard Air. This was Zapata's second attempt to cross the Channel on the "
    "Flyboard Air. Zapata flew across the Channel at over 100 mph. The 22-mile journey took "
    "22 minutes with one refuelling about halfway to Dover, England."
)
GROOM_TITLE = "Wikinews interviews a candidate for the 2020 Groom by-election"
GROOM = (
    "Tomorrow, voters in the Australian electoral district of Groom are scheduled to go to the "
    "polls in a by-election. At the last federal election in 2019, the Liberal National Party "
    "won this seat by over 70% of the vote."
)


def evidence(
    title: str, text: str, n: int = 1, published: datetime = datetime(2020, 11, 27, tzinfo=UTC)
) -> Evidence:
    chunk = RetrievedChunk(
        chunk_id=n,
        article_id=n,
        position=0,
        text=text,
        score=0.8,
        url=f"https://example.org/{n}",
        title=title,
        source="Wikinews",
        published_at=published,
    )
    return Evidence(n, chunk)


def test_the_extractive_answer_holds_the_duration_deeper_in_the_article() -> None:
    generator = ExtractiveGenerator(FakeEmbedder())
    question = "How long did Franky Zapata take to cross the English Channel on his Flyboard Air?"

    answer = generator.generate(question, [evidence(CHANNEL_TITLE, CHANNEL)])

    assert "took 22 minutes" in answer
    assert answer.startswith("This Sunday, French inventor Franky Zapata")


def test_a_sentence_stating_the_result_asked_is_kept_though_it_shares_few_words() -> None:
    generator = ExtractiveGenerator(FakeEmbedder())
    question = "Who did Mary Barra succeed as chief executive of General Motors?"
    text = (
        "In Detroit, General Motors named Mary Barra as chief executive of General Motors. "
        "Mary Barra has been with General Motors for 33 years as an engineer. "
        "She replaces Daniel Akerson, who retires in January."
    )

    answer = generator.generate(question, [evidence("Mary Barra appointed GM chief", text)])

    assert "She replaces Daniel Akerson" in answer


def test_coverage_before_a_vote_does_not_report_who_won_it() -> None:
    question = "Who won the Groom by-election in Queensland in November 2020?"

    assert unreported_outcome(question, [evidence(GROOM_TITLE, GROOM)])


def test_first_elected_reports_an_election_won() -> None:
    question = "When was Elijah Cummings elected to Congress?"
    text = "Elijah Eugene Cummings was first elected to Congress in 1996."

    assert not unreported_outcome(question, [evidence("Elijah Cummings dies at 68", text)])


def test_a_sentence_stating_the_winner_reports_the_result() -> None:
    question = "Who won the Groom by-election in November 2020?"
    text = GROOM + " On Saturday, Garth Hamilton of the Liberal National Party won the Groom seat."

    assert not unreported_outcome(question, [evidence(GROOM_TITLE, text)])


def test_a_headline_stating_the_winner_reports_the_result() -> None:
    question = "Which party won Canada's October 2019 federal election?"
    title = "Canada 2019 general election: Liberals win a minority government"
    text = "Instead, they secured a plurality of seats in the House of Commons."

    assert not unreported_outcome(question, [evidence(title, text)])


def test_another_year_s_race_does_not_report_this_year_s_winner() -> None:
    question = "Who won the 2020 Melbourne Lord Mayor election?"
    title = "Wikinews interviews 2020 Melbourne Lord Mayor candidate"
    text = "Capp was elected as an interim Lord Mayor of Melbourne in mid-2018."

    assert unreported_outcome(question, [evidence(title, text)])


def test_a_conditional_conviction_is_not_a_verdict() -> None:
    question = "Was Kyle Rittenhouse convicted over the Kenosha shootings?"
    title = "Suspect in Kenosha protester killings released from jail"
    text = "If convicted, Rittenhouse could receive up to a lifetime prison sentence."

    assert unreported_outcome(question, [evidence(title, text)])


def test_a_verdict_of_another_person_in_the_article_is_not_this_one() -> None:
    question = "What prison sentence did Michael Avenatti receive?"
    title = "US President Trump grants eleven people clemency"
    text = "Crystal Munoz was convicted in 2008 and was sentenced to serve 188 months."

    assert unreported_outcome(question, [evidence(title, text)])


def test_a_sum_stated_in_the_question_s_own_words_reports_it_under_the_headline() -> None:
    question = (
        "How much did the regional governor promise to pay each victim of the Magnitogorsk "
        "collapse?"
    )
    title = "Magnitogorsk apartment building collapses after explosion, dozens dead"
    text = (
        "Rescue work resumed on Wednesday. Chelyabinsk's governor has promised each victim "
        "will be subject to a payout of one million rubles."
    )

    assert not unreported_outcome(question, [evidence(title, text)])


def test_where_a_fire_started_reports_what_started_it() -> None:
    question = "what kind of car started the fire at Stavanger airport?"
    title = "Fire erupts in parking structure at Sola Airport, Norway"
    text = (
        "A fire was reported in a parking structure at Stavanger Airport. Police said the fire "
        "started in a recalled 2005 Opel Zafira."
    )

    assert not unreported_outcome(question, [evidence(title, text)])


def test_a_question_about_no_result_needs_no_report() -> None:
    question = "What did Red Hat announce about CentOS?"

    assert not unreported_outcome(question, [evidence(GROOM_TITLE, GROOM)])


def test_a_verdict_on_another_case_naming_the_same_people_is_not_this_one() -> None:
    question = "Did the US Senate convict or acquit Donald Trump at his impeachment trial?"
    title = "California lawyer Michael Avenatti convicted of attempted extortion of Nike"
    text = (
        "The US Senate has confirmed a new judge. Yesterday, a federal jury convicted Michael "
        "Avenatti, who represented Stormy Daniels in her lawsuit against US President Donald Trump."
    )

    assert unreported_outcome(question, [evidence(title, text)])


def test_an_interviewers_question_is_never_the_answer() -> None:
    generator = ExtractiveGenerator(FakeEmbedder())
    interview = (
        "Wikinews: What are the short-term and long-term goals of Rocky Linux?\n\n"
        "Gregory Kurtzer: Short term, the goal is to release Rocky Linux for x86-64 and ARM."
    )

    answer = generator.generate(
        "What are the goals of Rocky Linux?", [evidence("Rocky Linux plans", interview)]
    )

    assert answer == (
        "Gregory Kurtzer: Short term, the goal is to release Rocky Linux for x86-64 and ARM. [1]"
    )


def test_a_prize_won_by_someone_named_asks_for_no_result() -> None:
    question = "How much prize money came with the Nobel Peace Prize won by Wangari Maathai?"

    assert not unreported_outcome(question, [evidence(GROOM_TITLE, GROOM)])


def test_a_sentence_given_by_a_named_judge_reports_the_result() -> None:
    question = "What sentence did Paul Manafort receive in his second case?"
    title = "Former Trump advisor Paul Manafort receives second sentence"
    text = "Paul Manafort was sentenced by Judge Amy Berman Jackson to 73 months in federal prison."

    assert not unreported_outcome(question, [evidence(title, text)])


def test_a_pronoun_s_sentence_reports_for_the_person_in_the_headline() -> None:
    question = "What sentence did Jacques Chirac receive for corruption?"
    title = "Former president of France Jacques Chirac dies aged 86"
    text = "Chirac was convicted of corruption in 2011. He was given a two-year suspended sentence."

    assert not unreported_outcome(question, [evidence(title, text)])


def test_a_reported_loss_answers_whether_someone_won() -> None:
    question = "Did the Beatles' Apple Corps win its 2006 High Court case against Apple Computer?"
    title = "Apple Corps loses court case against Apple Computer"
    text = "Apple Corps, the Beatles' company, lost its High Court case against Apple Computer."
    published = datetime(2006, 5, 8, tzinfo=UTC)

    assert not unreported_outcome(question, [evidence(title, text, published=published)])


def test_a_pronoun_sentence_is_answered_with_the_sentence_before_it() -> None:
    generator = ExtractiveGenerator(FakeEmbedder())
    text = (
        "Shares rose on the news. General Motors named Mary Barra as its new chief executive. "
        "She replaces Daniel Akerson, who led the company through its bankruptcy."
    )

    answer = generator.generate(
        "Whom does Mary Barra replace at General Motors?", [evidence("GM names Barra", text)]
    )

    named = answer.index("General Motors named Mary Barra as its new chief executive.")
    assert answer.index("She replaces Daniel Akerson") > named
    assert answer.count("named Mary Barra") == 1


def test_a_pronoun_sentence_without_the_sentence_before_it_is_passed_over() -> None:
    generator = ExtractiveGenerator(FakeEmbedder())
    found = evidence("GM names Barra", "She replaces Daniel Akerson as chief executive.")
    later = Evidence(1, replace(found.chunk, position=3))

    assert generator.generate("Whom does Mary Barra replace?", [later]) == (
        "The news I have does not cover this question."
    )


def test_each_part_of_a_two_part_question_gets_its_own_sentence() -> None:
    generator = ExtractiveGenerator(FakeEmbedder())
    delhi = evidence(
        "Hotel fire in Delhi", "A fire at a hotel in Delhi killed seventeen people on Tuesday."
    )
    chittagong = evidence(
        "Slum fire in Chittagong", "A slum fire in Chittagong killed nine people.", n=2
    )

    answer = generator.generate(
        "Which fire killed more people, the hotel fire in Delhi or the slum fire in Chittagong?",
        [delhi, chittagong],
    )

    assert "killed seventeen people on Tuesday. [1]" in answer
    assert "killed nine people. [2]" in answer
    assert "a difference of 8" in answer


def test_a_follow_up_is_answered_by_what_its_own_words_ask() -> None:
    generator = ExtractiveGenerator(FakeEmbedder(), max_sentences=1)
    text = (
        "Navalny was airlifted from Omsk to Berlin in August 2020 for treatment. "
        "Doctors in Berlin find Navalny was poisoned with a nerve agent."
    )
    said = "and what did the doctors find in berlin"
    rewritten = f"{said} Navalny airlifted Omsk Berlin August 2020"

    answer = generator.generate(rewritten, [evidence("Navalny in Berlin", text)])
    followed = "".join(
        generator.stream(rewritten, [evidence("Navalny in Berlin", text)], message=said)
    )

    assert answer.startswith("Navalny was airlifted")
    assert followed.startswith("Doctors in Berlin find")


def test_a_yes_no_question_is_answered_by_the_sentence_holding_the_word_it_turns_on() -> None:
    generator = ExtractiveGenerator(FakeEmbedder(), max_sentences=2)
    text = (
        "The Supreme Court ruled on the suspension of parliament by Johnson today. "
        "The court ruled the suspension of parliament by Johnson was unlawful and void. "
        "Lady Hale of the Supreme Court read the ruling on the suspension. "
        "This is the unanimous judgment of all 11 Justices."
    )
    question = "was the supreme court's ruling on johnson suspending parliament unanimous?"

    answer = generator.generate(question, [evidence("Supreme Court rules", text)])

    assert "unanimous judgment" in answer


def test_the_words_a_yes_no_question_turns_on_are_those_fewest_sentences_hold() -> None:
    sentences = ["The court ruled today.", "The court was unanimous.", "The ruling was read."]

    assert turning_words("was the court's ruling unanimous?", sentences) == stems("unanimous")
    assert turning_words("why was the ruling unanimous?", sentences) == set()


def test_a_sentence_of_the_article_holding_the_question_s_names_outranks_another_story_s() -> None:
    generator = ExtractiveGenerator(FakeEmbedder(), max_sentences=1)
    other = evidence(
        "Bomber crashes in Connecticut",
        "Seven people were killed when the bomber went down near the airport.",
    )
    crash = evidence(
        "Airbus funds search for black boxes",
        "Airbus will fund the search for the black boxes of Air France Flight 447. "
        "The jetliner went down in the Atlantic, and 228 people were killed when it crashed.",
        n=2,
    )
    question = "How many people were killed when Air France Flight 447 went down?"

    assert "228" in generator.generate(question, [other, crash])


def test_each_name_a_question_writes_counts_as_one_however_many_words_it_has() -> None:
    names = {"chirac", "pranab", "mukherjee"}

    runs = name_runs("chirac and pranab mukherjee - who was president first?", names)

    assert runs == [["chirac"], ["pranab", "mukherjee"]]


def test_a_month_the_question_names_is_no_name_its_article_must_hold() -> None:
    generator = ExtractiveGenerator(FakeEmbedder(), max_sentences=1)
    other = evidence("Stabbing", "In June, 12 people were hurt in the stabbing at the park.")
    reading = evidence(
        "Attack in Reading", "Three people were hurt in the attack on Saturday.", n=2
    )
    question = "How many people were hurt in the stabbing in Reading in June?"

    assert generator.generate(question, [other, reading]).startswith("Three people")


def test_whether_a_later_event_happened_is_answered_by_the_sentence_stating_it_done() -> None:
    generator = ExtractiveGenerator(FakeEmbedder(), max_sentences=1)
    trial = evidence(
        "Apple Corps loses court case against Apple Computer",
        "The Beatles' label Apple Corps lost its court case against Apple Computer today.",
    )
    settled = evidence(
        "Apple Inc., Apple Corps resolve trademark dispute",
        "Apple Inc. announced it has settled its trademark dispute with Apple Corps.",
        n=2,
    )
    question = "did they ever sort it out for good? apple corps computer court case"

    assert "settled" in generator.generate(question, [trial, settled])


def test_a_people_s_name_in_lower_case_is_a_name_the_article_must_hold() -> None:
    wales = evidence("Fire at Welsh hall", "One woman died in the fire at the hall.")
    slum = evidence("Fire in Bangladesh slum", "Nine people died in the fire.", n=2)
    question = "how many died in the fire in that bangladeshi port city?"

    assert named_shares(question, [wales, slum]) == {1: 0.0, 2: 1.0}


def test_a_which_question_is_answered_by_the_sentence_naming_the_kind_it_asks_for() -> None:
    generator = ExtractiveGenerator(FakeEmbedder(), max_sentences=1)
    text = (
        "The bombing of the cathedral in Jolo yesterday killed at least 20 people at Mass. "
        "The army said the Abu Sayyaf Group are the suspected perpetrators."
    )
    question = "which militant group was behind the bombing of the cathedral in jolo?"

    answer = generator.generate(question, [evidence("Bombs kill 20 at cathedral in Jolo", text)])

    assert "Abu Sayyaf Group" in answer


def test_the_kind_a_which_question_asks_for_counts_only_where_few_sentences_name_it() -> None:
    few = ["The Abu Sayyaf Group is suspected.", "Bombs struck the cathedral."]
    many = ["The group met.", "A group formed.", "The group left.", "Group talks failed."]

    assert focus_words("which militant group was suspected?", few) == {"group"}
    assert focus_words("which militant group was suspected?", many) == set()
    assert focus_words("what software did apple announce?", few) == set()


def test_a_country_the_question_names_is_held_by_a_sentence_on_its_people() -> None:
    generator = ExtractiveGenerator(FakeEmbedder(), max_sentences=1)
    text = (
        "Erdogan said of his plan that the museum would become a mosque again. "
        "The Greek foreign minister called the plan an insult."
    )
    question = "what did greece say about the plan for the museum?"

    answer = generator.generate(question, [evidence("Erdogan proposes converting museum", text)])

    assert "Greek foreign minister" in answer


def test_each_part_of_a_two_part_follow_up_is_answered_by_its_own_words() -> None:
    generator = ExtractiveGenerator(FakeEmbedder(), max_sentences=1)
    text = (
        "Police arrest the driver at his home in Massachusetts. "
        "Zhukovskyy did crash into a guard rail before. "
        "Seven riders died when the pickup hit motorcycle riders in new hampshire."
    )
    said = "where did police arrest the driver, and did he crash before?"
    rewritten = f"{said} many riders died pickup hit motorcycle riders new hampshire"
    found = [evidence("Driver in New Hampshire crash pleads not guilty", text)]

    answer = "".join(generator.stream(rewritten, found, message=said))

    assert "Massachusetts" in answer
    assert "guard rail" in answer


def test_a_sentence_much_like_one_picked_already_yields_to_one_on_another_detail() -> None:
    scores = np.array([1.0, 0.97, 0.95])
    lead, restated, detail = [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]
    chosen: list[int] = []

    for index in diverse_order(scores, np.array([lead, restated, detail]), chosen):
        chosen.append(index)

    assert chosen == [0, 2, 1]


def test_which_kind_a_question_asks_for_may_come_before_a_verb_of_its_own() -> None:
    sentences = [
        "Erdogan pledged converting Hagia Sophia to a mosque.",
        "Greek Foreign Minister George Katrougalos emphasized the requirement of approval.",
    ]

    assert focus_words("which greek minister criticised erdogan's plan?", sentences) == {
        "greek",
        "minister",
    }
