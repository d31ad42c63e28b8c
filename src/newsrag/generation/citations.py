"""Keep only the `[n]` that point at a retrieved source, and list cited sources first.

A generator may cite `[9]` of three sources, or `[1, 3]`; after this step every marker in the
answer is `[n]` with `n` the 1-based position of a source in the returned list, cited sources come
first in order of first citation, and the uncited ones follow in retrieval order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from newsrag.models import Citation, Message, Source
from newsrag.retrieval import Evidence
from newsrag.text import keywords, split_sentences

_MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
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
    cleaned = renumbered.strip()
    by_number = {source.n: source for source in sources}
    return cleaned, [replace(by_number[old], n=position[old]) for old in order]


def cited_before(history: Sequence[Message]) -> list[Source]:
    """The sources the conversation's last answer cited, in the order it listed them."""
    answer = next((m for m in reversed(history) if m.role == "assistant"), None)
    if answer is None:
        return []
    cited = set(cited_numbers(answer.content))
    return [source for source in answer.sources if source.n in cited]


def cited_numbers(text: str) -> list[int]:
    """Every `[n]` in the text, in order, without repeats."""
    found = (n for match in _MARKER.finditer(text) for n in _numbers(match.group(1)))
    return list(dict.fromkeys(found))


def without_markers(text: str) -> str:
    """The text with every `[n]` marker (and the space before it) removed."""
    return _MARKER.sub("", text)


def _numbers(group: str) -> list[int]:
    return [int(part) for part in group.split(",")]


_LEADING_MARKERS = re.compile(r"^((?:\[\d+(?:\s*,\s*\d+)*\]\s*)+)(.*)$", re.DOTALL)


def answer_sentences(text: str) -> list[str]:
    """The sentences of an answer, each with the `[n]` markers that follow it ("It rained. [1]"
    is one sentence, not two)."""
    sentences: list[str] = []
    for piece in split_sentences(text):
        leading = _LEADING_MARKERS.match(piece)
        if leading and sentences:
            sentences[-1] = f"{sentences[-1]} {leading.group(1).strip()}"
            piece = leading.group(2).strip()
        if piece:
            sentences.append(piece)
    return sentences


def sentence_citations(text: str) -> list[Citation]:
    """Each sentence of the answer with the numbers it cites (empty when it cites none)."""
    return [
        Citation(" ".join(without_markers(sentence).split()), cited_numbers(sentence))
        for sentence in answer_sentences(text)
    ]


def attribute(text: str, evidence: Sequence[Evidence], min_share: float = 0.5) -> str:
    """The answer with `[n]` added after each sentence that cites nothing, naming the source
    that shares most of the sentence's content words when it shares at least `min_share` of
    them; a sentence no source supports stays uncited (small models often cite nothing). Line
    breaks are kept."""
    vocabulary: dict[int, set[str]] = {}
    for item in evidence:
        words = keywords(f"{item.chunk.title} {item.chunk.text}")
        vocabulary.setdefault(item.n, set()).update(words)
    lines = []
    for line in text.split("\n"):
        sentences = []
        for sentence in answer_sentences(line):
            words = keywords(sentence)
            if vocabulary and words and not cited_numbers(sentence):
                n, shared = max(
                    ((n, len(words & known)) for n, known in vocabulary.items()),
                    key=lambda p: p[1],
                )
                if shared / len(words) >= min_share:
                    sentence = f"{sentence} [{n}]"
            sentences.append(sentence)
        lines.append(" ".join(sentences))
    return "\n".join(lines)
