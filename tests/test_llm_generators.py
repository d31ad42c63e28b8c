"""The language-model generators (`openai`, `hf`) against a real loopback chat server: streamed
answers, what the request carries, follow-up questions rewritten by the model, and the stop on a
repeating model."""

from __future__ import annotations

import time

import pytest

from newsrag.generation.llm import REWRITE_TOKENS
from newsrag.generation.prompt import REWRITE_RULES, tidy_answer
from tests.chat_server import ChatServer, Script, split_pieces
from tests.llm_helpers import (
    DEFAULT_ANSWER,
    EVIDENCE,
    FIREFOX,
    KINDS,
    MODEL,
    QUESTION,
    generator,
    history,
    no_credentials,  # noqa: F401  (a fixture)
    server_fixture,  # noqa: F401  (the `server` fixture)
    shared_server,  # noqa: F401  (used by `server`)
)
from tests.provider_helpers import HF_TOKEN, OPENAI_KEY


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
