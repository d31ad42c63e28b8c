from datetime import date, timedelta

import pytest

from newsrag.models import TimeWindow
from newsrag.retrieval.timeparse import parse_time

# A Wednesday in January: "last month" falls in the previous year.
AS_OF = date(2021, 1, 13)


def window(question: str, as_of: date = AS_OF) -> TimeWindow:
    found = parse_time(question, as_of)
    assert found is not None, question
    return found


def test_a_named_month_starts_on_its_first_day() -> None:
    found = window("What happened to the stock market in March 2020?")

    assert found.start == date(2020, 3, 1)
    assert found.label == "March 2020"
    assert found.recent is False


def test_a_year_after_a_preposition_starts_on_the_first_of_january() -> None:
    found = window("Who resigned in 2019?")

    assert found.start == date(2019, 1, 1)
    assert found.label == "2019"


def test_a_year_used_as_an_adjective_is_no_window() -> None:
    assert parse_time("Who won the 2019 UK general election?", AS_OF) is None


def test_an_adjective_year_does_not_hide_a_later_prepositional_year() -> None:
    found = window("What did the 2019 election change in 2020?")

    assert found.start == date(2020, 1, 1)
    assert found.label == "2020"


def test_before_a_year_ends_at_its_first_day_with_no_start() -> None:
    found = window("What did Apple release before 2006?")

    assert found.start is None
    assert found.end == date(2006, 1, 1)
    assert found.label == "before 2006"


def test_after_a_month_starts_when_the_month_is_over_with_no_end() -> None:
    found = window("What happened to Zoom after March 2020?")

    assert found.start == date(2020, 4, 1)
    assert found.end is None
    assert found.label == "after March 2020"


def test_since_an_iso_date_starts_on_that_day_with_no_end() -> None:
    found = window("What has Boeing said since 2019-05-01?")

    assert found.start == date(2019, 5, 1)
    assert found.end is None
    assert found.label == "since 2019-05-01"


def test_a_spelled_out_date_is_one_day() -> None:
    found = window("What happened on November 9, 2004?")

    assert found.start == date(2004, 11, 9)
    assert found.end is not None
    assert found.filters


def test_a_day_month_year_date_is_the_same_day_as_month_day_year() -> None:
    assert window("What happened on 9 Nov 2004?") == window("What happened on November 9, 2004?")


@pytest.mark.parametrize(
    "question",
    [
        "What is the latest news about Apple?",
        "Any recent news on the Boeing 737 MAX?",
        "What are the newest phones from Samsung?",
        "What's new in science?",
        "What's happening in sports?",
        "Any updates on the election?",
        "What is going on in Hong Kong?",
    ],
)
def test_recency_words_ask_for_recent_news_without_a_window(question: str) -> None:
    found = window(question)

    assert found.recent is True
    assert found.start is None
    assert found.end is None
    assert found.filters is False
    assert found.label == "latest"
    assert found.as_of == AS_OF


def test_today_starts_on_the_reference_day() -> None:
    found = window("What happened today?")

    assert found.start == AS_OF
    assert found.label == "today"


def test_yesterday_is_the_day_before_the_reference_day() -> None:
    found = window("What did the Fed announce yesterday?")

    assert found.start == date(2021, 1, 12)
    assert found.end == AS_OF
    assert found.label == "yesterday"


def test_this_week_starts_on_monday() -> None:
    found = window("What happened this week?")

    assert found.start == date(2021, 1, 11)
    assert found.start.weekday() == 0
    assert found.label == "this week"


def test_last_week_starts_on_the_monday_before_this_one() -> None:
    found = window("What happened last week?")

    assert found.start == date(2021, 1, 4)
    assert found.label == "last week"


def test_this_month_starts_on_its_first_day() -> None:
    found = window("What happened this month?")

    assert found.start == date(2021, 1, 1)
    assert found.label == "this month"


def test_last_month_in_january_is_december_of_the_previous_year() -> None:
    found = window("What happened last month?")

    assert found.start == date(2020, 12, 1)
    assert found.end == date(2021, 1, 1)
    assert found.label == "last month"


def test_last_month_in_a_later_month_is_the_month_before() -> None:
    found = window("What happened last month?", date(2020, 3, 31))

    assert found.start == date(2020, 2, 1)
    assert found.end == date(2020, 3, 1)


def test_last_year_starts_on_the_first_of_january_of_the_previous_year() -> None:
    found = window("Who won the election last year?")

    assert found.start == date(2020, 1, 1)
    assert found.label == "last year"


def test_the_past_two_weeks_are_fourteen_days_up_to_the_reference_day() -> None:
    found = window("What happened in the past 2 weeks?")

    assert found.start == AS_OF - timedelta(days=13)
    assert found.label == "the past 2 weeks"


def test_relative_windows_follow_the_reference_day() -> None:
    assert window("What happened today?", date(2004, 11, 9)).start == date(2004, 11, 9)


def test_a_question_without_time_words_has_no_window() -> None:
    assert parse_time("Why did the CEO of Boeing resign?", AS_OF) is None


def test_a_version_number_is_not_a_date() -> None:
    assert parse_time("When was Firefox 1.0 released by the Mozilla Foundation?", AS_OF) is None


def test_an_update_as_a_thing_is_no_recency() -> None:
    assert parse_time("What did the iOS 4 update change?", AS_OF) is None


def test_after_an_event_dated_by_its_year_starts_when_the_year_does() -> None:
    found = window("how many games was he suspended for after the 2004 brawl with detroit?")

    assert found.start == date(2004, 1, 1)
    assert found.end is None
    assert found.label == "since 2004"


def test_before_an_event_dated_by_its_month_ends_when_the_month_does() -> None:
    found = window("What did shops sell before the March 2020 lockdown?")

    assert found.start is None
    assert found.end == date(2020, 4, 1)
    assert found.label == "up to March 2020"


def test_a_part_of_a_year_is_the_months_it_names() -> None:
    late = window(
        "Who was lined up as chief executive when Kmart agreed to buy Sears in late 2004?"
    )
    middle = window("news from mid-2007")

    assert (late.start, late.end, late.label) == (date(2004, 9, 1), date(2005, 1, 1), "late 2004")
    assert (middle.start, middle.end, middle.label) == (
        date(2007, 4, 1),
        date(2007, 10, 1),
        "mid 2007",
    )
