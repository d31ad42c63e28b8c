"""all-MiniLM-L6-v2 on ONNX Runtime (NEWSRAG_EMBEDDING_PROVIDER=onnx): the same weights and
vector space as `local`, without torch.

On first use the packaged weights are written out as an ONNX graph (`onnx_export.py` and
`onnx_graph.py`, with onnx and numpy) into `NEWSRAG_DATA_DIR/onnx/`; later processes load that
file. Texts are tokenised with the packaged tokenizer.json (`tokenizers`), sorted by length so
that each batch pads little, and mean-pooled and L2-normalised as sentence-transformers does for
this model. NEWSRAG_ONNX_PRECISION picks `fp32` (the same vectors as `local`) or `int8` (about
twice as fast, cosine about 0.996 to them; see `benchmarks/embedding.py`).
"""

from __future__ import annotations

import json
import logging
import platform
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

import numpy as np

from newsrag.config import Settings
from newsrag.embeddings.base import Embedder, Vectors, embedders
from newsrag.embeddings.local import MINILM, MINILM_PACKAGE, _packaged_minilm
from newsrag.embeddings.onnx_export import INPUTS, Feed
from newsrag.errors import ModelUnavailable
from newsrag.providers.boundary import boundary, describe

Precision = Literal["fp32", "int8"]
# Bump when the export or the quantisation recipe changes: older cached files are not reused.
# 2: the graph is built from the safetensors weights without torch (1: traced with torch).
RECIPE = 2
INSTALL = (
    "run `pip install onnxruntime onnx safetensors tokenizers` (newsrag's core install has "
    "them), or set NEWSRAG_EMBEDDING_PROVIDER=local"
)

log = logging.getLogger(__name__)


def cpu_has_vnni(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether int8 products can use VNNI (AVX512-VNNI or AVX-VNNI). Other x86 CPUs need 7-bit
    weights (`reduce_range`) so that u8 x s8 pairs cannot overflow; ARM needs neither."""
    if platform.machine().lower() not in {"x86_64", "amd64", "i386", "i686"}:
        return True
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    flags = {
        flag for line in text.splitlines() if line.startswith("flags") for flag in line.split()
    }
    return bool(flags & {"avx512_vnni", "avx_vnni"})


class OnnxEmbedder(Embedder):
    def __init__(
        self,
        cache_dir: Path,
        *,
        precision: Precision = "fp32",
        batch_size: int = 32,
        threads: int = 0,
    ) -> None:
        self.model_name = MINILM
        self.cache_dir = cache_dir
        self.precision: Precision = precision
        self.batch_size = batch_size
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._session is not None

    @property
    def dimension(self) -> int:
        return int(self._load().get_outputs()[0].shape[-1])

    @property
    def model_file(self) -> Path:
        """Where the exported graph is cached: one folder per model package version and recipe,
        one file per precision (int8 also per CPU kind)."""
        folder = f"all-MiniLM-L6-v2-{version(MINILM_PACKAGE)}-r{RECIPE}"
        name = "fp32" if self.precision == "fp32" else _int8_name()
        return self.cache_dir / folder / f"{name}.onnx"

    def embed(self, texts: Sequence[str]) -> Vectors:
        """All texts at once: `embed_batch` sorts them by length across the whole input."""
        return self.embed_batch(texts)

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        session = self._load()
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with self._boundary():
            encodings = self._tokenizer.encode_batch([text.strip() for text in texts])
            order = np.argsort([len(encoding.ids) for encoding in encodings], kind="stable")
            for start in range(0, len(texts), self.batch_size):
                rows = order[start : start + self.batch_size]
                feed = _padded([encodings[row] for row in rows])
                (hidden,) = session.run(None, feed)
                out[rows] = _mean_pooled(hidden, feed["attention_mask"])
        return out

    def _load(self) -> Any:
        if self._session is not None:
            return self._session
        with self._lock, self._boundary():
            if self._session is None:
                self._tokenizer = _tokenizer(_packaged_minilm())
                self._session = self._open(self._exported())
        return self._session

    def _boundary(self) -> AbstractContextManager[None]:
        """The boundary around onnxruntime and tokenizers: a failure before the model is loaded
        says how to export it again."""
        return boundary(
            "ONNX Runtime",
            f"try again; if it keeps failing, delete the exported model in {self.cache_dir} "
            f"(newsrag exports it again), or set NEWSRAG_EMBEDDING_PROVIDER=local.",
            self._load_failure,
        )

    def _load_failure(self, exc: Exception) -> ModelUnavailable | None:
        if self._session is not None:
            return None
        return ModelUnavailable(
            f"ONNX Runtime cannot load {self.model_file} ({describe(exc)}): delete it (newsrag "
            "exports the model again on next use), or set NEWSRAG_EMBEDDING_PROVIDER=local.",
            code="model_not_installed",
        )

    def _exported(self) -> Path:
        target = self.model_file
        if target.exists():
            return target
        model_dir = _packaged_minilm()
        log.info("exporting %s to ONNX (%s) once, into %s", MINILM, self.precision, target)
        try:
            from newsrag.embeddings import onnx_export

            fp32 = target.with_name("fp32.onnx")
            if not fp32.exists():
                onnx_export.export_fp32(model_dir, fp32)
            if target != fp32:
                onnx_export.quantize_int8(
                    fp32, target, self._calibration_feed, reduce_range=not cpu_has_vnni()
                )
        except ImportError as exc:
            raise ModelUnavailable(
                f"Exporting {MINILM} to ONNX needs onnx, safetensors and onnxruntime "
                f"({exc.name} is missing): {INSTALL}.",
                code="model_not_installed",
            ) from exc
        return target

    def _calibration_feed(self, texts: Sequence[str]) -> Feed:
        return _padded(self._tokenizer.encode_batch(list(texts)))

    def _open(self, path: Path) -> Any:
        try:
            import onnxruntime
        except ImportError as exc:
            raise ModelUnavailable(
                f"onnxruntime is not installed: {INSTALL}.", code="model_not_installed"
            ) from exc
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _int8_name() -> str:
    return "int8" if cpu_has_vnni() else "int8-reduced-range"


def _tokenizer(model_dir: Path) -> Any:
    """The packaged tokenizer as sentence-transformers sets it up: truncation at the model's
    max_seq_length (the file itself says 128 and pads to 128), padding done here per batch."""
    try:
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ModelUnavailable(
            f"tokenizers is not installed: {INSTALL}.", code="model_not_installed"
        ) from exc
    config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
    return tokenizer


def _padded(encodings: Sequence[Any]) -> Feed:
    width = max((len(encoding.ids) for encoding in encodings), default=0)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    return dict(zip(INPUTS, (ids, mask), strict=True))


def _mean_pooled(hidden: Any, mask: Any) -> Vectors:
    """sentence-transformers' mean pooling (padding left out) then its L2 normalisation."""
    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: Vectors = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit


@embedders.register("onnx")
def _onnx(settings: Settings) -> Embedder:
    return OnnxEmbedder(
        settings.onnx_dir or settings.data_dir / "onnx",
        precision=settings.onnx_precision,
        batch_size=settings.embedding_batch,
        threads=settings.onnx_threads,
    )
