"""GET /api/history and DELETE /api/session end to end: turn history, time to live, deletion,
per-session isolation and session-id validation."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from newsrag.generation.base import NOT_COVERED
from tests.api_helpers import (
    ABSENT_QUESTION,
    FIREFOX_QUESTION,
    api_services_fixture,  # noqa: F401  (the `api_services` fixture)
    assert_error,
    chat,
    client_fixture,  # noqa: F401  (the `client` fixture)
    new_id,
)

pytestmark = pytest.mark.model


# --- GET /api/history, DELETE /api/session -------------------------------------------------------


def test_history_lists_two_turns_in_order(client: TestClient) -> None:
    session = new_id()
    chat(client, session, FIREFOX_QUESTION)
    chat(client, session, ABSENT_QUESTION)

    response = client.get(f"/api/history/{session}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"success", "sessionId", "messages", "messageCount", "ttl", "ttlMinutes"}
    assert body["success"] is True
    assert body["sessionId"] == session
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user", "assistant"]
    assert [m["content"] for m in body["messages"]][::2] == [FIREFOX_QUESTION, ABSENT_QUESTION]
    assert body["messages"][3]["content"] == NOT_COVERED
    assert body["messageCount"] == 4
    for message in body["messages"]:
        assert set(message) == {"role", "content", "timestamp"}
    stamps = [datetime.fromisoformat(m["timestamp"]) for m in body["messages"]]
    assert stamps == sorted(stamps)


def test_history_reports_the_remaining_time_to_live(client: TestClient) -> None:
    session = new_id()
    chat(client, session, ABSENT_QUESTION)

    body = client.get(f"/api/history/{session}").json()

    assert 1700 < body["ttl"] <= 1800
    assert body["ttlMinutes"] == round(body["ttl"] / 60)


def test_history_of_an_unknown_session_is_404(client: TestClient) -> None:
    session = new_id()

    response = client.get(f"/api/history/{session}")

    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Session not found", "sessionId": session}


def test_delete_clears_the_session(client: TestClient) -> None:
    session = new_id()
    chat(client, session, ABSENT_QUESTION)

    response = client.delete(f"/api/session/{session}")

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "sessionId": session,
        "message": "Session cleared successfully",
    }
    assert client.get(f"/api/history/{session}").status_code == 404


def test_delete_twice_is_404_the_second_time(client: TestClient) -> None:
    session = new_id()
    chat(client, session, ABSENT_QUESTION)
    client.delete(f"/api/session/{session}")

    response = client.delete(f"/api/session/{session}")

    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Session not found", "sessionId": session}


def test_chat_after_delete_starts_a_fresh_history(client: TestClient) -> None:
    session = new_id()
    chat(client, session, FIREFOX_QUESTION)
    client.delete(f"/api/session/{session}")
    chat(client, session, ABSENT_QUESTION)

    messages = client.get(f"/api/history/{session}").json()["messages"]
    assert [m["content"] for m in messages] == [ABSENT_QUESTION, NOT_COVERED]


@pytest.mark.parametrize("path", ["/api/history/a%20b", "/api/session/a%20b"])
def test_session_routes_reject_an_illegal_session_id(client: TestClient, path: str) -> None:
    method = client.get if "history" in path else client.delete

    response = method(path)

    assert response.status_code == 400
    body = response.json()
    assert_error(body)
    assert body["error"].startswith("'sessionId' must be")
