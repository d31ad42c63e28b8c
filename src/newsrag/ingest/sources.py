"""Read news sources (JSONL files, RSS/Atom feeds as files or URLs, article pages) as `Article`s.

Unusable items are skipped and described in `SourceBatch.errors`; a source that cannot be read
at all raises `SourceError`.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import trafilatura

from newsrag.config import Settings
from newsrag.errors import SourceError
from newsrag.ingest.fetch import NewsClient, fetch
from newsrag.ingest.netguard import AddressGuard
from newsrag.models import Article

log = logging.getLogger(__name__)

SHORT_BODY_CHARS = 400
_FIX = "check the {what} or remove it from NEWSRAG_SOURCES."
_FEED_STARTS = ("<rss", "<feed", "<rdf:rdf")


@dataclass
class SourceBatch:
    source: str
    articles: list[Article] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def make_client(settings: Settings) -> NewsClient:
    """The HTTP client for fetching feeds and article pages, with the settings' limits."""
    return NewsClient(
        user_agent=settings.user_agent,
        guard=AddressGuard(settings.allow_private_urls),
        request_timeout=settings.fetch_timeout,
        total_timeout=settings.fetch_total_timeout,
        max_bytes=settings.fetch_max_bytes,
        max_redirects=settings.fetch_max_redirects,
    )


def read_source(
    source: str, client: NewsClient, *, fetch_full_articles: bool = True
) -> SourceBatch:
    """Read every usable article from `source` (an http(s) URL or a file path)."""
    if _is_http(source):
        return _read_url(source, client, fetch_full_articles)
    path = Path(source).expanduser()
    reader = _PATH_READERS.get(path.suffix.lower(), _read_feed_file)
    return reader(source, path, client, fetch_full_articles)


_BLOCK_TAG_NAMES = (
    "address article aside blockquote dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 "
    "h6 header hr li main nav ol p pre section table td th tr ul"
)
_BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split())
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head"})
_PARA, _LINE = "\x00", "\x01"


class _TextExtractor(HTMLParser):
    """Collects an HTML fragment's text, marking block boundaries and line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag == "br":
            self.parts.append(_LINE)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARA)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARA)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line, entities decoded."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    raw = "".join(parser.parts)
    raw = re.sub(f"{_LINE}[\\s{_LINE}]*{_LINE}", _PARA, raw)  # <br><br> ends a paragraph
    return _join_paragraphs(para.split(_LINE) for para in raw.split(_PARA))


def _plain_text(text: str) -> str:
    """Normalise plain text: collapse whitespace, keep blank-line paragraph breaks."""
    return _join_paragraphs(para.split("\n") for para in re.split(r"\n\s*\n", text))


def _join_paragraphs(paragraphs: Iterable[list[str]]) -> str:
    """Collapse whitespace within each line; drop empty lines and paragraphs."""
    joined = (
        "\n".join(filter(None, (" ".join(ln.split()) for ln in lines))) for lines in paragraphs
    )
    return "\n\n".join(filter(None, joined))


def _is_http(url: str) -> bool:
    return urlsplit(url.strip()).scheme.lower() in ("http", "https")


def parse_date(value: str) -> datetime:
    """Parse "YYYY-MM-DD" or an ISO 8601 datetime into an aware UTC datetime."""
    parsed = datetime.fromisoformat(value.strip())
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _read_bytes(source: str, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceError(f"No such file: {source}: {_FIX.format(what='path')}") from exc
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SourceError(f"Cannot read {source} ({reason}): {_FIX.format(what='path')}") from exc


def _read_jsonl(source: str, path: Path, client: NewsClient, fetch_full: bool) -> SourceBatch:
    batch = SourceBatch(source, [], [])
    for number, raw in enumerate(_read_bytes(source, path).splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            batch.articles.append(_jsonl_article(raw))
        except ValueError as exc:
            batch.errors.append(f"line {number}: {exc}")
    return batch


def _jsonl_article(raw: bytes) -> Article:
    """One JSONL row as an Article; ValueError says what is wrong with it."""
    try:
        row = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError("not valid UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg})") from exc
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    text: dict[str, str] = {}
    for key in ("title", "url", "body"):
        value = row.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"missing '{key}'")
        text[key] = value.strip()
    date = row.get("published_at")
    try:
        published_at = parse_date(str(date)) if date not in (None, "") else None
    except ValueError as exc:
        raise ValueError(f"unparseable 'published_at' {date!r}") from exc
    categories = row.get("categories") or []
    categories = [categories] if isinstance(categories, str) else categories
    if not isinstance(categories, list):
        raise ValueError("'categories' must be a list of strings")
    return Article(
        url=text["url"],
        title=" ".join(text["title"].split()),
        body=_plain_text(text["body"]),
        source=str(row.get("source") or "").strip(),
        published_at=published_at,
        categories=_unique(str(c) for c in categories),
    )


def _read_feed_file(source: str, path: Path, client: NewsClient, fetch_full: bool) -> SourceBatch:
    return _parse_feed(source, _read_bytes(source, path), client, fetch_full)


def _read_url(source: str, client: NewsClient, fetch_full: bool) -> SourceBatch:
    response = fetch(source, client)
    if _looks_like_feed(response.content_type.lower(), response.content):
        return _parse_feed(source, response.content, client, fetch_full)
    page = _extract_page(response.content, response.url)
    if page is None:
        raise SourceError(
            f"No article text could be extracted from {source}: check that it is a news "
            "article page or an RSS/Atom feed, or remove it from NEWSRAG_SOURCES."
        )
    return SourceBatch(source, [page], [])


def _looks_like_feed(content_type: str, body: bytes) -> bool:
    mime = content_type.split(";")[0].strip()
    if "html" not in mime and any(kind in mime for kind in ("xml", "rss", "atom")):
        return True
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").decode("latin-1").lower()
    if head.startswith(_FEED_STARTS):
        return True
    return head.startswith("<?xml") and any(start in head for start in _FEED_STARTS)


def _parse_feed(source: str, data: bytes, client: NewsClient, fetch_full: bool) -> SourceBatch:
    parsed: Any = feedparser.parse(data)
    entries: list[Any] = list(parsed.get("entries") or [])
    if not entries and parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        if _is_http(source):
            kind, what = "is not an RSS/Atom feed", "URL"
        else:
            kind, what = "is neither JSONL nor an RSS/Atom feed", "path"
        raise SourceError(f"{source} {kind} ({problem}): {_FIX.format(what=what)}")
    outlet = _plain_text(html.unescape(parsed.get("feed", {}).get("title") or ""))
    batch = SourceBatch(source, [], [])
    for number, entry in enumerate(entries, start=1):
        try:
            article = _feed_article(entry, outlet)
        except ValueError as exc:
            batch.errors.append(f"entry {number}: {exc}")
            continue
        if fetch_full and len(article.body) < SHORT_BODY_CHARS:
            article = _with_full_text(article, client)
        # A headline-only item stays searchable by its title rather than being dropped.
        batch.articles.append(article if article.body else replace(article, body=article.title))
    return batch


def _feed_article(entry: Any, outlet: str) -> Article:
    """One feed entry as an Article (its body may still be short); ValueError if unusable."""
    title = " ".join(html.unescape(entry.get("title") or "").split())
    url = next((u.strip() for u in (entry.get("link"), entry.get("id")) if u and _is_http(u)), None)
    if url is None:
        raise ValueError(f"no http(s) link ({title or 'untitled'})")
    if not title:
        raise ValueError(f"missing title ({url})")
    return Article(
        url=url,
        title=title,
        body=_entry_body(entry),
        source=outlet,
        published_at=_entry_date(entry),
        categories=_unique(tag.get("term") or "" for tag in entry.get("tags") or []),
    )


def _entry_body(entry: Any) -> str:
    """Text of the entry's content, or of its summary when that is longer."""
    texts = [_detail_text(item) for item in (entry.get("content") or [])[:1]]
    summary = entry.get("summary_detail") or {"value": entry.get("summary") or ""}
    texts.append(_detail_text(summary))
    return max(texts, key=len)


def _detail_text(detail: Any) -> str:
    value = str(detail.get("value") or "")
    if "html" in str(detail.get("type") or "text/html") or "<" in value:
        return html_to_text(value)
    return _plain_text(value)


def _entry_date(entry: Any) -> datetime | None:
    # `in` first: feedparser's .get("updated_parsed") falls back to published with a warning.
    stamp = entry.get("published_parsed") or ("updated_parsed" in entry and entry.updated_parsed)
    return datetime(*stamp[:6]).replace(tzinfo=UTC) if stamp else None


def _with_full_text(article: Article, client: NewsClient) -> Article:
    """The article with its page's text when the page can be fetched and extracted."""
    try:
        response = fetch(article.url, client)
    except SourceError as exc:
        log.debug("keeping the feed summary of %s: %s", article.url, exc)
        return article
    page = _extract_page(response.content, article.url)
    if page is None or len(page.body) <= len(article.body):
        return article
    return replace(
        article,
        body=page.body,
        source=article.source or page.source,
        published_at=article.published_at or page.published_at,
        categories=article.categories or page.categories,
    )


def _extract_page(content: bytes, url: str) -> Article | None:
    """The main text and metadata of an HTML article page, or None if it has no text."""
    extracted = trafilatura.extract(
        content, url=url, output_format="json", with_metadata=True, include_comments=False
    )
    if not extracted:
        return None
    meta: dict[str, Any] = json.loads(extracted)
    title = " ".join(str(meta.get("title") or "").split())
    lines = str(meta.get("text") or "").split("\n")
    if lines and " ".join(lines[0].split()) == title:  # the page's own headline
        lines = lines[1:]
    body = _join_paragraphs([line] for line in lines)
    if not body:
        return None
    try:
        published_at = parse_date(str(meta["date"])) if meta.get("date") else None
    except ValueError:
        published_at = None
    return Article(
        url=url,
        title=title or url,
        body=body,
        source=str(meta.get("source-hostname") or urlsplit(url).hostname or "").strip(),
        published_at=published_at,
        categories=_unique(str(meta.get("categories") or "").split(";")),
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """Stripped, non-empty values in first-seen order without duplicates."""
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))


_Reader = Callable[[str, Path, NewsClient, bool], SourceBatch]
_PATH_READERS: dict[str, _Reader] = {".jsonl": _read_jsonl}
