"""Helpers shared by the remote-provider tests (hf, openai): the model, token and key with their
masked forms, a loopback `ProviderServer` fixture, settings and embedders aimed at a URL, and a
URL where nothing listens.

The fixture is named `server`; a test module uses it by importing `server_fixture`."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from newsrag.config import Settings
from newsrag.embeddings import embedders
from newsrag.embeddings.remote import RemoteEmbedder
from tests.conftest import ONNX_DIR
from tests.provider_server import ProviderServer

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
HF_TOKEN = "hf_" + "x" * 30 + "abcd"
HF_MASKED = "hf_…abcd"
OPENAI_KEY = "sk-" + "y" * 30 + "wxyz"
OPENAI_MASKED = "sk-…wxyz"
PROVIDERS = ["hf", "openai"]


@pytest.fixture(name="server")
def server_fixture() -> Iterator[ProviderServer]:
    with ProviderServer() as server:
        yield server


def remote_values(provider: str, url: str) -> dict[str, object]:
    """The settings that aim `provider` at `url` (hf at `url`, openai at `url`/v1) with a token
    for each; to merge into other settings, such as `make_settings`' for a database."""
    return {
        "embedding_provider": provider,
        "hf_endpoint": url,
        "hf_token": HF_TOKEN,
        "openai_base_url": url + "/v1",
        "openai_api_key": OPENAI_KEY,
    }


def remote_settings(provider: str, url: str, **overrides: object) -> Settings:
    values = {**remote_values(provider, url), "onnx_dir": ONNX_DIR, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[arg-type, call-arg]


def remote_embedder(provider: str, url: str, **overrides: object) -> RemoteEmbedder:
    """The `provider` embedder from the registry, on `remote_settings`."""
    embedder = embedders.create(provider, remote_settings(provider, url, **overrides))
    assert isinstance(embedder, RemoteEmbedder)
    return embedder


def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def unused_url() -> str:
    return f"http://127.0.0.1:{unused_port()}"
