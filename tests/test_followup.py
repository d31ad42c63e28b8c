"""A follow-up is read with the previous turn: the articles its answer cited are candidates, and
"what happened next?" is the next article in time on the same story; so is a question about a
result that the articles found were published too early to report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import cast

from newsrag.chat import ChatService
from newsrag.generation.citations import cited_before
from newsrag.generation.extractive import ExtractiveGenerator
from newsrag.models import Message, RetrievedChunk, Source
from newsrag.retrieval import Evidence
from newsrag.retrieval.followup import (
    asks_what_next,
    follow_up_chunks,
    names_told,
    new_topic,
    outcome_chunks,
    unsaid,
)
from newsrag.retrieval.search import Retriever, SearchRequest
from newsrag.sessions import SessionStore
from tests.conftest import FakeEmbedder

NOW = datetime(2020, 8, 30, tzinfo=UTC)


def chunk(article: int, score: float, day: int = 1) -> RetrievedChunk:
    published = datetime(2020, 8, day, tzinfo=UTC)
    url = f"https://example.org/{article}"
    return RetrievedChunk(
        article, article, 0, f"Text {article}.", score, url, f"T{article}", "", published
    )


def source(article: int, n: int = 1, day: int = 1) -> Source:
    return Source(
        n,
        f"T{article}",
        f"https://example.org/{article}",
        0.5,
        datetime(2020, 8, day, tzinfo=UTC),
        "",
    )


class Stored(Retriever):
    """A retriever over fixed chunks: `search` answers `found` (or `later` for a search from a
    start date on), `article_chunks` the chunks of `own` at the URLs asked for."""

    def __init__(
        self, found: list[RetrievedChunk], own: list[RetrievedChunk], later: list[RetrievedChunk]
    ) -> None:
        self.found, self.own, self.later = found, own, later

    def search(self, request: SearchRequest) -> list[RetrievedChunk]:
        return self.later if request.filters.start else self.found

    def article_chunks(self, urls: Sequence[str], query: str) -> list[RetrievedChunk]:
        return [c for c in self.own if c.url in urls]


def articles(chunks: list[RetrievedChunk]) -> list[int]:
    return list(dict.fromkeys(c.article_id for c in chunks))


REQUEST = SearchRequest("query", 40)


def test_the_cited_article_comes_first_when_it_matches_about_as_well() -> None:
    retriever = Stored([chunk(1, 0.41), chunk(2, 0.36)], [chunk(9, 0.39)], [])

    chunks = follow_up_chunks(
        retriever, REQUEST, "How many were on board?", [source(9)], retriever.found
    )

    assert articles(chunks) == [9, 1, 2]


def test_a_weaker_cited_article_stays_a_candidate_of_a_follow_up() -> None:
    retriever = Stored([chunk(1, 0.6), chunk(2, 0.5)], [chunk(9, 0.3)], [])

    chunks = follow_up_chunks(retriever, REQUEST, "What did he say?", [source(9)], retriever.found)

    assert articles(chunks) == [1, 2, 9]


def test_a_new_question_does_not_get_a_weaker_cited_article() -> None:
    retriever = Stored([chunk(1, 0.6), chunk(2, 0.5)], [chunk(9, 0.3)], [])

    chunks = follow_up_chunks(
        retriever,
        REQUEST,
        "When was Firefox 1.0 released by Mozilla?",
        [source(9)],
        retriever.found,
    )

    assert articles(chunks) == [1, 2]


def test_what_happened_next_is_the_first_later_article_on_the_story() -> None:
    later = [chunk(5, 0.55, day=20), chunk(4, 0.5, day=10), chunk(3, 0.2, day=5)]
    retriever = Stored([chunk(1, 0.6)], [], later)

    chunks = follow_up_chunks(
        retriever, REQUEST, "What happened next?", [source(9, day=2)], retriever.found
    )

    assert articles(chunks)[:2] == [4, 1]


def test_how_it_ended_is_the_last_later_article_on_the_story() -> None:
    later = [chunk(5, 0.55, day=20), chunk(4, 0.5, day=10), chunk(3, 0.2, day=5)]
    retriever = Stored([chunk(1, 0.6)], [], later)

    chunks = follow_up_chunks(
        retriever, REQUEST, "and how many died in the end?", [source(9, day=2)], retriever.found
    )

    assert articles(chunks)[:2] == [5, 1]


NAVALNY = (
    "Alexei Navalny was airlifted from Omsk to Berlin in August. "
    "Germany said tests showed he had been poisoned with Novichok."
)
SAID = "Today, Alexei Navalny was airlifted from Omsk to Berlin in August, Germany. [1]"


def test_what_happened_next_is_answered_without_what_was_already_said() -> None:
    story = [Evidence(1, replace(chunk(1, 0.6), text=NAVALNY))]

    fresh = unsaid("What happened next?", story, [SAID])

    assert [item.chunk.text for item in fresh] == [
        "Germany said tests showed he had been poisoned with Novichok."
    ]


def test_what_happened_next_leaves_out_the_story_told_when_a_later_article_leads() -> None:
    later = Evidence(1, replace(chunk(5, 0.5, day=20), text="The court ruled unanimously."))
    told = Evidence(2, replace(chunk(9, 0.6), text="A lower court found it unlawful."))

    fresh = unsaid("What happened after that?", [later, told], [], [source(9)])

    assert fresh == [later]


def test_what_happened_next_leaves_out_the_story_told_when_a_later_article_it_cited_leads() -> None:
    later = Evidence(1, replace(chunk(5, 0.6, day=20), text="The driver pleaded not guilty."))
    told = Evidence(2, replace(chunk(9, 0.7, day=2), text="A truck hit ten motorcycles."))

    fresh = unsaid(
        "What happened to the driver after that?",
        [later, told],
        [],
        [source(9, day=2), source(5, n=2, day=20)],
    )

    assert fresh == [later]


def test_what_happened_next_is_no_later_article_of_another_story() -> None:
    later = [chunk(5, 0.45, day=20)]  # a later story, far below the one told
    retriever = Stored([chunk(1, 0.6)], [chunk(9, 0.7, day=2)], later)

    chunks = follow_up_chunks(
        retriever,
        REQUEST,
        "What did the government do about it afterwards?",
        [source(9, day=2)],
        retriever.found,
    )

    assert articles(chunks) == [9, 1]


def test_how_it_ended_is_answered_from_the_newest_article_of_the_story() -> None:
    leading = Evidence(1, replace(chunk(5, 0.6, day=5), text="53 deaths have been recorded."))
    last = Evidence(2, replace(chunk(9, 0.5, day=29), text="81 had lost their lives."))
    other = Evidence(3, replace(chunk(4, 0.3, day=30), text="Markets fell."))

    fresh = unsaid(
        "How many people died in the end?", [leading, last, other], [], [source(5), source(9)]
    )

    assert fresh == [last]


def test_what_happened_next_keeps_the_story_told_when_no_later_article_leads() -> None:
    told = Evidence(1, replace(chunk(9, 0.6), text="A lower court found it unlawful."))
    other = Evidence(2, replace(chunk(4, 0.3), text="Markets fell."))

    assert unsaid("What happened next?", [told, other], [], [source(9)]) == [told, other]


def test_another_follow_up_may_repeat_what_was_said() -> None:
    story = [Evidence(1, replace(chunk(1, 0.6), text=NAVALNY))]

    assert unsaid("Where was he taken?", story, [SAID]) == story


def test_the_sources_an_answer_cited_are_read_from_the_history() -> None:
    answer = Message("assistant", "It rained. [2]", NOW, sources=(source(1, n=1), source(2, n=2)))

    assert cited_before([Message("user", "Weather?", NOW), answer]) == [source(2, n=2)]


def told(article: int, text: str, score: float, day: int) -> RetrievedChunk:
    return replace(chunk(article, score, day), text=text, title="Groom by-election")


OUTCOME = SearchRequest("Who won the Groom by-election?", 40)
BEFORE = told(1, "Voters in Groom go to the polls on Saturday in a by-election.", 0.7, day=27)


def test_a_result_not_yet_reported_is_read_from_the_next_article_on_the_story() -> None:
    result = told(2, "Garth Hamilton won the Groom by-election on Saturday.", 0.65, day=29)
    retriever = Stored([BEFORE], [], [result])

    chunks = outcome_chunks(retriever, OUTCOME, retriever.found)

    assert articles(chunks) == [2, 1]


def test_a_later_article_not_reporting_the_result_changes_nothing() -> None:
    campaign = told(2, "Candidates in Groom campaigned on water policy.", 0.65, day=28)
    retriever = Stored([BEFORE], [], [campaign])

    assert outcome_chunks(retriever, OUTCOME, retriever.found) == [BEFORE]


def test_a_result_already_found_needs_no_later_article() -> None:
    result = told(3, "Garth Hamilton won the Groom by-election on Saturday.", 0.6, day=29)
    later = told(2, "Garth Hamilton won the Groom by-election, the count confirmed.", 0.65, 30)
    retriever = Stored([BEFORE, result], [], [later])

    assert outcome_chunks(retriever, OUTCOME, retriever.found) == [BEFORE, result]


def test_how_a_story_ended_asks_what_happened_next() -> None:
    assert asks_what_next("so how did the whole dispute end?")
    assert asks_what_next("How did it turn out?")
    assert not asks_what_next("How did the fire start?")


def test_a_follow_up_led_by_the_story_just_told_is_answered_though_it_matches_it_weakly() -> None:
    told = replace(chunk(9, 0.3), text="Governor Pierluisi was removed by the Supreme Court.")
    retriever = Stored([told], [told], [])
    chat = ChatService(retriever, ExtractiveGenerator(FakeEmbedder()), cast(SessionStore, None))
    answer = Message("assistant", "Pierluisi was sworn in. [1]", NOW, sources=(source(9),))
    question = "did that guy get to keep the job?"

    history = [Message("user", "who replaced him?", NOW), answer]

    assert chat.retrieve(question, history).covered
    assert not chat.retrieve(question).covered
    assert not chat.retrieve("what is the recipe for chocolate cookies?", history).covered


def test_a_message_naming_nothing_that_finds_another_story_far_better_is_a_new_topic() -> None:
    cited = replace(chunk(1, 0.15), text="Iran admits downing the Ukrainian jet.")
    fire = replace(chunk(2, 0.7), text="A fire killed nine at a hotel in new delhi.")
    asked = SearchRequest("how many died in the hotel fire in new delhi?", 40)

    assert new_topic(Stored([fire], [cited], []), asked, [source(1)])


def test_a_message_whose_best_match_is_weak_stays_on_the_conversation_s_story() -> None:
    cited = replace(chunk(1, 0.145), text="Iran admits downing the Ukrainian jet.")
    boat = replace(chunk(2, 0.4), text="There were 33 people on board the burning boat.")
    asked = SearchRequest("how many people were on board?", 40)

    assert not new_topic(Stored([boat], [cited], []), asked, [source(1)])


NOBEL = "Didier Queloz and Michel Mayor shared the prize for finding the first exoplanet."


def test_a_message_naming_only_what_the_story_told_names_gets_its_article_first() -> None:
    told = replace(chunk(9, 0.24), text=NOBEL)
    mayors = [replace(chunk(1, 0.34), text="The mayor of Seoul was found dead.")]
    retriever = Stored(mayors, [told], [])

    chunks = follow_up_chunks(
        retriever, REQUEST, "What did Queloz and Mayor discover?", [source(9)], mayors
    )

    assert articles(chunks) == [9, 1]


def test_a_message_naming_what_the_story_does_not_is_not_about_it() -> None:
    told = replace(chunk(9, 0.24), text=NOBEL)

    assert not names_told("What did Greta Thunberg say?", [told])
    assert names_told("What did Queloz and Mayor discover?", [told])


def test_a_message_naming_the_people_of_the_story_told_is_answered_from_it() -> None:
    told = replace(chunk(9, 0.2), text=NOBEL)  # below 0.7 of the best
    mayors = [replace(chunk(1, 0.34), text="The mayor of Seoul was found dead in a park.")]
    retriever = Stored(mayors, [told], [])
    chat = ChatService(retriever, ExtractiveGenerator(FakeEmbedder()), cast(SessionStore, None))
    answer = Message("assistant", "Queloz and Mayor won. [1]", NOW, sources=(source(9),))
    history = [Message("user", "Who won the 2019 Nobel Prize in Physics?", NOW), answer]

    found = chat.retrieve("What did Queloz and Mayor discover?", history)

    assert found.covered
    assert found.sources[0].url == "https://example.org/9"
