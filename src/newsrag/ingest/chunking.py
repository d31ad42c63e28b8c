"""Sentence-aware chunking: ~`size` tokens per chunk, `overlap` tokens carried over.

Token counts are estimated (words and punctuation marks), close to the word pieces that
all-MiniLM-L6-v2 sees; its window is 256, so the default 200 leaves room for the title and date
that prefix every chunk's embedding text.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from newsrag.models import Article, Chunk
from newsrag.text import count_tokens, paragraph_sentences


def _split_long(sentence: str, size: int) -> list[str]:
    words = sentence.split()
    pieces: list[str] = []
    current: list[str] = []
    tokens = 0
    for word in words:
        n = count_tokens(word)
        if current and tokens + n > size:
            pieces.append(" ".join(current))
            current, tokens = [], 0
        current.append(word)
        tokens += n
    if current:
        pieces.append(" ".join(current))
    return pieces


def chunk_text(text: str, size: int = 200, overlap: int = 40) -> list[str]:
    """Group whole sentences into chunks of at most ~`size` tokens, overlapping by whole
    sentences worth at most `overlap` tokens. Paragraph breaks inside a chunk are kept."""
    units: list[_Unit] = []
    for paragraph, sentence in paragraph_sentences(text):
        pieces = _split_long(sentence, size) if count_tokens(sentence) > size else [sentence]
        units.extend(_Unit(paragraph, piece, count_tokens(piece)) for piece in pieces)
    chunks: list[str] = []
    current: list[_Unit] = []
    for unit in units:
        if current and sum(u.tokens for u in current) + unit.tokens > size:
            chunks.append(_join(current))
            carried: list[_Unit] = []
            for previous in reversed(current):
                if sum(u.tokens for u in carried) + previous.tokens > overlap:
                    break
                carried.insert(0, previous)
            if sum(u.tokens for u in carried) + unit.tokens > size:
                carried = []
            current = carried
        current.append(unit)
    if current:
        chunks.append(_join(current))
    return chunks


@dataclass(frozen=True)
class _Unit:
    paragraph: int
    text: str
    tokens: int


def _join(units: list[_Unit]) -> str:
    parts = [units[0].text]
    for before, unit in itertools.pairwise(units):
        parts.append("\n\n" if unit.paragraph != before.paragraph else " ")
        parts.append(unit.text)
    return "".join(parts)


def context_line(article: Article) -> str:
    date = f" ({article.published_at:%Y-%m-%d})" if article.published_at else ""
    return f"{article.title}{date}"


def chunk_article(article: Article, size: int = 200, overlap: int = 40) -> list[Chunk]:
    """The article's chunks; each is embedded with the title and date as context."""
    context = context_line(article)
    return [
        Chunk(position=i, text=text, embedding_text=f"{context}\n{text}")
        for i, text in enumerate(chunk_text(article.body, size, overlap))
    ]
