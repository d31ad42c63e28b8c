"""An article's body as a reader should get it, before it is chunked and stored.

Taken out: a dateline opening the body ("Friday, December 25, 2020"), image and file lines
("File:Portrait (cropped).jpg"), language tags of quoted names ("((pl))Polish language:"),
zero-width characters, and spaces inside punctuation ("SAMPAD . It's", `limit. " It`, "Wal -
Mart"). Interview markers become names: "((WN)) What
...?" reads "Wikinews: What ...?" and "((Gregory Kurtzer)) So far ..." reads "Gregory Kurtzer: So
far ...", so that interviews stay searchable and say who speaks; an interviewer's question ends in
"?", and no answer is taken from a question.
"""

from __future__ import annotations

import calendar
import re

WEEKDAY = "(?:" + "|".join(calendar.day_name) + ")"
MONTH = "(?:" + "|".join(calendar.month_name[1:]) + ")"
_DATELINE = re.compile(rf"^\s*{WEEKDAY},\s+{MONTH}\s+\d{{1,2}},\s+\d{{4}}\s*\n")
_FILE_LINE = re.compile(
    r"(?mi)^(?:File|Image):[^\n]*\.(?:jpe?g|png|svg|gif|tiff?|webm|ogg)[ \t]*$\n?"
)
_LANGUAGE_TAG = re.compile(r"\(\([a-z]{2,3}\)\)\s*(?:[A-Z][a-z]+(?: language)?:\s*)?")
_SPEAKER = re.compile(r"(?m)^\(\(([^()\n]{1,60})\)\)\s*")
_INTERVIEWERS = frozenset({"wn", "wikinews"})
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_ELLIPSIS = re.compile(r"\s?\.\s\.\s\.")
_SPACE_BEFORE = re.compile(r"(?<=\w) +([.,;:!?])(?=\s|$)")
_LONE_QUOTE = re.compile(r'(?<=\S) " (?=\S)')
_SPACED_HYPHEN = re.compile(r"(\S*\s)?\b([A-Z][a-z]{1,8}) - ([A-Z][a-z]+)\b")


def clean_body(text: str) -> str:
    """The body without what is not article text (see the module's docstring)."""
    text = _INVISIBLE.sub("", text)
    text = _DATELINE.sub("", text)
    text = _FILE_LINE.sub("", text)
    text = _LANGUAGE_TAG.sub("", text)
    text = _SPEAKER.sub(_speaker, text)
    text = _ELLIPSIS.sub("...", text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = "\n".join(_quotes_attached(line) for line in text.split("\n"))
    text = _SPACED_HYPHEN.sub(lambda m: _hyphenated(m, text), text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _speaker(match: re.Match[str]) -> str:
    name = match.group(1).strip()
    return ("Wikinews" if name.lower() in _INTERVIEWERS else name) + ": "


def _quotes_attached(line: str) -> str:
    """A quotation mark with a space on both sides joins the text it closes (an odd number of
    marks before it) or the text it opens; one at a time, as `" "` holds two."""
    while match := _LONE_QUOTE.search(line):
        closing = line[: match.start()].count('"') % 2 == 1
        line = line[: match.start()] + ('" ' if closing else ' "') + line[match.end() :]
    return line


def _hyphenated(match: re.Match[str], text: str) -> str:
    """ "Wal - Mart" as "Wal-Mart" when the article writes it so (or as one word) elsewhere, or
    when its first part is short and not the end of a longer name ("San Jose - Cisco" stays)."""
    before, left, right = match.group(1) or "", match.group(2), match.group(3)
    lowered = text.lower()
    written = any(form in lowered for form in (f"{left}-{right}".lower(), f"{left}{right}".lower()))
    short = len(left) <= 4 and not before[:1].isupper()
    return f"{before}{left}-{right}" if written or short else match.group(0)
