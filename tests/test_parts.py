"""Two-part questions are split into their parts, each searched on its own (in the time it names),
and the best article of each part is kept among the sources. Questions modelled on Wikinews
stories."""

from __future__ import annotations

from datetime import UTC, date, datetime

from newsrag.models import RetrievedChunk, SearchFilters, Source
from newsrag.retrieval import Evidence
from newsrag.retrieval.parts import (
    Part,
    closest_first,
    parts_answerable,
    question_parts,
    search_named_parts,
    search_parts,
    with_parts,
)
from newsrag.retrieval.search import Retriever, SearchRequest
from newsrag.retrieval.select import select_sources
from tests.test_time_fallback import answering


def chunk(article: int, text: str = "", title: str = "", score: float = 0.6) -> RetrievedChunk:
    return RetrievedChunk(
        article,
        article,
        0,
        text or f"Text {article}.",
        score,
        f"https://example.org/{article}",
        title or f"T{article}",
        "",
        datetime(2019, 2, 12, tzinfo=UTC),
    )


def test_a_choice_is_split_into_its_two_alternatives_under_the_question() -> None:
    parts = question_parts(
        "Which fire killed more people, the hotel fire in Delhi or the slum fire in Chittagong?"
    )

    assert parts == [
        Part(
            "Which fire killed more people the hotel fire in Delhi",
            "the hotel fire in Delhi",
            "choice",
        ),
        Part(
            "Which fire killed more people the slum fire in Chittagong",
            "the slum fire in Chittagong",
            "choice",
        ),
    ]


def test_a_comparative_with_than_is_split_into_its_two_sides() -> None:
    parts = question_parts("was the magnitogorsk collapse deadlier than the bombing at jolo?")

    assert [(part.query, part.kind) for part in parts] == [
        ("deadlier the magnitogorsk collapse", "choice"),
        ("deadlier the bombing at jolo", "choice"),
    ]


def test_more_people_in_one_event_than_in_another_is_split_into_the_two_events() -> None:
    parts = question_parts("did more people die in the karol bagh fire than in the slum fire?")

    assert [part.subject for part in parts] == ["the karol bagh fire", "the slum fire"]


def test_more_than_expected_or_than_last_year_is_one_question() -> None:
    assert question_parts("Did Apple sell more iPhones than expected?") == []
    assert question_parts("Was the fire bigger than last year's?") == []


def test_a_span_between_two_events_is_split_at_between_and_and() -> None:
    parts = question_parts(
        "How long was it between the A380's maiden flight and the first delivery to Singapore "
        "Airlines?"
    )

    assert [part.subject for part in parts] == [
        "the A380's maiden flight",
        "the first delivery to Singapore Airlines",
    ]
    assert {part.kind for part in parts} == {"span"}


def test_how_long_after_one_event_another_happened_is_a_span() -> None:
    parts = question_parts(
        "How many years after Qaboos took power in Oman did Hosni Mubarak become President of "
        "Egypt?"
    )

    assert [part.subject for part in parts] == [
        "Qaboos took power in Oman",
        "Hosni Mubarak become President of Egypt",
    ]


def test_a_part_referring_back_carries_the_other_parts_names() -> None:
    parts = question_parts(
        "How long was it between the unveiling of the Airbus A380 and its first delivery?"
    )

    assert parts[1].subject == "its first delivery airbus a380"


def test_two_questions_in_one_are_split_and_the_second_gets_the_first_ones_names() -> None:
    parts = question_parts(
        "Where was Alexei Navalny taken for treatment, and what poison did Germany say was used?"
    )

    assert [part.query for part in parts] == [
        "Where was Alexei Navalny taken for treatment",
        "what poison did Germany say was used alexei navalny",
    ]
    assert {part.kind for part in parts} == {"clauses"}


def test_a_comparison_with_versus_is_a_choice_between_its_two_sides() -> None:
    parts = question_parts(
        "How many people died in the Delhi hotel fire versus the Chittagong slum fire?"
    )

    assert parts == [
        Part("How many people died in the Delhi hotel fire", "the Delhi hotel fire", "choice"),
        Part(
            "How many people died in the Chittagong slum fire", "the Chittagong slum fire", "choice"
        ),
    ]


def test_one_question_has_no_parts() -> None:
    assert question_parts("Who won the 2019 Nobel Prize in Physics?") == []
    assert question_parts("Did the measles outbreak in Samoa end, or not?") == []
    assert question_parts("Who won the match against the Lakers?") == []


def test_the_best_article_of_each_part_follows_the_first_article() -> None:
    found = [chunk(1), chunk(2), chunk(3), chunk(4)]
    each = [[chunk(1)], [chunk(9), chunk(4)]]

    ordered = [c.article_id for c in with_parts(found, each)]

    assert ordered == [1, 9, 2, 3, 4]


def test_each_part_s_best_article_is_a_source_however_it_scores_on_the_whole_question() -> None:
    found = [chunk(1, score=0.8), chunk(9, score=0.3), chunk(2, score=0.4)]

    sources, _ = select_sources(found, 5, min_ratio=0.7, kept={9})

    assert [source.url for source in sources] == [
        "https://example.org/1",
        "https://example.org/9",
    ]


class Recording(Retriever):
    """Answers nothing; keeps the requests it was asked."""

    def __init__(self) -> None:
        self.requests: list[SearchRequest] = []

    def search(self, request: SearchRequest) -> list[RetrievedChunk]:
        self.requests.append(request)
        return []


def test_each_part_is_searched_in_the_time_it_names_only() -> None:
    retriever = Recording()
    parts = question_parts(
        "How many votes did Pelosi get when elected Speaker in January 2019, and what did she "
        "announce about Trump?"
    )
    request = SearchRequest("q", 40, SearchFilters(), as_of=date(2020, 12, 1))

    search_parts(retriever, request, parts)

    first, second = (r.filters for r in retriever.requests)
    assert (first.start, first.end) == (date(2019, 1, 1), date(2019, 2, 11))
    assert (second.start, second.end) == (None, None)


def test_every_part_must_be_answerable_from_its_own_article() -> None:
    parts = question_parts("Which bus carried more people, the Viazul bus or the Kaluga bus?")
    viazul = chunk(1, "The Viazul bus carrying 40 passengers crashed near Guantanamo.", "Viazul")
    kaluga = chunk(2, "A bus carrying 45 people overturned near Kaluga.", "Kaluga bus crash")
    other = chunk(3, "A ferry sank in the river.", "Ferry sinks")
    sources = [
        Source(n, c.title, c.url, 0.6, c.published_at, "")
        for n, c in enumerate([viazul, kaluga], 1)
    ]
    evidence = [Evidence(1, viazul), Evidence(2, kaluga)]

    assert parts_answerable(parts, [[viazul], [kaluga]], sources, evidence)
    assert not parts_answerable(parts, [[viazul], [other]], sources, evidence)


def test_a_part_s_most_similar_article_comes_first_though_words_ranked_another_first() -> None:
    found = [chunk(1, score=0.31), chunk(1, score=0.32), chunk(2, score=0.62), chunk(3, score=0.4)]

    ordered = closest_first(found)

    assert [c.article_id for c in ordered] == [2, 1, 1, 3]


def test_the_two_sides_may_come_before_what_is_asked_of_them() -> None:
    parts = question_parts("zimbabwe's mugabe vs france's chirac - who was older when he died?")

    assert [(part.query, part.subject, part.kind) for part in parts] == [
        ("who was older when he died zimbabwe's mugabe", "zimbabwe's mugabe", "choice"),
        ("who was older when he died france's chirac", "france's chirac", "choice"),
    ]


def test_before_or_after_asks_which_of_two_events_came_first() -> None:
    parts = question_parts(
        "did daimler-benz merge with chrysler before or after steve jobs went back to apple?"
    )

    assert [(part.subject, part.kind) for part in parts] == [
        ("daimler-benz merge with chrysler", "span"),
        ("steve jobs went back to apple", "span"),
    ]


def test_a_choice_followed_by_another_question_keeps_the_second_side_alone() -> None:
    parts = question_parts(
        "Which launched first, Apple's iTunes Music Store or Firefox 1.0, and how far apart "
        "were they?"
    )

    assert [part.subject for part in parts] == ["Apple's iTunes Music Store", "Firefox 1.0"]


def test_a_versus_after_a_colon_splits_at_the_first_side_named() -> None:
    parts = question_parts(
        "compare the death tolls: the apartment block that collapsed after a gas blast vs the "
        "flats that fell down in aleppo"
    )

    assert [part.subject for part in parts] == [
        "the apartment block that collapsed after a gas blast",
        "the flats that fell down in aleppo",
    ]


def test_how_much_more_one_thing_was_than_another_is_a_choice() -> None:
    parts = question_parts(
        "how much faster was kipchoge's marathon in vienna than kosgei's record run in chicago?"
    )

    assert [(part.subject, part.kind) for part in parts] == [
        ("kipchoge's marathon in vienna", "choice"),
        ("kosgei's record run in chicago", "choice"),
    ]


def test_compare_a_and_b_is_a_choice_between_them() -> None:
    parts = question_parts("compare the death tolls of the calicut crash and the tehran jet")
    compared = question_parts("How did Ford's 2009 profit compare with GM's 2009 loss?")

    assert [part.subject for part in parts] == ["the calicut crash", "the tehran jet"]
    assert [part.subject for part in compared] == ["Ford's 2009 profit", "GM's 2009 loss"]


def test_a_follow_up_s_carried_words_go_with_each_of_its_parts() -> None:
    parts = question_parts(
        "how long did that guy last, and who ended up as governor? puerto rico governor sworn"
    )

    assert [part.query for part in parts] == [
        "how long did that guy last puerto rico governor sworn",
        "who ended up as governor puerto rico governor sworn",
    ]


def test_a_second_question_after_a_question_mark_is_no_carried_words() -> None:
    parts = question_parts("Who won the race? and who came second")

    assert [part.query for part in parts] == ["Who won the race", "who came second"]


def test_how_old_one_was_when_another_story_happened_asks_two_things() -> None:
    parts = question_parts("how old was kay hagan when leonov did the first ever spacewalk?")

    assert [part.query for part in parts] == [
        "how old was kay hagan",
        "when leonov did the first ever spacewalk",
    ]
    assert question_parts("how old was pinochet when they put him under house arrest") == []
    assert question_parts("How old was Walter Munk when Walter Munk died?") == []


def test_a_second_question_after_the_first_ones_question_mark_is_a_part() -> None:
    parts = question_parts("did boeing fight it? how long did the air force get to respond?")

    assert [part.subject for part in parts] == [
        "did boeing fight it",
        "how long did the air force get to respond",
    ]


def test_a_follow_up_s_part_may_name_its_story_only_by_the_carried_words() -> None:
    parts = question_parts("did they find the voice recorder? where was it? lion air jet java sea")

    assert [part.query for part in parts] == [
        "did they find the voice recorder lion air jet java sea",
        "where was it lion air jet java sea",
    ]


def test_words_after_a_question_mark_that_ask_nothing_of_their_own_are_no_part() -> None:
    assert question_parts("and by the time it was lifted? how many people died samoa") == []


class ByWords(Retriever):
    """Finds the chunks whose title shares a word with the query, those sharing most first;
    keeps the queries asked."""

    def __init__(self, chunks: list[RetrievedChunk]) -> None:
        self.chunks = chunks
        self.queries: list[str] = []

    def search(self, request: SearchRequest) -> list[RetrievedChunk]:
        self.queries.append(request.query)
        asked = set(request.query.lower().split())
        shared = {c.chunk_id: len(asked & set(c.title.lower().split())) for c in self.chunks}
        return sorted(
            (c for c in self.chunks if shared[c.chunk_id]), key=lambda c: -shared[c.chunk_id]
        )


MAGNITOGORSK = chunk(1, "The collapse killed 39.", "magnitogorsk apartment collapse")
KAROL_BAGH = chunk(2, "The fire killed 17 people.", "karol bagh hotel fire")


def test_a_thing_the_first_article_does_not_name_is_searched_on_its_own() -> None:
    retriever = ByWords([MAGNITOGORSK, KAROL_BAGH])
    question = "The Magnitogorsk collapse and the Karol Bagh fire: which was deadlier?"

    each = search_named_parts(retriever, SearchRequest(question, 40), [MAGNITOGORSK])

    assert question_parts(question) == []
    assert [chunks[0].article_id for chunks in each] == [2]
    assert retriever.queries == ["The collapse and the Karol Bagh fire: which was deadlier?"]


def test_a_question_about_one_thing_searches_no_parts() -> None:
    retriever = ByWords([MAGNITOGORSK, KAROL_BAGH])
    question = "How many died in the Magnitogorsk collapse in Karol Bagh?"

    assert search_named_parts(retriever, SearchRequest(question, 40), [MAGNITOGORSK]) == []
    assert retriever.queries == []


def test_the_thing_lacking_is_kept_from_the_first_article_naming_it_not_the_first_found() -> None:
    collapse = chunk(3, "A block of flats collapsed in Aleppo.", "aleppo apartment collapse")
    jolo = chunk(4, "Twin bombings struck the Jolo Cathedral.", "bombs at cathedral in mindanao")
    retriever = ByWords([MAGNITOGORSK, collapse, jolo])
    question = "Was the Magnitogorsk apartment collapse deadlier than the bombing at Jolo?"

    each = search_named_parts(retriever, SearchRequest(question, 40), [MAGNITOGORSK])

    assert [chunks[0].article_id for chunks in each] == [4]


def test_what_a_comparison_asks_after_its_two_things_is_asked_of_each() -> None:
    parts = question_parts(
        "compare the lion air crash with the calicut crash - how many people were on each plane?"
    )

    assert [part.subject for part in parts] == ["the lion air crash", "the calicut crash"]
    assert [part.query for part in parts] == [
        "how many people were on each plane the lion air crash",
        "how many people were on each plane the calicut crash",
    ]


def test_the_first_article_stays_a_source_beside_a_far_closer_one_naming_the_other_thing() -> None:
    boseman = chunk(3, "Boseman's cancer was diagnosed in 2016.", "chadwick boseman dies", 0.40)
    kobe = chunk(4, "Bryant retired from the NBA in 2016.", "kobe bryant dies", 0.61)
    chat = answering(ByWords([boseman, kobe]))

    found = chat.retrieve(
        "Was Chadwick Boseman diagnosed with cancer in the same year Kobe Bryant retired?"
    )

    assert [source.url for source in found.sources] == [boseman.url, kobe.url]


def test_one_question_about_two_things_of_two_years_asks_it_of_each() -> None:
    parts = question_parts(
        "where were the attackers in the 2019 paris police hq stabbing and the 2020 reading "
        "park stabbing originally from?"
    )

    assert [part.query for part in parts] == [
        "where were the attackers in the 2019 paris police hq stabbing",
        "where were the attackers in the 2020 reading park stabbing originally from",
    ]


def test_a_second_question_of_another_year_gets_no_names_of_the_first() -> None:
    parts = question_parts(
        "Which Pacers player got the longest suspension after the 2004 Pistons brawl, and "
        "which team's player tested positive leading the NBA to suspend its 2020 season?"
    )

    assert parts[1].query == (
        "which team's player tested positive leading the NBA to suspend its 2020 season"
    )


def test_the_article_naming_what_the_part_alone_names_comes_first_though_less_similar() -> None:
    general = chunk(1, "Astronomers watched the birth of an exoplanet far from Earth.", score=0.60)
    naming = chunk(2, "Mayor and Queloz discovered 51 Pegasi b in 1995.", score=0.37)

    assert closest_first([general, naming], {"51", "pegasi"})[0].article_id == 2
    assert closest_first([general, naming])[0].article_id == 1
