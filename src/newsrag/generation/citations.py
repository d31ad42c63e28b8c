"""Keep only the `[n]` that point at a retrieved source, and list cited sources first.

A generator may cite `[9]` of three sources, or `[1, 3]`; after this step every marker in the
answer is `[n]` with `n` the 1-based position of a source in the returned list, cited sources come
first in order of first citation, and the uncited ones follow in retrieval order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from newsrag.models import Source

_MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?])")
_REPEATED = re.compile(r"(\[\d+\])(?:\s*\1)+")


def apply_citations(text: str, sources: Sequence[Source]) -> tuple[str, list[Source]]:
    """The answer with valid, renumbered markers and the sources reordered to match them."""
    order: list[int] = []
    for match in _MARKER.finditer(text):
        for n in _numbers(match.group(1)):
            if 1 <= n <= len(sources) and n not in order:
                order.append(n)
    order += [source.n for source in sources if source.n not in order]
    position = {old: new for new, old in enumerate(order, start=1)}

    def renumber(match: re.Match[str]) -> str:
        kept = dict.fromkeys(position[n] for n in _numbers(match.group(1)) if n in position)
        return "".join(f" [{n}]" for n in kept)

    renumbered = _REPEATED.sub(r"\1", _MARKER.sub(renumber, text))
    cleaned = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", renumbered).strip()
    by_number = {source.n: source for source in sources}
    return cleaned, [replace(by_number[old], n=position[old]) for old in order]


def cited_numbers(text: str) -> list[int]:
    """Every `[n]` in the text, in order, without repeats."""
    found = (n for match in _MARKER.finditer(text) for n in _numbers(match.group(1)))
    return list(dict.fromkeys(found))


def _numbers(group: str) -> list[int]:
    return [int(part) for part in group.split(",")]
