"""Reading JSONL files, RSS/Atom feed snapshots and HTTP sources into articles."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from newsrag.config import Settings
from newsrag.errors import SourceError
from newsrag.ingest.sources import SourceBatch, make_client, read_source

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FEEDS = SHARED / "feeds"
WIKINEWS = SHARED / "wikinews_en.jsonl"
TAG = re.compile(r"<[a-zA-Z/!][^>]*>")

ARTICLE_PARAGRAPHS = [
    "The city council of Riverton voted on Tuesday evening to approve a new network of "
    "protected bicycle lanes, ending a debate that had divided residents for almost two years.",
    "The plan adds forty kilometres of separated lanes along the main commuter routes into the "
    "city centre, linking the university district, the central railway station and the "
    "industrial park on the eastern bank of the river.",
    "Supporters said the lanes would cut traffic congestion and make cycling safer for "
    "children travelling to school. Opponents, including several shop owners on Market Street, "
    "argued that removing parking spaces would drive customers away from local businesses.",
    "Mayor Helen Ortiz said the council had listened to both sides and changed the route twice "
    "to protect loading zones. Construction is expected to begin in the spring and to last "
    "about eighteen months, with the first section opening before the end of next year.",
    "The project will cost an estimated twelve million euros, most of it covered by a regional "
    "transport grant. The council will publish a detailed timetable for each street next month "
    "and hold public meetings in every affected neighbourhood before work starts.",
]
ARTICLE_TITLE = "Riverton approves protected bicycle lanes after two-year debate"
ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{ARTICLE_TITLE} | Riverton Gazette</title>
  <meta property="og:title" content="{ARTICLE_TITLE}">
  <meta property="og:site_name" content="Riverton Gazette">
  <meta property="article:published_time" content="2024-03-05T18:30:00+00:00">
</head>
<body>
  <header>
    <nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav>
  </header>
  <main>
    <article>
      <h1>{ARTICLE_TITLE}</h1>
      <p class="byline">By Sam Keller, 5 March 2024</p>
      {"".join(f"<p>{p}</p>" for p in ARTICLE_PARAGRAPHS)}
    </article>
  </main>
  <footer><p>&copy; 2024 Riverton Gazette. All rights reserved.</p></footer>
</body>
</html>
""".encode()
SHORT_SUMMARY = "Riverton council approves bicycle lanes."


def _summary_feed(article_url: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Riverton Gazette</title><link>http://example.invalid/</link>
<item><title>{ARTICLE_TITLE}</title><link>{article_url}</link>
<description>{SHORT_SUMMARY}</description>
<pubDate>Tue, 05 Mar 2024 18:30:00 GMT</pubDate></item>
</channel></rss>""".encode()


def _free_port() -> int:
    """A loopback port that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class _Handler(BaseHTTPRequestHandler):
    base = ""  # this server's own URL, set by the fixture
    dead_port = 0

    def do_GET(self) -> None:
        base = self.base
        routes: dict[str, tuple[str, bytes]] = {
            "/guardian.rss": (
                "application/rss+xml; charset=utf-8",
                FEEDS.joinpath("guardian.rss").read_bytes(),
            ),
            "/feed-as-text": ("text/plain", FEEDS.joinpath("heise.atom").read_bytes()),
            "/article.html": ("text/html; charset=utf-8", ARTICLE_HTML),
            "/summary-live.rss": ("application/rss+xml", _summary_feed(f"{base}/article.html")),
            "/summary-dead.rss": (
                "application/rss+xml",
                _summary_feed(f"http://127.0.0.1:{self.dead_port}/article.html"),
            ),
        }
        if self.path not in routes:
            self.send_error(404, "Not Found")
            return
        content_type, body = routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    _Handler.dead_port = _free_port()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    _Handler.base = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield _Handler.base
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture()
def client() -> Iterator[httpx.Client]:
    with make_client(Settings(fetch_timeout=5.0, allow_private_urls=True)) as http:
        yield http


def _feed(name: str, client: httpx.Client) -> SourceBatch:
    return read_source(str(FEEDS / name), client, fetch_full_articles=False)


def test_wikinews_jsonl_gives_all_435_articles_with_utc_dates(client: httpx.Client) -> None:
    batch = read_source(str(WIKINEWS), client)

    assert len(batch.articles) == 435
    assert batch.errors == []
    first = batch.articles[0]
    assert first.title == "Brazilian delegation returns from Arafat funeral"
    assert first.published_at == datetime(2004, 11, 13, tzinfo=UTC)
    assert first.source == "Wikinews"
    assert "Yasser Arafat" in first.categories
    assert first.body.startswith("The delegation representing Brazil")


def test_jsonl_bad_line_is_reported_and_the_others_kept(
    tmp_path: Path, client: httpx.Client
) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(
        '{"title": "First", "url": "https://a.example/1", "published_at": "2020-03-11", '
        '"body": "One."}\n'
        '{"url": "https://a.example/2", "published_at": "2020-03-12", "body": "Two."}\n'
        "\n"
        '{"title": "Third", "url": "https://a.example/3", "published_at": "2020-03-13", '
        '"body": "Three."}\n',
        encoding="utf-8",
    )

    batch = read_source(str(path), client)

    assert [a.title for a in batch.articles] == ["First", "Third"]
    assert batch.errors == ["line 2: missing 'title'"]


def test_jsonl_invalid_json_and_bad_date_are_reported_by_line(
    tmp_path: Path, client: httpx.Client
) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(
        '{"title": "Bad", "url": "https://a.example/1", "published_at": "last week", '
        '"body": "x"}\n'
        "{not json\n",
        encoding="utf-8",
    )

    batch = read_source(str(path), client)

    assert batch.articles == []
    assert batch.errors[0].startswith("line 1: unparseable 'published_at'")
    assert batch.errors[1].startswith("line 2: invalid JSON")


def test_jsonl_iso_datetime_with_offset_becomes_utc(tmp_path: Path, client: httpx.Client) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(
        '{"title": "T", "url": "https://a.example/1", "body": "B", '
        '"published_at": "2021-06-01T12:00:00+02:00"}\n'
        '{"title": "U", "url": "https://a.example/2", "body": "B", '
        '"published_at": "2021-06-01T12:00:00"}\n',
        encoding="utf-8",
    )

    batch = read_source(str(path), client)

    assert [a.published_at for a in batch.articles] == [
        datetime(2021, 6, 1, 10, 0, tzinfo=UTC),
        datetime(2021, 6, 1, 12, 0, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "guardian.rss",
        "heise.atom",
        "encoding.rss",
        "uolNoticias.rss",
        "content-encoded.rss",
        "feedburner.atom",
    ],
)
def test_feed_snapshot_yields_articles_with_titles_urls_and_text(
    name: str, client: httpx.Client
) -> None:
    batch = _feed(name, client)

    assert batch.articles
    assert batch.errors == []
    for article in batch.articles:
        assert article.title.strip() == article.title and article.title
        assert article.url.startswith(("http://", "https://"))
        assert article.body
        assert article.source


def test_latin1_feed_without_declaration_decodes_accents(client: httpx.Client) -> None:
    titles = [a.title for a in _feed("uolNoticias.rss", client).articles]

    assert "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno" in titles
    assert not any("\ufffd" in t or "Ã" in t for t in titles)


def test_iso_8859_1_feed_decodes_portuguese_titles(client: httpx.Client) -> None:
    batch = _feed("encoding.rss", client)

    assert batch.articles[0].title == "Mãe de utente é a nova presidente da Raríssimas"
    assert batch.articles[0].source == "Jornal de Notícias - Últimas Notícias"
    assert len(batch.articles) == 40


def test_atom_feed_keeps_german_umlauts(client: httpx.Client) -> None:
    batch = _feed("heise.atom", client)
    titles = [a.title for a in batch.articles]

    assert "Microsoft veröffentlicht Cordova-Erweiterung für Visual Studio Code" in titles
    assert "Die nun verfügbare Version 10" in batch.articles[0].body


def test_content_encoded_bodies_are_plain_text_paragraphs(client: httpx.Client) -> None:
    batch = _feed("content-encoded.rss", client)

    for article in batch.articles:
        assert not TAG.search(article.body), article.title
        assert "&amp;" not in article.body and "&nbsp;" not in article.body
    first = batch.articles[0].body
    assert first.startswith("Using Wild Ingredients in the Kitchen\n\nHEY, YOU!")


def test_guardian_items_have_utc_dates_source_and_categories(client: httpx.Client) -> None:
    batch = _feed("guardian.rss", client)

    assert len(batch.articles) == 55
    first = batch.articles[0]
    assert first.title == "Trump State of the Union address promised unity but emphasized discord"
    assert first.published_at == datetime(2018, 1, 31, 7, 26, 5, tzinfo=UTC)
    assert all(a.published_at and a.published_at.tzinfo is UTC for a in batch.articles)
    assert all("Guardian" in a.source for a in batch.articles)
    assert "Donald Trump" in first.categories


def test_feed_over_http_is_parsed(server: str, client: httpx.Client) -> None:
    batch = read_source(f"{server}/guardian.rss", client, fetch_full_articles=False)

    assert batch.source == f"{server}/guardian.rss"
    assert len(batch.articles) == 55
    assert batch.articles[0].source == "The Guardian"


def test_feed_served_as_plain_text_is_recognised_by_its_body(
    server: str, client: httpx.Client
) -> None:
    batch = read_source(f"{server}/feed-as-text", client, fetch_full_articles=False)

    assert len(batch.articles) == 15


def test_article_page_over_http_gives_title_and_text(server: str, client: httpx.Client) -> None:
    batch = read_source(f"{server}/article.html", client)

    [article] = batch.articles
    assert article.title == ARTICLE_TITLE
    assert article.url == f"{server}/article.html"
    assert article.body.startswith(ARTICLE_PARAGRAPHS[0])
    assert ARTICLE_PARAGRAPHS[-1] in article.body
    assert "All rights reserved" not in article.body
    assert article.source == "Riverton Gazette"
    assert article.published_at == datetime(2024, 3, 5, tzinfo=UTC)


def test_missing_url_raises_source_error_naming_it(server: str, client: httpx.Client) -> None:
    url = f"{server}/no-such-page"

    with pytest.raises(SourceError, match="404") as caught:
        read_source(url, client)

    assert url in caught.value.message


def test_unreachable_url_raises_source_error(client: httpx.Client) -> None:
    url = f"http://127.0.0.1:{_free_port()}/feed.rss"

    with pytest.raises(SourceError, match=re.escape(f"Cannot read {url}")):
        read_source(url, client)


def test_missing_file_raises_source_error(tmp_path: Path, client: httpx.Client) -> None:
    missing = tmp_path / "nowhere.rss"

    with pytest.raises(SourceError, match=re.escape(f"No such file: {missing}")):
        read_source(str(missing), client)


def test_file_that_is_no_feed_raises_source_error(tmp_path: Path, client: httpx.Client) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes, not a feed\n", encoding="utf-8")

    with pytest.raises(SourceError, match="neither JSONL nor an RSS/Atom feed"):
        read_source(str(path), client)


def test_summary_only_item_gets_full_page_text(server: str, client: httpx.Client) -> None:
    batch = read_source(f"{server}/summary-live.rss", client, fetch_full_articles=True)

    [article] = batch.articles
    assert article.title == ARTICLE_TITLE
    assert article.source == "Riverton Gazette"
    assert ARTICLE_PARAGRAPHS[2] in article.body
    assert article.published_at == datetime(2024, 3, 5, 18, 30, tzinfo=UTC)


def test_summary_only_item_keeps_summary_when_page_is_unreachable(
    server: str, client: httpx.Client
) -> None:
    batch = read_source(f"{server}/summary-dead.rss", client, fetch_full_articles=True)

    [article] = batch.articles
    assert article.body == SHORT_SUMMARY
    assert batch.errors == []


def test_summary_is_kept_when_full_articles_are_off(server: str, client: httpx.Client) -> None:
    batch = read_source(f"{server}/summary-live.rss", client, fetch_full_articles=False)

    assert batch.articles[0].body == SHORT_SUMMARY


def test_make_client_applies_timeout_user_agent_and_redirects() -> None:
    settings = Settings(fetch_timeout=3.5, user_agent="newsrag-test/1.0")

    with make_client(settings) as http:
        assert http.timeout == httpx.Timeout(3.5)
        assert http.headers["User-Agent"] == "newsrag-test/1.0"
        assert http.follow_redirects is False  # fetch() follows them, checking each one
        assert http.max_redirects == 5
