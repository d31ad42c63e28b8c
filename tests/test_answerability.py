"""Whether the news found answers a question is one fitted decision over measured signals: how
many of the question's names the articles hold (demonyms and country names alike), how much of
it the best sentence holds, whether the year asked about is the articles' own, whether a result
asked about is reported. Texts modelled on Wikinews articles."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from newsrag.models import RetrievedChunk, Source
from newsrag.retrieval import Evidence
from newsrag.retrieval.answerability import Signals
from newsrag.retrieval.coverage import Vocabulary, specific_terms
from newsrag.retrieval.select import whole_articles

PHYSICS_TITLE = "Swedish academy announces 2019 Nobel Prize winners in physics"
PHYSICS = (
    "The Royal Swedish Academy of Sciences announced the 2019 Nobel Prize in Physics on "
    "Tuesday. James Peebles won half of the prize for theoretical discoveries in cosmology. "
    "Michel Mayor and Didier Queloz shared the other half for discovering an exoplanet."
)
TANKER_TITLE = "Airbus parent EADS wins contract to supply air-to-air refuelling tankers"
TANKER = (
    "EADS has signed a contract worth 13 billion pounds to supply the Royal Air Force with "
    "refuelling tankers. The British contract runs for 27 years."
)


def found(
    title: str, text: str, score: float = 0.7, year: int = 2019, month: int = 10
) -> tuple[list[Source], list[Evidence]]:
    published = datetime(year, month, 8, tzinfo=UTC)
    chunk = RetrievedChunk(
        1, 1, 0, text, score, "https://example.org/1", title, "Wikinews", published
    )
    return [Source(1, title, chunk.url, score, published, "Wikinews")], [Evidence(1, chunk)]


def second(title: str, text: str) -> Evidence:
    """The evidence of a second source, after the one `found` gives."""
    published = datetime(2019, 10, 14, tzinfo=UTC)
    url = "https://example.org/2"
    return Evidence(2, RetrievedChunk(2, 2, 0, text, 0.5, url, title, "Wikinews", published))


def test_a_question_the_article_answers_is_answerable() -> None:
    signals = Signals.of("Who won the 2019 Nobel Prize in Physics?", *found(PHYSICS_TITLE, PHYSICS))

    assert (signals.names, signals.unreported) == (1.0, 0.0)
    assert signals.answerable


def test_another_prize_than_the_articles_is_not_answerable() -> None:
    signals = Signals.of(
        "Who won the 2019 Nobel Prize in Chemistry?", *found(PHYSICS_TITLE, PHYSICS)
    )

    assert signals.names < 1.0
    assert not signals.answerable


def test_a_year_the_article_is_not_from_is_flagged() -> None:
    signals = Signals.of(
        "Who won the Nobel Prize in Physics in 2015?", *found(PHYSICS_TITLE, PHYSICS)
    )

    assert signals.other_year == 1.0


def test_a_year_is_held_by_an_article_published_early_in_the_next() -> None:
    question = "What did the Swedish academy award in 2018 for discovering an exoplanet?"

    assert Signals.of(question, *found(PHYSICS_TITLE, PHYSICS, year=2019, month=1)).names == 1.0
    assert Signals.of(question, *found(PHYSICS_TITLE, PHYSICS, year=2019)).names < 1.0


def test_a_person_described_as_first_female_asks_for_no_contest_category() -> None:
    title = "Mary Barra appointed as General Motors chief"
    text = "Barra studied electrical engineering at Kettering University. She will lead GM."
    signals = Signals.of("what did gm's first female ceo study?", *found(title, text, year=2013))

    assert (signals.names, signals.unreported) == (1.0, 0.0)


def test_a_demonym_matches_its_country() -> None:
    signals = Signals.of(
        "How long is the contract EADS signed to supply Britain's air force with tankers?",
        *found(TANKER_TITLE, TANKER, year=2008),
    )

    assert signals.names == 1.0
    assert signals.answerable


def test_country_and_people_names_match_each_other_but_not_a_neighbour() -> None:
    french = Vocabulary.of("The French president spoke in Paris.")
    english = Vocabulary.of("Masks are compulsory on public transport in England.")

    assert french.holds("france")
    assert not english.holds("scotland")


def test_the_kremlin_moscow_and_the_soviets_are_held_by_an_article_saying_russian() -> None:
    held = Vocabulary.of("Russian opposition leader Alexei Navalny was poisoned.")

    assert held.holds("kremlin")
    assert held.holds("soviet")
    assert held.holds("moscow")


def test_an_american_is_held_by_an_article_saying_us() -> None:
    assert Vocabulary.of("US professional wrestler Jon Huber dies aged 41").holds("american")


def test_a_plural_name_is_held_by_its_singular() -> None:
    article = Vocabulary.of("Apple unveils new Intel-based Mac")

    assert article.holds("macs")
    assert not article.holds("class")


def test_only_the_capitalised_parts_of_a_hyphenated_name_are_names() -> None:
    assert specific_terms("When did Apple unveil its first Intel-based Macs?") == [
        "apple",
        "intel",
        "macs",
    ]
    assert specific_terms("Who owns the Coca-Cola brand?") == ["coca", "cola"]


def test_a_sentence_holding_the_kind_of_thing_asked_for_is_typed() -> None:
    question = "How long does the EADS tanker contract run?"
    signals = Signals.of(question, *found(TANKER_TITLE, TANKER, year=2008))
    untyped = Signals.of(question, *found(TANKER_TITLE, "EADS signed a tanker contract."))

    assert signals.typed > untyped.typed


def test_whole_articles_add_the_other_chunks_of_the_articles_read() -> None:
    sources, evidence = found(PHYSICS_TITLE, PHYSICS)
    deeper = RetrievedChunk(
        7,
        1,
        3,
        "Peebles is a professor at Princeton.",
        0.4,
        sources[0].url,
        PHYSICS_TITLE,
        "",
        None,
    )
    elsewhere = RetrievedChunk(8, 2, 0, "Other.", 0.4, "https://example.org/2", "Other", "", None)

    read = whole_articles(evidence, sources, [evidence[0].chunk, deeper, elsewhere])

    assert [(item.n, item.chunk.chunk_id) for item in read] == [(1, 1), (1, 7)]


def test_an_acronym_is_held_by_the_words_it_stands_for() -> None:
    held = Vocabulary.of("Manafort must pay restitution to the Internal Revenue Service.")

    assert held.holds("irs")
    assert Vocabulary.of("The Food and Drug Administration approved it.").holds("fda")
    assert not held.holds("fbi")


def test_an_abbreviated_title_is_held_by_its_words_written_out() -> None:
    held = Vocabulary.of("General Motors named Mary Barra as its new chief executive.")

    assert held.holds("ceo")
    assert not held.holds("cfo")
    assert "ceo" in specific_terms("How long had Mary Barra worked at GM when she was named CEO?")


def test_an_acronym_ending_in_a_roman_numeral_keeps_it_whole() -> None:
    held = Vocabulary.of("The submarine was sunk in World War II off Okinawa.")

    assert held.holds("wwii")
    assert not held.holds("wwi")


def test_an_acronym_may_stand_for_the_first_words_of_a_longer_name() -> None:
    held = Vocabulary.of("Conyers got Martin Luther King Jr. Day made a federal holiday.")

    assert held.holds("mlk")
    assert not held.holds("mlb")


def test_a_dotted_acronym_and_a_number_with_its_unit_are_held() -> None:
    held = Vocabulary.of("The wreck was the U.S.S. Grayback. Warholm won the 400 m hurdles.")

    assert held.holds("uss")
    assert held.holds("400m")
    assert not held.holds("200m")


def test_the_month_asked_about_is_the_search_s_time_not_a_name() -> None:
    text = "A Polish chef grabbed a narwhal tusk to confront the attacker on London Bridge."
    sources, evidence = found("Bystanders foil knife attack on London Bridge", text)

    signals = Signals.of(
        "What did the Polish chef grab on London Bridge in November?", sources, evidence
    )

    assert signals.names == 1.0


def test_the_category_of_a_contest_must_be_named_like_a_name() -> None:
    text = "Karsten Warholm of Norway won the men's 400 metres hurdles final in Doha."
    sources, evidence = found("Warholm wins gold in 400 m hurdles", text)

    assert Signals.of("Who won the men's 400 m hurdles in Doha?", sources, evidence).names == 1.0
    assert Signals.of("Who won the women's 400 m hurdles in Doha?", sources, evidence).names < 1.0


def test_a_category_asked_must_be_named_by_the_best_article_not_another() -> None:
    best = "Karsten Warholm of Norway won the 400 metres hurdles final in Doha."
    sources, evidence = found("Warholm wins gold in 400 m hurdles", best)
    evidence = [*evidence, second("Kosgei sets record", "Brigid Kosgei won the women's race.")]

    asked = Signals.of("Who won the women's 400 m hurdles in Doha?", sources, evidence)

    assert asked.names == 1.0
    assert asked.unreported == 1.0
    assert Signals.of("Who won the 400 m hurdles in Doha?", sources, evidence).unreported == 0.0


def test_a_party_s_nickname_is_held_by_its_name() -> None:
    held = Vocabulary.of("Boris Johnson won the Conservative leadership ballot.")

    assert held.holds("tory")
    assert not held.holds("labour")
    assert Vocabulary.of("Liberal Democrats are to find a new leader.").holds("lib")


def test_a_singular_word_is_held_by_its_plural() -> None:
    held = Vocabulary.of("The Conservative Party won 365 seats and 92,153 votes.")

    assert held.holds("seat") and held.holds("vote")
    assert not held.holds("sea")


def test_a_sum_in_billions_is_held_by_its_number() -> None:
    assert Vocabulary.of("Cerberus is paying $7.4 billion for Chrysler.").holds("4bn")


def test_an_article_on_something_else_does_not_answer_a_question_naming_unseen_names() -> None:
    quake = "Earthquake in Turkey: rescuers stop the search for survivors"
    text = "At least 116 people died in the earthquake, and rescuers stopped the search today."
    question = "how many died when the morandi bridge collapsed in genoa?"

    unrelated = Signals.of(question, *found(quake, text, score=0.39))
    similar = Signals.of(question, *found(quake, text, score=0.6))

    assert unrelated.names == 1.0  # nothing the store writes as a name
    assert unrelated.unrelated == 1.0
    assert not unrelated.answerable
    assert similar.unrelated == 0.0


def test_an_article_holding_none_of_the_words_needs_more_similarity_to_be_on_topic() -> None:
    strike = "United States military kills Qasem Soleimani"
    text = "A US air strike killed Qasem Soleimani near Baghdad airport; six others died."
    question = "what caused the huge explosion at the port of beirut in 2020?"

    signals = Signals.of(question, *found(strike, text, score=0.47, year=2020, month=1))

    assert signals.words == 0.0
    assert signals.unrelated == 1.0
    assert not signals.answerable


def test_a_source_matching_well_after_the_first_is_no_story_on_something_else() -> None:
    question = "how old were hosni mubarak and ginger baker when they died?"
    baker = "Rock drummer Ginger Baker remembered"
    mubarak = "Former Egyptian President Hosni Mubarak dies"
    (first,), (kept,) = found(baker, "Tributes were paid.", score=0.41)
    (second,), (held,) = found(mubarak, "Mubarak died aged 91.", score=0.58)
    second = replace(second, n=2)
    held = Evidence(2, replace(held.chunk, chunk_id=2, article_id=2, url="https://example.org/2"))

    signals = Signals.of(question, [first, second], [kept, held])

    assert signals.unrelated == 0.0


def test_a_category_given_to_someone_must_be_named_by_that_one_s_article() -> None:
    sources, evidence = found("Kipchoge runs marathon under two hours", "Kipchoge ran 1:59:40.")
    record = "Brigid Kosgei set a women's world record of 2:14:04 in Chicago."
    both = [*evidence, second("Kosgei sets new world record", record)]
    question = "Kipchoge's marathon and Kosgei's women's world record: what were their times?"

    assert not Signals.of(question, sources, both).unreported
    assert Signals.of(question, sources, evidence).unreported
    assert Signals.of("What was Kipchoge's women's record?", sources, both).unreported


def test_the_men_s_category_is_held_by_a_report_naming_no_women_s() -> None:
    question = "Who won bronze in the men's 400m hurdles in Doha?"
    text = "Karsten Warholm won the 400 metres hurdles in Doha; Abderrahman Samba took bronze."
    beside = text + " Dalilah Muhammad won the women's race."

    assert Signals.of(question, *found("Warholm wins gold", text)).names == 1.0
    assert Signals.of(question, *found("Warholm wins gold", beside)).names < 1.0


def test_a_place_describing_a_maker_is_no_name_its_article_must_print() -> None:
    text = "The final vote count in the Senate was 52-35, eight short of the 60 needed."
    sources, evidence = found("US automaker bailout deal fails to pass Senate", text, year=2008)
    question = "What was the tally in the Senate vote on the Detroit automaker bailout?"

    signals = Signals.of(question, sources, evidence)

    assert (signals.names, signals.unreported) == (1.0, 0.0)


def test_a_word_opening_a_second_sentence_is_no_name() -> None:
    question = "In 2009 Chrysler announced dealer closures. Roughly what share was it cutting?"

    assert specific_terms(question) == ["2009", "chrysler"]
    assert specific_terms("Did the U.S. Senate vote? Samoa shut down") == ["senate", "samoa"]
