"""A question naming a year in which no news held matches names a past event ("the 1996 NBA
draft", "the 2018 referendum" a 2019 report recalls), searched in the whole store; a month or a
day names the news's own time, unless a later report recalling that month matches far better."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import cast

from newsrag.chat import ChatService
from newsrag.generation.extractive import ExtractiveGenerator
from newsrag.models import RetrievedChunk
from newsrag.retrieval import Retriever, SearchRequest
from newsrag.sessions import SessionStore
from tests.conftest import FakeEmbedder
from tests.test_followup import Stored, chunk


def answering(retriever: Retriever) -> ChatService:
    """The chat service answering from `retriever` with the extractive reader."""
    return ChatService(retriever, ExtractiveGenerator(FakeEmbedder()), cast(SessionStore, None))


def test_a_year_with_no_news_is_searched_store_wide_but_a_month_is_not() -> None:
    told = replace(chunk(9, 0.6), text="Bryant was drafted by the Charlotte Hornets in 1996.")
    chat = answering(Stored([told], [told], []))

    assert chat.retrieve("Which team drafted Kobe Bryant in 1996?").sources
    assert not chat.retrieve("Which team drafted Kobe Bryant in March 1996?").sources


class Dated(Stored):
    """`found` for a search within a time, `wider` for one of the whole store."""

    def __init__(self, found: list[RetrievedChunk], wider: list[RetrievedChunk]) -> None:
        super().__init__(found, [*found, *wider], [])
        self.wider = wider

    def search(self, request: SearchRequest) -> list[RetrievedChunk]:
        return self.found if request.filters.start or request.filters.end else self.wider


def test_a_year_whose_news_matches_poorly_is_searched_store_wide_when_a_report_recalls_it() -> None:
    poor = replace(chunk(1, 0.12), text="A bus crashed in Cuba.")
    recalled = replace(
        chunk(2, 0.6), text="In the 2018 referendum, 67% of Taiwanese voted against it."
    )
    chat = answering(Dated([poor], [recalled]))

    found = chat.retrieve("what share of taiwanese voted against it in the 2018 referendum?")

    assert [source.url for source in found.sources] == [recalled.url]


def test_a_better_match_of_another_year_does_not_replace_the_news_of_the_year_asked() -> None:
    poor = replace(chunk(1, 0.12), text="A bus crashed in Cuba.")
    other = replace(chunk(2, 0.6), text="Greta Thunberg was named 2019 Person of the Year.")
    chat = answering(Dated([poor], [other]))

    found = chat.retrieve("who was time's person of the year for 2017?")

    assert other.url not in [source.url for source in found.sources]


def test_a_later_report_recalling_the_month_asked_replaces_a_poor_match_of_that_month() -> None:
    poor = replace(chunk(1, 0.36), text="China Eastern will buy twenty Airbus jets.")
    recalled = replace(
        chunk(2, 0.6),
        text="The Air France jet crashed into the Atlantic in June, killing all 228 on board.",
    )
    chat = answering(Dated([poor], [recalled]))

    found = chat.retrieve("how many died when the air france jet went down in june 2020?")
    other = chat.retrieve("how many died when the air france jet went down in may 2020?")

    assert [source.url for source in found.sources] == [recalled.url]
    assert recalled.url not in [source.url for source in other.sources]


def published(found: RetrievedChunk, day: date) -> RetrievedChunk:
    return replace(found, published_at=datetime(day.year, day.month, day.day, tzinfo=UTC))


def test_a_later_report_recalling_a_year_s_event_far_better_replaces_its_weak_news() -> None:
    weak = published(replace(chunk(1, 0.45), text="A cargo ship vanished."), date(2018, 6, 1))
    recorder = published(
        replace(chunk(2, 0.6), text="The Lion Air jet's voice recorder was found in the Java Sea."),
        date(2019, 1, 16),
    )
    chat = answering(Dated([weak], [recorder]))

    found = chat.retrieve("what kind of plane was the lion air jet that crashed in 2018?")

    assert [source.url for source in found.sources] == [recorder.url]


def test_the_last_time_before_a_year_is_recalled_by_that_year_s_report() -> None:
    weak = published(replace(chunk(1, 0.45), text="Bombs hit a cathedral."), date(2019, 1, 28))
    shut = published(
        replace(chunk(2, 0.65), text="ABS-CBN was last shut down in 1972, under martial law."),
        date(2020, 5, 6),
    )
    chat = answering(Dated([weak], [shut]))

    found = chat.retrieve("when was the last time before 2020 that abs-cbn was shut down?")

    assert found.sources[0].url == shut.url


def test_a_year_s_race_is_told_by_the_report_of_the_year_before_naming_it() -> None:
    weak = published(replace(chunk(1, 0.37), text="Biden won the primary."), date(2020, 3, 4))
    text = "Hickenlooper, a candidate in the 2020 presidential election, ended his campaign."
    left = published(replace(chunk(2, 0.5), text=text), date(2019, 8, 16))
    unnamed = replace(left, text="Hickenlooper, a presidential candidate, ended his campaign.")
    question = "how did hickenlooper announce he was dropping out of the 2020 race?"

    assert answering(Dated([weak], [left])).retrieve(question).sources[0].url == left.url
    assert answering(Dated([weak], [unnamed])).retrieve(question).sources[0].url == weak.url


def test_a_thing_the_first_article_lacks_is_searched_outside_the_time_of_the_other() -> None:
    bridge = published(
        replace(chunk(1, 0.6), title="Knife attack on London Bridge", text="Khan stabbed two."),
        date(2019, 11, 30),
    )
    streatham = published(
        replace(chunk(2, 0.5), title="Knife attack in Streatham", text="Amman stabbed two."),
        date(2020, 2, 3),
    )
    chat = answering(Dated([bridge], [streatham, bridge]))

    found = chat.retrieve(
        "The London Bridge attack in November 2019 and the Streatham stabbing: what did they share?"
    )

    assert [source.url for source in found.sources] == [bridge.url, streatham.url]
