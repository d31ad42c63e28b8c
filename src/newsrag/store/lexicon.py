"""Which of a query's words are rare in the store, from PostgreSQL's own statistics.

ANALYZE records, for the chunks' tsvector column, the share of chunks that hold each of its
10,000 most common lexemes (`pg_stats.most_common_elems`; migration 0006 raised it from 1,000).
Matching every chunk that holds any word of a question ranks a large part of a big store: about
157,000 of a million chunks for a typical question, a second of `ts_rank_cd`. Matching only on
the question's rarest words, as many as together stay within a budget of chunks, ranks a few
thousand, and every word of the question still counts in the rank. Where every word is common
(at a million chunks of 435 articles replicated, even the rarest word of a question is held by
about 10,000), the chunks holding three, then two, of the rarest words come first (`tiers`):
the search ranks only the first few hundred. A lexeme missing from the list is rarer than the
least common one listed; it counts as half that share, as PostgreSQL's planner assumes too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import psycopg

STATISTICS_SECONDS = 300.0
# How many of a query's rarest lexemes order the chunks ranked first: those holding three of
# them, then two, are ranked before those holding one ...
CORE = 4
# ... of those, the ones held by at most so many budgets of chunks: the index reads the whole
# list of chunks holding each of them.
CORE_SPREAD = 10


@dataclass(frozen=True)
class LexemeShares:
    """The store's size in chunks and the share of them holding each common lexeme."""

    rows: float = 0.0
    shares: Mapping[str, float] = field(default_factory=dict)
    unlisted: float = 0.0

    def chunks(self, lexeme: str) -> float:
        """How many chunks hold `lexeme`, as estimated from the statistics."""
        return self.rows * self.shares.get(lexeme, self.unlisted)


class Lexicon:
    """The chunk statistics of the store, read again at most every `seconds`."""

    def __init__(self, seconds: float = STATISTICS_SECONDS) -> None:
        self.seconds = seconds
        self._read: tuple[LexemeShares, float] | None = None
        self._lock = threading.Lock()

    def tiers(self, conn: psycopg.Connection[Any], text_query: str, budget: int) -> tuple[str, ...]:
        """The tsqueries (as text) of the chunks worth ranking, strictest first: chunks holding
        at least three, then two, of the query's `CORE` rarest lexemes, then chunks holding any
        of its rarest lexemes, the rarest first, while the chunks estimated to hold them add up
        to at most `budget` (at least one lexeme). Empty, to match on all of them, while the
        store holds at most `budget` chunks (or has not been analysed yet)."""
        shares = self.shares(conn)
        if shares.rows <= budget:
            return ()
        row = conn.execute(
            "SELECT tsvector_to_array(to_tsvector('english', %s))", (text_query,)
        ).fetchone()
        lexemes = sorted(row[0] if row else [], key=lambda lexeme: (shares.chunks(lexeme), lexeme))
        if not lexemes:
            return ()
        chosen: list[str] = []
        total = 0.0
        for lexeme in lexemes:
            total += shares.chunks(lexeme)
            if chosen and total > budget:
                break
            chosen.append(lexeme)
        core = [
            _quoted(lexeme)
            for lexeme in lexemes[:CORE]
            if lexeme in chosen or shares.chunks(lexeme) <= CORE_SPREAD * budget
        ]
        together = [_at_least(core, count) for count in range(min(3, len(core)), 1, -1)]
        return (*together, " | ".join(_quoted(lexeme) for lexeme in chosen))

    def shares(self, conn: psycopg.Connection[Any]) -> LexemeShares:
        with self._lock:
            if self._read is None or time.monotonic() - self._read[1] > self.seconds:
                self._read = (_read_shares(conn), time.monotonic())
            return self._read[0]


def _read_shares(conn: psycopg.Connection[Any]) -> LexemeShares:
    row = conn.execute(
        """
        SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs
        FROM pg_class c
        LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = 'chunks'
                            AND s.attname = 'tsv'
        WHERE c.oid = 'chunks'::regclass
        """
    ).fetchone()
    if row is None or row[0] <= 0:
        return LexemeShares()
    rows, lexemes, frequencies = row
    if not lexemes:
        return LexemeShares(rows=float(rows))
    # The frequencies end with the least and the greatest of them and the share of empty
    # tsvectors.
    listed: Sequence[float] = frequencies[: len(lexemes)]
    return LexemeShares(
        rows=float(rows),
        shares=dict(zip(lexemes, listed, strict=True)),
        unlisted=min(listed) / 2,
    )


def _at_least(quoted: Sequence[str], count: int) -> str:
    """A tsquery matching chunks that hold at least `count` of the `quoted` lexemes."""
    return " | ".join("(" + " & ".join(group) + ")" for group in combinations(quoted, count))


def _quoted(lexeme: str) -> str:
    """A lexeme as tsquery input takes it verbatim: quoted, with quotes and backslashes doubled."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
