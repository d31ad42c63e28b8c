"""Follow-up questions: rewrite "And who replaced him?" into a standalone search query.

The deterministic rewrite (for the extractive generator) carries the previous question's key
terms over when the new message leans on it: it refers back (he, she, it, they, that...), opens
with a continuation ("and", "what about"...), or names almost nothing by itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsrag.models import Message
from newsrag.text import keywords

_REFERS_BACK = re.compile(
    r"\b(he|she|it|its|they|them|their|him|his|her|hers|this|that|these|those|there|then|"
    r"the same|the former|the latter)\b",
    re.IGNORECASE,
)
_CONTINUES = re.compile(
    r"^\s*(and|but|also|so|what about|how about|what else|who else)\b",
    re.IGNORECASE,
)
SELF_CONTAINED = 3


def is_follow_up(message: str) -> bool:
    return bool(
        _REFERS_BACK.search(message)
        or _CONTINUES.match(message)
        or len(keywords(message)) < SELF_CONTAINED
    )


def standalone_query(message: str, history: Sequence[Message]) -> str:
    """The query to search with: the message, plus the last question's key terms when the
    message is a follow-up to it."""
    previous = next((m.content for m in reversed(history) if m.role == "user"), None)
    if previous is None or not is_follow_up(message):
        return message
    own = keywords(message)
    carried = [word for word in _ordered_keywords(previous) if word not in own]
    return f"{message} {' '.join(carried)}" if carried else message


def _ordered_keywords(text: str) -> list[str]:
    wanted = keywords(text)
    words = (word for word in re.findall(r"[A-Za-z0-9]+", text) if word.lower() in wanted)
    return list(dict.fromkeys(words))
