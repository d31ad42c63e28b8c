"""When a question is about: the time window it names, relative to a reference day.

Explicit dates ("in March 2020", "in 2019", "in late 2004", "before 2006", "last week",
"yesterday") become a
window `[start, end)` that filters articles by publication date. Recency words ("latest",
"recent", "newest") set `recent`: no filter, but newer articles rank higher.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from newsrag.models import TimeWindow

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
# Parts of a year, as the first month they cover and the month after the last.
_PARTS = {
    "early": (1, 5),
    "the start of": (1, 4),
    "the beginning of": (1, 4),
    "the first half of": (1, 7),
    "spring": (3, 6),
    "mid": (4, 10),
    "mid-": (4, 10),
    "the middle of": (4, 10),
    "summer": (6, 9),
    "the second half of": (7, 13),
    "late": (9, 13),
    "autumn": (9, 12),
    "fall": (9, 12),
    "the end of": (10, 13),
}
_PART = r"(?P<part>" + "|".join(sorted(_PARTS, key=len, reverse=True)) + r")"
_DATE_FORMS = [
    rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}",  # November 9, 2004
    rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}",  # 9 November 2004
    r"(?P<iso>(?:19|20)\d{2}-[01]\d-[0-3]\d)",  # 2004-11-09
    rf"{_MONTH},?\s+{_YEAR}",  # March 2020
    rf"{_PART}(?:\s+|(?<=-))(?:of\s+)?{_YEAR}",  # late 2004, mid-2007
    rf"{_YEAR}",  # 2019
]
_PREPOSITION = (
    r"(?P<prep>in|during|on|since|after|before|until|till|by|from|of|for)\s+(?P<the>the\s+)?"
)
RECENT = re.compile(
    r"\b(latest|recent|recently|newest|most recent|lately|current|currently|breaking|"
    r"new developments?|right now|these days|up to date|what(?:'s| is) new|anything new|"
    r"what(?:'s| is| are) happening|what(?:'s| is) going on|"
    r"(?:any )?updates? (?:on|about|from|in))\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?P<which>today|yesterday|this week|last week|past week|this month|last month|"
    r"past month|this year|last year|past year)\b",
    re.IGNORECASE,
)
_PAST_N = re.compile(
    r"\b(?:in\s+)?the\s+(?:past|last)\s+(?P<n>\d+)\s+(?P<unit>day|week|month|year)s?\b",
    re.IGNORECASE,
)


def parse_time(question: str, as_of: date) -> TimeWindow | None:
    """The time window the question names, or None when it names none."""
    found = _explicit(question) or _relative(question, as_of)
    recent = bool(RECENT.search(question))
    if found is None:
        return TimeWindow(None, None, True, "latest", as_of) if recent else None
    start, end, label = found
    return TimeWindow(start, end, recent, label, as_of)


def _explicit(question: str) -> tuple[date | None, date | None, str] | None:
    """A named date, month or year, and the preposition before it (before/after/since...).
    A bare year counts only after a preposition ("in 2019"), not as an adjective ("the 2019
    election"), unless it is the only date in the question and follows no noun. A date after
    "the" dates an event, which "after" or "before" bounds: "after the 2004 brawl" is news
    since 2004 began, "before the March 2020 lockdown" news up to the end of March 2020."""
    for form in _DATE_FORMS:
        for match in re.finditer(rf"\b(?:{_PREPOSITION})?{form}\b", question, re.IGNORECASE):
            groups = match.groupdict()
            if form == _DATE_FORMS[-1] and not groups.get("prep"):
                continue
            start, end, label = _span(groups)
            prep = (groups.get("prep") or "").lower()
            if groups.get("the") and prep in ("before", "until", "till"):
                return None, end, f"up to {label}"
            if groups.get("the") and prep == "after":
                return start, None, f"since {label}"
            if prep in ("before", "until", "till"):
                return None, start, f"before {label}"
            if prep in ("after",):
                return end, None, f"after {label}"
            if prep == "since":
                return start, None, f"since {label}"
            return start, end, label
    return None


def _span(groups: dict[str, str | None]) -> tuple[date, date, str]:
    """The days a date, month or year covers: `[start, end)` and how to say it."""
    if groups.get("iso"):
        day = date.fromisoformat(str(groups["iso"]))
        return day, day + timedelta(days=1), day.isoformat()
    year = int(str(groups["year"]))
    month_name = groups.get("month")
    part = groups.get("part")
    if part:
        first, after = _PARTS[part.lower()]
        end = date(year + 1, 1, 1) if after > 12 else date(year, after, 1)
        return date(year, first, 1), end, f"{part.lower().rstrip('-')} {year}"
    if month_name is None:
        return date(year, 1, 1), date(year + 1, 1, 1), str(year)
    month = MONTHS[month_name.lower().rstrip(".")]
    if groups.get("day"):
        day = date(year, month, min(int(str(groups["day"])), calendar.monthrange(year, month)[1]))
        return day, day + timedelta(days=1), day.isoformat()
    start = date(year, month, 1)
    return start, _next_month(start), f"{calendar.month_name[month]} {year}"


def reporting_lag(window: TimeWindow) -> timedelta:
    """News of a day, month or year is partly published after it ends ("March sales" are
    reported in April): how much longer to search past the end of a window with both ends."""
    days = window.days
    if days is None:
        return timedelta()
    return timedelta(days=3 if days <= 1 else 10 if days <= 31 else 15)


def _relative(question: str, as_of: date) -> tuple[date, date, str] | None:
    tomorrow = as_of + timedelta(days=1)
    past = _PAST_N.search(question)
    if past:
        n, unit = int(past.group("n")), past.group("unit").lower()
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
        return as_of - timedelta(days=days - 1), tomorrow, f"the past {n} {unit}s"
    match = _RELATIVE.search(question)
    if match is None:
        return None
    which = match.group("which").lower()
    monday = as_of - timedelta(days=as_of.weekday())
    first = as_of.replace(day=1)
    spans = {
        "today": (as_of, tomorrow),
        "yesterday": (as_of - timedelta(days=1), as_of),
        "this week": (monday, tomorrow),
        "last week": (monday - timedelta(days=7), monday),
        "past week": (as_of - timedelta(days=6), tomorrow),
        "this month": (first, tomorrow),
        "last month": (_previous_month(first), first),
        "past month": (as_of - timedelta(days=29), tomorrow),
        "this year": (date(as_of.year, 1, 1), tomorrow),
        "last year": (date(as_of.year - 1, 1, 1), date(as_of.year, 1, 1)),
        "past year": (as_of - timedelta(days=364), tomorrow),
    }
    start, end = spans[which]
    return start, end, which


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
