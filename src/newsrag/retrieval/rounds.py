"""The numbered parts of events a text names ("round 3", "the fourth quarter", "Game 7"): a
report of round 4's score does not answer a question about round 3's."""

from __future__ import annotations

import re

_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
]
_COUNTED = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
_PARTS_OF = r"round|game|stage|leg|match|heat|quarter|set|episode|season|phase|week|day"
_NUMBERED = re.compile(
    rf"\b(?:(?P<part>{_PARTS_OF})\s+(?P<n>\d{{1,2}}|{'|'.join(_COUNTED)})\b|"
    rf"(?P<ord>{'|'.join(_ORDINALS)}|\d{{1,2}}(?:st|nd|rd|th))[\s-]+(?P<part2>{_PARTS_OF})\b)",
    re.IGNORECASE,
)


def numbered(text: str) -> frozenset[tuple[str, int]]:
    """The numbered parts of events the text names: "round 3", "the fourth quarter", "Game 7"."""
    found = set()
    for match in _NUMBERED.finditer(text):
        part = (match["part"] or match["part2"]).lower()
        number = (match["n"] or match["ord"]).lower()
        if number.isdigit():
            value = int(number)
        elif number in _COUNTED:
            value = _COUNTED.index(number) + 1
        elif number in _ORDINALS:
            value = _ORDINALS.index(number) + 1
        else:
            value = int(number[:-2])
        found.add((part, value))
    return frozenset(found)


def another_numbered(asked: frozenset[tuple[str, int]], stated: frozenset[tuple[str, int]]) -> bool:
    """Whether the statement names another number of a part the question numbers, and not the
    question's own."""
    parts = {part for part, _ in asked}
    return bool(parts) and not asked & stated and any(part in parts for part, _ in stated)
