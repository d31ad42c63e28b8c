"""A question naming a year in which no news is held names a past event ("the 1996 NBA
draft"), searched in the whole store; a month or a day names the news's own time."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from newsrag.chat import ChatService
from newsrag.generation.extractive import ExtractiveGenerator
from newsrag.sessions import SessionStore
from tests.conftest import FakeEmbedder
from tests.test_followup import Stored, chunk


def test_a_year_with_no_news_is_searched_store_wide_but_a_month_is_not() -> None:
    told = replace(chunk(9, 0.6), text="Bryant was drafted by the Charlotte Hornets in 1996.")
    chat = ChatService(
        Stored([told], [told], []), ExtractiveGenerator(FakeEmbedder()), cast(SessionStore, None)
    )

    assert chat.retrieve("Which team drafted Kobe Bryant in 1996?").sources
    assert not chat.retrieve("Which team drafted Kobe Bryant in March 1996?").sources
