"""Self-test of the provider stand-in server (tests/provider_server.py) over real HTTP."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.provider_server import (
    ProviderServer,
    bad_gateway,
    openai_error,
    rate_limited,
    retired,
    server_error,
    slow,
    wrong_dimension,
    wrong_shape,
)

HF_PATH = "/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction"
TOKEN = {"Authorization": "Bearer hf_test"}


@pytest.fixture(name="server")
def server_fixture() -> Iterator[ProviderServer]:
    with ProviderServer() as server:
        yield server


def post_hf(server: ProviderServer, inputs: object, timeout: float = 5.0) -> httpx.Response:
    return httpx.post(server.url + HF_PATH, json={"inputs": inputs}, headers=TOKEN, timeout=timeout)


def test_hf_feature_extraction_success(server: ProviderServer) -> None:
    response = post_hf(server, ["the cat sat", "a dog barked", "the cat sat"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    vectors = response.json()
    assert len(vectors) == 3
    for vector in vectors:
        assert len(vector) == 384
        assert math.isclose(math.sqrt(sum(v * v for v in vector)), 1.0)
    assert vectors[0] == vectors[2]
    assert vectors[0] != vectors[1]
    single = post_hf(server, "the cat sat").json()
    assert single == vectors[0]


def test_custom_embed_and_wrong_dimension() -> None:
    with ProviderServer(embed=lambda texts: [[float(len(t)), 0.0] for t in texts]) as server:
        assert post_hf(server, ["abc"]).json() == [[3.0, 0.0]]
        server.queue(wrong_dimension(768), wrong_dimension(5))
        assert [len(v) for v in post_hf(server, ["x", "y"]).json()] == [768, 768]
        openai = httpx.post(server.url + "/v1/embeddings", json={"model": "m", "input": "x"})
        assert len(openai.json()["data"][0]["embedding"]) == 5


def test_openai_embeddings_shape(server: ProviderServer) -> None:
    response = httpx.post(
        server.url + "/v1/embeddings",
        json={"model": "text-embedding-3-small", "input": ["hello world", "bye"]},
        headers={"Authorization": "Bearer sk-test"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list"
    assert body["model"] == "text-embedding-3-small"
    assert body["usage"] == {"prompt_tokens": 3, "total_tokens": 3}
    assert [item["index"] for item in body["data"]] == [0, 1]
    assert all(item["object"] == "embedding" for item in body["data"])
    assert all(len(item["embedding"]) == 384 for item in body["data"])
    # any prefix ending in /embeddings is accepted
    prefixed = httpx.post(server.url + "/api/openai/embeddings", json={"model": "m", "input": "x"})
    assert prefixed.status_code == 200


def test_queue_in_order_then_default_resumes(server: ProviderServer) -> None:
    server.queue(server_error(), retired(), wrong_shape())
    assert post_hf(server, ["a"]).status_code == 500
    assert post_hf(server, ["a"]).status_code == 410
    assert post_hf(server, ["a"]).json() == {"embeddings": "nope"}
    assert post_hf(server, ["a"]).status_code == 200
    assert httpx.get(server.url + "/nowhere").json() == {"error": "Not Found"}


def test_always_and_reset(server: ProviderServer) -> None:
    server.always(bad_gateway())
    for _ in range(2):
        response = post_hf(server, ["a"])
        assert response.status_code == 502
        assert response.headers["content-type"] == "text/html"
        assert response.text == "<html><body>502 Bad Gateway</body></html>"
    # whoami is not affected by scripted replies
    assert httpx.get(server.url + "/api/whoami-v2", headers=TOKEN).status_code == 200
    server.always(None)
    assert post_hf(server, ["a"]).status_code == 200


def test_whoami(server: ProviderServer) -> None:
    anonymous = httpx.get(server.url + "/api/whoami-v2")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"error": "Invalid credentials in Authorization header"}
    body = httpx.get(server.url + "/api/whoami-v2", headers=TOKEN).json()
    assert body["name"] == "newsrag-tester"
    token = body["auth"]["accessToken"]
    assert token["role"] == "fineGrained"
    assert token["fineGrained"]["global"] == ["inference.serverless.write"]
    server.whoami = {"type": "user", "name": "other"}
    assert httpx.get(server.url + "/api/whoami-v2", headers=TOKEN).json()["name"] == "other"


def test_retired_verbatim(server: ProviderServer) -> None:
    server.queue(retired())
    response = post_hf(server, ["a"])
    assert response.status_code == 410
    assert response.json() == {
        "error": "https://api-inference.huggingface.co is no longer supported. "
        "Please use https://router.huggingface.co instead."
    }


def test_rate_limited_retry_after(server: ProviderServer) -> None:
    server.queue(rate_limited(5), rate_limited(None))
    first = post_hf(server, ["a"])
    assert first.status_code == 429
    assert first.headers["retry-after"] == "5"
    assert "retry-after" not in post_hf(server, ["a"]).headers


def test_openai_error_format(server: ProviderServer) -> None:
    server.queue(openai_error(401, "Incorrect API key provided", code="invalid_api_key"))
    response = httpx.post(server.url + "/v1/embeddings", json={"model": "m", "input": "x"})
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "message": "Incorrect API key provided",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
    }


def test_delay_honoured_and_stop_prompt() -> None:
    server = ProviderServer().start()
    server.queue(slow(1), slow(30))
    with pytest.raises(httpx.ReadTimeout):
        post_hf(server, ["a"], timeout=0.2)
    with pytest.raises(httpx.ReadTimeout):
        post_hf(server, ["a"], timeout=0.2)  # its reply now sleeps for 30 s
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2.0


def test_requests_recorded(server: ProviderServer) -> None:
    post_hf(server, ["alpha", "beta"])
    httpx.get(server.url + "/api/whoami-v2", headers=TOKEN)
    httpx.post(server.url + "/v1/embeddings?x=1", json={"model": "m", "input": "x"})
    assert [(r.method, r.path) for r in server.requests] == [
        ("POST", HF_PATH),
        ("GET", "/api/whoami-v2"),
        ("POST", "/v1/embeddings?x=1"),
    ]
    first = server.requests[0]
    assert first.headers["authorization"] == "Bearer hf_test"
    assert first.body == {"inputs": ["alpha", "beta"]}
    assert server.requests[1].body is None
    assert [r.path for r in server.embedding_requests()] == [HF_PATH, "/v1/embeddings?x=1"]
    assert server.errors == []


def test_bad_input_is_400(server: ProviderServer) -> None:
    assert post_hf(server, 42).status_code == 400
    response = httpx.post(server.url + "/v1/embeddings", json={"model": "m"})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"
