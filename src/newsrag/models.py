"""Plain records passed between packages; `store/` turns them into rows and back."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Article:
    """One normalised news article, whatever source it came from."""

    url: str
    title: str
    body: str
    source: str = ""
    published_at: datetime | None = None
    categories: tuple[str, ...] = ()

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that ends up in the index changes."""
        parts = [
            self.title,
            self.body,
            self.source,
            self.published_at.isoformat() if self.published_at else "",
            "\x1f".join(self.categories),
        ]
        return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Chunk:
    position: int
    text: str
    embedding_text: str


@dataclass(frozen=True)
class RetrievedChunk:
    """A chunk found by a search, with the article it belongs to."""

    chunk_id: int
    article_id: int
    position: int
    text: str
    score: float
    url: str
    title: str
    source: str
    published_at: datetime | None
    categories: tuple[str, ...] = ()
    fused: float = 0.0


@dataclass(frozen=True)
class SearchFilters:
    """Articles published in `[start, end)`, from one of `sources` (outlets), in one of
    `categories`; an empty field does not filter."""

    start: date | None = None
    end: date | None = None
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.start or self.end or self.sources or self.categories)

    def within(self, start: date | None, end: date | None) -> SearchFilters:
        """These filters, the window narrowed to `[start, end)` as well."""
        later = max((d for d in (self.start, start) if d is not None), default=None)
        earlier = min((d for d in (self.end, end) if d is not None), default=None)
        return replace(self, start=later, end=earlier)


@dataclass(frozen=True)
class TimeWindow:
    """Articles published in `[start, end)` (either may be open); `recent`: prefer newer.
    `label` says in words what was understood ("March 2020", "latest")."""

    start: date | None
    end: date | None
    recent: bool
    label: str
    as_of: date

    @property
    def filters(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def days(self) -> int | None:
        """How many days the window spans, when both its ends are set."""
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days


@dataclass(frozen=True)
class Source:
    """One cited article in an answer; `n` is its 1-based citation number."""

    n: int
    title: str
    url: str
    score: float
    published_at: datetime | None
    source: str


def source_row(source: Source) -> dict[str, Any]:
    """A source as JSON, for the session stores."""
    published = source.published_at.isoformat() if source.published_at else None
    return {
        "n": source.n,
        "title": source.title,
        "url": source.url,
        "score": source.score,
        "publishedAt": published,
        "source": source.source,
    }


def source_from_row(row: dict[str, Any]) -> Source:
    published = row.get("publishedAt")
    return Source(
        int(row["n"]),
        str(row["title"]),
        str(row["url"]),
        float(row["score"]),
        datetime.fromisoformat(published) if published else None,
        str(row.get("source") or ""),
    )


@dataclass(frozen=True)
class Citation:
    """One sentence of an answer (markers removed) and the source numbers it cites."""

    sentence: str
    sources: list[int]


@dataclass(frozen=True)
class Answer:
    """`degraded`: answered by the fallback generator because the configured one failed, for
    the reason in `notice`."""

    text: str
    sources: list[Source]
    covered: bool
    model: str
    retrieval_query: str = ""
    citations: list[Citation] = field(default_factory=list)
    degraded: bool = False
    notice: str | None = None
    time_window: TimeWindow | None = None


@dataclass(frozen=True)
class Message:
    """`interrupted`: an assistant answer cut short by the client disconnecting mid-stream;
    `sources`: an answer's sources, as the API listed them."""

    role: Role
    content: str
    timestamp: datetime
    interrupted: bool = False
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class SessionHistory:
    session_id: str
    messages: list[Message]
    ttl_seconds: int


@dataclass
class IngestReport:
    """What one ingestion run did, counted per article."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    chunks: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.chunks += other.chunks
        self.errors.extend(other.errors)
