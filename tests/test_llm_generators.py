"""The language-model generators (`openai`, `hf`) against a real loopback chat server: streamed
answers, what the request carries, provider failures diagnosed into one sentence naming the fix,
follow-up questions rewritten by the model, and the stop on a repeating model."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from newsrag.config import Settings
from newsrag.errors import (
    EndpointRetired,
    ModelNotServed,
    PermissionDenied,
    ProviderError,
    ProviderServerError,
    ProviderTimeout,
    ProviderUnreachable,
    RateLimited,
    TokenMissing,
    TokenRejected,
)
from newsrag.generation import generators
from newsrag.generation.llm import REWRITE_TOKENS, ChatModelGenerator
from newsrag.generation.prompt import REWRITE_RULES, tidy_answer
from newsrag.models import Message, RetrievedChunk
from newsrag.retrieval import Evidence
from tests.chat_server import ChatServer, Failure, Script, split_pieces
from tests.provider_helpers import HF_MASKED, HF_TOKEN, OPENAI_KEY, OPENAI_MASKED, unused_url

KINDS = ["openai", "hf"]
MODEL = "test-org/news-chat-7b"
OFFLINE = "NEWSRAG_GENERATOR=extractive"
TOKEN_SETTING = {"openai": "OPENAI_API_KEY", "hf": "HF_TOKEN"}
MASKED = {"openai": OPENAI_MASKED, "hf": HF_MASKED}
ENDPOINT_SETTING = {"openai": "NEWSRAG_OPENAI_BASE_URL", "hf": "NEWSRAG_HF_ENDPOINT"}
TOKEN_ENV = ("HF_TOKEN", "HUGGINGFACE_API_KEY", "NEWSRAG_HF_TOKEN")
KEY_ENV = ("OPENAI_API_KEY", "NEWSRAG_OPENAI_API_KEY")
QUESTION = "When was Firefox 1.0 released?"


def evidence_item(n: int, title: str, text: str, outlet: str, day: str) -> Evidence:
    published = datetime.fromisoformat(day).replace(tzinfo=UTC)
    chunk = RetrievedChunk(n, n, 0, text, 0.9, f"https://example.org/{n}", title, outlet, published)
    return Evidence(n, chunk)


FIREFOX = "Mozilla released version 1.0 of its Firefox web browser on Tuesday."
BROWSERS = "Internet Explorer lost market share for the first time in years."
EVIDENCE = [
    evidence_item(1, "Mozilla releases Firefox 1.0", FIREFOX, "Wikinews", "2004-11-09"),
    evidence_item(2, "Browser market shifts", BROWSERS, "Example Times", "2004-12-01"),
]
DEFAULT_ANSWER = "The news reports on Mozilla releases Firefox 1.0. [1]"


@pytest.fixture(scope="module")
def shared_server() -> Iterator[ChatServer]:
    # One server for the module: stopping one waits out serve_forever's 0.5 s poll.
    with ChatServer() as server:
        yield server


@pytest.fixture(name="server")
def server_fixture(shared_server: ChatServer) -> Iterator[ChatServer]:
    """The module's server with no recorded requests and no queued replies."""
    shared_server.requests.clear()
    yield shared_server
    with shared_server._lock:
        shared_server._queue.clear()


def generator(kind: str, url: str, **overrides: object) -> ChatModelGenerator:
    values: dict[str, object] = {
        "generator": kind,
        "openai_base_url": url + "/v1",
        "openai_api_key": OPENAI_KEY,
        "hf_endpoint": url,
        "hf_token": HF_TOKEN,
        "llm_model": MODEL,
        **overrides,
    }
    settings = Settings(_env_file=None, **values)  # type: ignore[arg-type, call-arg]
    made = generators.create(kind, settings)
    assert isinstance(made, ChatModelGenerator)
    return made


def failure(made: ChatModelGenerator) -> ProviderError:
    """The error the answer's stream raises; its message never holds a token in full."""
    with pytest.raises(ProviderError) as caught:
        list(made.stream(QUESTION, EVIDENCE))
    message = str(caught.value)
    for secret in (HF_TOKEN, OPENAI_KEY):
        assert secret not in message
        assert secret[3:20] not in message
    return caught.value


def pieces_then_error(made: ChatModelGenerator) -> tuple[list[str], ProviderError]:
    """The pieces streamed before the stream raised, and what it raised."""
    pieces: list[str] = []
    with pytest.raises(ProviderError) as caught:
        for piece in made.stream(QUESTION, EVIDENCE):
            pieces.append(piece)
    return pieces, caught.value


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*TOKEN_ENV, *KEY_ENV):
        monkeypatch.delenv(name, raising=False)


def history() -> list[Message]:
    now = datetime.now(UTC)
    return [
        Message("user", "Who resigned as chief executive of Mozilla?", now),
        Message("assistant", "Brendan Eich resigned as chief executive of Mozilla. [1]", now),
    ]


# --- streaming ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_streamed_pieces_join_into_the_servers_answer(server: ChatServer, kind: str) -> None:
    pieces = list(generator(kind, server.url).stream(QUESTION, EVIDENCE))

    assert "".join(pieces) == DEFAULT_ANSWER
    assert pieces == split_pieces(DEFAULT_ANSWER)
    assert len(pieces) > 1


@pytest.mark.parametrize("kind", KINDS)
def test_pieces_are_yielded_as_they_arrive_not_after_the_whole_answer(
    server: ChatServer, kind: str
) -> None:
    server.queue(Script(["Firefox 1.0 ", "came out ", "in 2004. [1]"], pause=0.15))
    arrivals: list[tuple[float, str]] = []
    for piece in generator(kind, server.url).stream(QUESTION, EVIDENCE):
        arrivals.append((time.monotonic(), piece))

    assert [piece for _, piece in arrivals] == ["Firefox 1.0 ", "came out ", "in 2004. [1]"]
    assert arrivals[-1][0] - arrivals[0][0] >= 0.25


# --- the request -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "provider", "sent_model", "credential"),
    [
        ("openai", "together", MODEL, OPENAI_KEY),
        ("hf", "together", f"{MODEL}:together", HF_TOKEN),
        ("hf", "auto", MODEL, HF_TOKEN),
    ],
    ids=["openai", "hf-together", "hf-auto"],
)
def test_request_carries_model_limits_stream_flag_and_credential(
    server: ChatServer, kind: str, provider: str, sent_model: str, credential: str
) -> None:
    made = generator(kind, server.url, llm_provider=provider, llm_max_tokens=123)
    list(made.stream(QUESTION, EVIDENCE))

    (request,) = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == sent_model
    assert request.body["max_tokens"] == 123
    assert request.body["stream"] is True
    assert request.headers["authorization"] == f"Bearer {credential}"
    assert made.model == f"{kind}:{sent_model}"


@pytest.mark.parametrize("kind", KINDS)
def test_user_message_holds_the_numbered_sources_and_the_question(
    server: ChatServer, kind: str
) -> None:
    list(generator(kind, server.url).stream(QUESTION, EVIDENCE))

    system, user = server.requests[0].body["messages"]
    assert system["role"] == "system"
    assert "cite the sources it relies on by number in square brackets" in system["content"]
    assert user["role"] == "user"
    content = user["content"]
    assert (
        '<source n="1" title="Mozilla releases Firefox 1.0" outlet="Wikinews" date="2004-11-09">'
        f"\n{FIREFOX}\n</source>"
    ) in content
    assert (
        '<source n="2" title="Browser market shifts" outlet="Example Times" date="2004-12-01">'
    ) in content
    assert content.rstrip().endswith(f"Question: {QUESTION}")


@pytest.mark.usefixtures("no_credentials")
def test_openai_without_a_key_on_a_local_server_sends_no_authorization(server: ChatServer) -> None:
    made = generator("openai", server.url, openai_api_key=None)

    assert made.generate(QUESTION, EVIDENCE) == DEFAULT_ANSWER
    assert "authorization" not in server.requests[0].headers


# --- failures, diagnosed -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_401_is_token_rejected_naming_the_masked_token_and_its_setting(
    server: ChatServer, kind: str
) -> None:
    server.queue(Failure(401, {"error": "Invalid credentials in Authorization header"}))
    error = failure(generator(kind, server.url))

    assert type(error) is TokenRejected
    assert f"refused the token {MASKED[kind]} as invalid or expired (401)" in error.message
    assert error.message.endswith(f"set {TOKEN_SETTING[kind]}.")


@pytest.mark.parametrize("kind", KINDS)
def test_403_is_permission_denied_naming_the_fix(server: ChatServer, kind: str) -> None:
    server.queue(Failure(403, {"error": "This token may not call this model"}))
    error = failure(generator(kind, server.url))

    assert type(error) is PermissionDenied
    assert MASKED[kind] in error.message
    assert "This token may not call this model" in error.message
    if kind == "hf":
        assert "may not call Inference Providers" in error.message
        assert '"Make calls to Inference Providers"' in error.message
        assert "https://huggingface.co/settings/tokens" in error.message
    assert error.message.endswith(f"{TOKEN_SETTING[kind]}.")


@pytest.mark.parametrize("kind", KINDS)
def test_404_is_model_not_served_naming_the_llm_model_setting(
    server: ChatServer, kind: str
) -> None:
    server.queue(Failure(404, {"error": f"Model {MODEL} does not exist"}))
    error = failure(generator(kind, server.url))

    assert type(error) is ModelNotServed
    assert f"does not serve the model {MODEL} (404: Model {MODEL} does not exist)" in error.message
    assert "set NEWSRAG_LLM_MODEL to a model it serves" in error.message


def test_hf_404_names_the_llm_provider_setting_not_the_embedding_one(server: ChatServer) -> None:
    server.queue(Failure(404, {"error": f"Model {MODEL} does not exist"}))
    error = failure(generator("hf", server.url, llm_provider="together"))

    assert "NEWSRAG_HF_PROVIDER" not in error.message
    assert "NEWSRAG_LLM_PROVIDER" in error.message


@pytest.mark.parametrize("kind", KINDS)
def test_410_is_endpoint_retired_naming_the_successor(server: ChatServer, kind: str) -> None:
    # what each setting holds: the OpenAI base URL ends in /v1, the HF endpoint is the router root
    successor = {"openai": "https://new.example.org/v1", "hf": "https://router.example.org"}[kind]
    said = f"https://old.example.org is no longer supported. Please use {successor} instead."
    server.queue(Failure(410, {"error": said}))
    error = failure(generator(kind, server.url))

    assert type(error) is EndpointRetired
    assert error.message.startswith(f"The endpoint {server.url}/v1/chat/completions is retired")
    assert error.message.endswith(f"set {ENDPOINT_SETTING[kind]}={successor} (or unset it).")


@pytest.mark.parametrize("kind", KINDS)
def test_429_is_rate_limited_with_the_servers_retry_after(server: ChatServer, kind: str) -> None:
    server.queue(Failure(429, {"error": "Rate limit reached"}, {"Retry-After": "30"}))
    error = failure(generator(kind, server.url, provider_retries=0))

    assert type(error) is RateLimited
    assert isinstance(error, RateLimited) and error.retry_after == 30
    assert "(429: Rate limit reached): retry in 30 s" in error.message
    assert error.message.endswith(f"or set {OFFLINE}.")
    assert len(server.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_500_is_retried_and_the_second_answer_is_streamed(server: ChatServer, kind: str) -> None:
    server.queue(Failure(500, {"error": "upstream hiccup"}))
    answer = generator(kind, server.url, provider_retries=2).generate(QUESTION, EVIDENCE)

    assert answer == DEFAULT_ANSWER
    assert len(server.requests) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_a_500_without_retries_left_is_a_server_error_naming_the_offline_fix(
    server: ChatServer, kind: str
) -> None:
    server.queue(Failure(500, {"error": "upstream hiccup"}))
    error = failure(generator(kind, server.url, provider_retries=0))

    assert type(error) is ProviderServerError
    assert "failed with HTTP 500 (upstream hiccup)" in error.message
    assert error.message.endswith(f"set {OFFLINE}.")


@pytest.mark.parametrize("kind", KINDS)
def test_no_answer_in_time_is_provider_timeout_naming_the_setting(
    server: ChatServer, kind: str
) -> None:
    server.queue(Failure(200, {}, delay=1.5))
    started = time.monotonic()
    error = failure(generator(kind, server.url, provider_timeout=0.5, provider_retries=0))

    assert type(error) is ProviderTimeout
    assert "did not answer within 0.5 s" in error.message
    assert "raise NEWSRAG_PROVIDER_TIMEOUT" in error.message
    assert error.message.endswith(f"set {OFFLINE}.")
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize("kind", KINDS)
def test_a_stall_mid_stream_is_provider_timeout_after_the_pieces_so_far(
    server: ChatServer, kind: str
) -> None:
    server.queue(Script(["Firefox ", "1.0 ", "shipped."], pause=1.0))
    pieces, error = pieces_then_error(generator(kind, server.url, provider_timeout=0.3))

    assert pieces == ["Firefox "]
    assert type(error) is ProviderTimeout
    assert "did not answer within 0.3 s" in error.message
    assert len(server.requests) == 1  # a reply already under way is not sent again


@pytest.mark.parametrize("kind", KINDS)
def test_connection_refused_is_unreachable_naming_the_endpoint_setting(kind: str) -> None:
    url = unused_url()
    error = failure(generator(kind, url, provider_retries=0))

    assert type(error) is ProviderUnreachable
    assert f"at {url}/v1/chat/completions (connection refused)" in error.message
    assert f"check {ENDPOINT_SETTING[kind]} and the network, or set {OFFLINE}." in error.message


@pytest.mark.parametrize("kind", KINDS)
def test_an_error_event_mid_stream_raises_with_the_servers_text(
    server: ChatServer, kind: str
) -> None:
    server.queue(Script(["Firefox ", "1.0 "], error="Model overloaded, please retry"))
    pieces, error = pieces_then_error(generator(kind, server.url))

    assert pieces == ["Firefox ", "1.0 "]
    assert type(error) is ProviderError
    assert error.code == "provider_stream_error"
    assert "(Model overloaded, please retry)" in error.message
    assert error.message.endswith(f"set {OFFLINE}.")


@pytest.mark.parametrize("kind", KINDS)
def test_a_connection_cut_before_the_end_raises_stream_cut(server: ChatServer, kind: str) -> None:
    server.queue(Script(["Firefox ", "1.0 "], cut=True))
    error = failure(generator(kind, server.url))

    assert type(error) is ProviderError
    assert error.code == "provider_stream_cut"
    assert f"closed the connection before the answer from {MODEL} was complete" in error.message
    assert error.message.endswith(f"set {OFFLINE}.")


@pytest.mark.usefixtures("no_credentials")
def test_hf_without_a_token_is_token_missing_and_sends_nothing(server: ChatServer) -> None:
    error = failure(generator("hf", server.url, hf_token=None))

    assert type(error) is TokenMissing
    assert error.message.startswith("NEWSRAG_GENERATOR=hf needs a token")
    assert "set HF_TOKEN" in error.message
    assert error.message.endswith(f"or set {OFFLINE}.")
    assert server.requests == []


@pytest.mark.usefixtures("no_credentials")
def test_openai_without_a_key_for_api_openai_com_is_token_missing_before_sending() -> None:
    settings = Settings(_env_file=None, generator="openai")  # type: ignore[call-arg]
    made = generators.create("openai", settings)
    assert isinstance(made, ChatModelGenerator)
    error = failure(made)

    assert type(error) is TokenMissing
    assert error.message.startswith(
        "https://api.openai.com/v1/chat/completions needs an API key: set OPENAI_API_KEY"
    )
    assert error.message.endswith(f"or set {OFFLINE}.")


# --- follow-up questions -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_follow_up_is_rewritten_by_the_model_from_the_conversation(
    server: ChatServer, kind: str
) -> None:
    server.queue(Script(['"Who replaced Brendan ', 'Eich as Mozilla chief executive?"\n', "x"]))
    rewritten = generator(kind, server.url).standalone("And who replaced him?", history())

    assert rewritten == "Who replaced Brendan Eich as Mozilla chief executive?"
    (request,) = server.requests
    system, user = request.body["messages"]
    assert system["content"] == REWRITE_RULES
    assert "User: Who resigned as chief executive of Mozilla?" in user["content"]
    assert "Assistant: Brendan Eich resigned as chief executive of Mozilla." in user["content"]
    assert "[1]" not in user["content"]
    assert "Last question: And who replaced him?" in user["content"]
    assert request.body["max_tokens"] == REWRITE_TOKENS
    assert request.body["stop"] == ["\n"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_self_contained_question_is_searched_as_asked_without_a_request(
    server: ChatServer, kind: str
) -> None:
    question = "When was Firefox 1.0 released by Mozilla?"

    assert generator(kind, server.url).standalone(question, history()) == question
    assert server.requests == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_first_question_is_searched_as_asked_without_a_request(
    server: ChatServer, kind: str
) -> None:
    question = "And who replaced him?"

    assert generator(kind, server.url).standalone(question, []) == question
    assert server.requests == []


# --- a model that loops ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_repeating_model_is_cut_off_after_the_first_repeat(server: ChatServer, kind: str) -> None:
    script = split_pieces("The vote passed. [1] " * 12)
    server.queue(Script(script, pause=0.05))
    started = time.monotonic()
    pieces = list(generator(kind, server.url).stream(QUESTION, EVIDENCE))
    elapsed = time.monotonic() - started

    text = "".join(pieces)
    assert len(pieces) < len(script)
    assert text.startswith("The vote passed. [1] The vote passed. [1]")
    assert text.count("vote passed") == 2
    assert tidy_answer(text) == "The vote passed. [1]"
    assert elapsed < 0.05 * len(script) / 2  # it stopped reading; it did not drain the stream
