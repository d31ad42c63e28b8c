"""The chat page at / in a real browser: Debian's Chromium driven by Playwright against the app
on a real uvicorn server, over the Wikinews corpus with real MiniLM and the extractive generator.

NEWSRAG_SCREENSHOTS=1 also writes the README's screenshots (docs/chat-desktop.png and
docs/chat-phone.png) from the screenshot test."""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from newsrag.api.app import create_app
from newsrag.embeddings.local import LocalEmbedder
from newsrag.generation import Generator, create_generator
from newsrag.services import Services, build_services
from tests.browser_helpers import (
    DESKTOP,
    PHONE,
    PROVIDER_DOWN,
    BrokenGenerator,
    PacedGenerator,
    last_answer,
    launch_chromium,
    no_horizontal_scroll,
    serve_app,
    serve_html,
)
from tests.conftest import article, make_settings

pytestmark = [pytest.mark.browser, pytest.mark.model]

EXAMPLE = "What are the latest news about technology?"
FIREFOX_QUESTION = "When was Firefox 1.0 released?"
HOSTILE_TITLE = '<img src=x onerror="window.__xss=1">'
DOCS = Path(__file__).resolve().parents[1] / "docs"
# Keeps the text of the answer as first shown while it streams (before the `done` event).
RECORD_FIRST_PARTIAL_ANSWER = """
  window.__partial = null;
  const everything = {subtree: true, childList: true, characterData: true, attributes: true};
  new MutationObserver(() => {
    const text = document.querySelector(".msg.assistant[data-state=streaming] .text");
    if (window.__partial === null && text && text.textContent) window.__partial = text.textContent;
  }).observe(document.body, everything);
"""


# --- servers and browser -------------------------------------------------------------------


def services_with(
    uri: str, minilm: LocalEmbedder, folder: Path, generator: Generator | None = None
) -> Services:
    settings = make_settings(uri, folder)
    paced = PacedGenerator(create_generator(settings, minilm), pause=0.1)
    return build_services(settings, embedder=minilm, generator=generator or paced)


@pytest.fixture(scope="module")
def app_url(
    corpus_uri: str, minilm: LocalEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """newsrag over the corpus, streaming its extractive answers piece by piece."""
    services = services_with(corpus_uri, minilm, tmp_path_factory.mktemp("page"))
    try:
        with serve_app(create_app(services=services)) as url:
            yield url
    finally:
        services.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh desktop-sized browser profile (empty localStorage) for one test."""
    fresh = browser.new_context(viewport=DESKTOP)
    yield fresh
    fresh.close()


@pytest.fixture
def page(context: BrowserContext, app_url: str) -> Page:
    opened = context.new_page()
    opened.goto(app_url)
    return opened


def session_id(page: Page) -> str:
    stored: str = page.evaluate("localStorage.getItem('chatSessionId')")
    return stored


def ask_example(page: Page) -> None:
    page.get_by_role("button", name=EXAMPLE).click()
    last_answer(page)


# --- the tests -----------------------------------------------------------------------------


def test_the_page_and_its_assets_are_served_under_a_same_origin_policy(app_url: str) -> None:
    page = httpx.get(f"{app_url}/")
    script = httpx.get(f"{app_url}/static/app.js")
    style = httpx.get(f"{app_url}/static/app.css")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "connect-src 'self'" in policy and "unsafe" not in policy
    assert '<script src="/static/app.js"' in page.text
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    assert httpx.get(f"{app_url}/static/missing.js").json()["success"] is False


def test_the_example_question_streams_an_answer_with_linked_sources(page: Page) -> None:
    page.evaluate(RECORD_FIRST_PARTIAL_ANSWER)
    page.get_by_role("button", name=EXAMPLE).click()

    answer = last_answer(page)
    final = answer.locator(".text").inner_text()
    partial: str | None = page.evaluate("window.__partial")
    assert page.locator(".msg.user .text").inner_text() == EXAMPLE
    # Text shown while the answer was still streaming (a one-sentence answer is one piece).
    assert partial and final.startswith(partial)
    titles = answer.locator(".sources a.title")
    assert titles.count() >= 1
    for link in titles.all():
        assert (link.get_attribute("href") or "").startswith("https://en.wikinews.org/wiki/")
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in (link.get_attribute("rel") or "")
    cite = answer.locator("a.cite").first
    card_id = (cite.get_attribute("href") or "").removeprefix("#")
    assert answer.locator(f"li.source[id='{card_id}']").count() == 1
    assert page.locator("#send").is_disabled()  # the box is empty again
    assert page.locator("#error").is_hidden()


def test_a_reload_shows_the_conversation_from_the_history(page: Page) -> None:
    ask_example(page)
    answered = page.locator(".msg.assistant .text").inner_text()

    page.reload()

    expect(page.locator(".msg")).to_have_count(2)
    assert page.locator(".msg.user .text").inner_text() == EXAMPLE
    assert page.locator(".msg.assistant .text").inner_text() == answered
    assert page.locator("#empty").is_hidden()


def test_a_reload_shows_the_answer_s_source_cards_again(page: Page) -> None:
    ask_example(page)
    titles = page.locator(".msg.assistant .sources a.title").all_inner_texts()

    page.reload()

    expect(page.locator(".msg")).to_have_count(2)
    restored = page.locator(".msg.assistant")
    assert titles
    assert restored.locator(".sources a.title").all_inner_texts() == titles
    cite = restored.locator("a.cite").first
    card_id = (cite.get_attribute("href") or "").removeprefix("#")
    assert restored.locator(f"li.source[id='{card_id}']").count() == 1


def test_new_chat_empties_the_view_and_deletes_the_old_session(page: Page, app_url: str) -> None:
    ask_example(page)
    old = session_id(page)

    page.get_by_role("button", name="New chat").click()

    expect(page.locator(".msg")).to_have_count(0)
    expect(page.get_by_role("button", name=EXAMPLE)).to_be_visible()
    new = session_id(page)
    assert new != old
    assert len(new) == 32 and new.isalnum()
    assert httpx.get(f"{app_url}/api/history/{old}").status_code == 404


def test_a_failing_provider_shows_the_error_sentence_in_a_banner(
    context: BrowserContext, corpus_uri: str, minilm: LocalEmbedder, tmp_path: Path
) -> None:
    services = services_with(corpus_uri, minilm, tmp_path, generator=BrokenGenerator())
    try:
        with serve_app(create_app(services=services)) as url:
            page = context.new_page()
            page.goto(url)
            page.get_by_label("Your question").fill(FIREFOX_QUESTION)
            page.keyboard.press("Enter")
            banner = page.get_by_role("alert")
            expect(banner).to_contain_text(PROVIDER_DOWN)
            expect(page.get_by_role("button", name="New chat")).to_be_enabled()
    finally:
        services.close()

    assert page.locator(".msg.user .text").inner_text() == FIREFOX_QUESTION
    assert page.locator(".msg.assistant").count() == 0


def test_a_hostile_source_title_is_shown_as_text(
    context: BrowserContext, fresh_uri: str, minilm: LocalEmbedder, tmp_path: Path
) -> None:
    hostile = article(
        url="https://example.org/foghorn",
        title=HOSTILE_TITLE,
        body=(
            "The lighthouse keepers of Port Elsworth voted on Tuesday to restore the old foghorn. "
            "The foghorn was silenced in 1998 after complaints from new residents. "
            "Fishermen said the restored foghorn would make the harbour safer in winter fog."
        ),
        source="Elsworth Gazette",
        published_at=datetime(2024, 2, 6, tzinfo=UTC),
    )
    services = services_with(fresh_uri, minilm, tmp_path)
    try:
        services.ingestor.ingest_articles([hostile])
        with serve_app(create_app(services=services)) as url:
            page = context.new_page()
            page.goto(url)
            page.get_by_label("Your question").fill("Why did Port Elsworth restore the foghorn?")
            page.keyboard.press("Enter")
            card = last_answer(page).locator("li.source").first
            card_text = card.inner_text()
            xss = page.evaluate("window.__xss")
            images = page.locator("#messages img").count()
    finally:
        services.close()

    assert HOSTILE_TITLE in card_text
    assert "Elsworth Gazette" in card_text and "Feb 6, 2024" in card_text
    assert xss is None
    assert images == 0


def test_a_phone_sized_screen_needs_no_horizontal_scrolling(browser: Browser, app_url: str) -> None:
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        page.goto(app_url)
        empty_fits = no_horizontal_scroll(page)
        page.get_by_role("button", name=EXAMPLE).tap()
        last_answer(page)
        answered_fits = no_horizontal_scroll(page)
    finally:
        phone.close()

    assert empty_fits
    assert answered_fits


def test_another_origin_can_call_the_api_from_a_browser(page: Page, app_url: str) -> None:
    script = f"""<!doctype html><title>another site</title><script>
      const api = "{app_url}";
      const session = "cors-" + Date.now();
      window.__results = {{}};
      async function call(name, path, options = {{}}) {{
        try {{
          const response = await fetch(api + path, {{
            mode: "cors", headers: {{"Content-Type": "application/json"}}, ...options,
          }});
          window.__results[name] = {{status: response.status, body: await response.json()}};
        }} catch (error) {{
          window.__results[name] = {{error: String(error)}};
        }}
      }}
      (async () => {{
        const message = {{sessionId: session, message: "{FIREFOX_QUESTION}"}};
        await call("chat", "/api/chat", {{method: "POST", body: JSON.stringify(message)}});
        await call("history", "/api/history/" + session);
        await call("clear", "/api/session/" + session, {{method: "DELETE"}});
        await call("health", "/health");
        window.__done = true;
      }})();
    </script>"""
    with serve_html(script) as other:
        assert other.split(":")[-1] != app_url.split(":")[-1]
        page.goto(other)
        page.wait_for_function("window.__done === true", timeout=20_000)
        results: dict[str, Any] = page.evaluate("window.__results")

    assert {name: result.get("status") for name, result in results.items()} == {
        "chat": 200,
        "history": 200,
        "clear": 200,
        "health": 200,
    }, results
    assert "November" in results["chat"]["body"]["answer"]
    assert results["history"]["body"]["messageCount"] == 2
    assert results["clear"]["body"]["success"] is True
    assert results["health"]["body"]["status"] in {"ok", "degraded"}


def test_the_composer_adds_lines_counts_characters_and_stops_at_the_limit(page: Page) -> None:
    box = page.get_by_label("Your question")
    box.click()
    one_line = box.bounding_box()
    page.keyboard.type("first line")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")

    assert box.input_value() == "first line\nsecond line"
    assert page.locator(".msg").count() == 0
    expect(page.locator("#counter")).to_have_text("22 / 5000")
    grown = box.bounding_box()
    assert one_line and grown and grown["height"] > one_line["height"]
    box.fill("x" * 4999)
    box.press("End")
    page.keyboard.type("yz")  # the 5001st character is refused
    expect(page.locator("#counter")).to_have_text("5000 / 5000")
    assert box.input_value().endswith("xy")


def test_the_theme_follows_the_system_colour_scheme(browser: Browser, app_url: str) -> None:
    brightness = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(app_url)
        rgb = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        brightness[scheme] = sum(int(part) for part in rgb[4:-1].split(","))
        context.close()

    assert brightness["light"] > 600
    assert brightness["dark"] < 150


def test_screenshots_of_a_conversation_at_desktop_and_phone_sizes(
    page: Page, tmp_path: Path
) -> None:
    ask_example(page)
    shots = {"chat-desktop.png": tmp_path / "desktop.png", "chat-phone.png": tmp_path / "phone.png"}
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=shots["chat-desktop.png"])
    page.set_viewport_size(PHONE)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.screenshot(path=shots["chat-phone.png"])

    assert png_size(shots["chat-desktop.png"]) == (1280, 800)
    assert png_size(shots["chat-phone.png"]) == (360, 740)
    if os.environ.get("NEWSRAG_SCREENSHOTS") == "1":
        for name, shot in shots.items():
            shutil.copyfile(shot, DOCS / name)


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", header[16:24])
    return width, height
