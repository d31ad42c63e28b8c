"""Embedding speed: plain sentence-transformers (torch) against the `onnx` provider in fp32 and
int8, on real news sentences, in one run.

    .venv/bin/python benchmarks/embedding.py --sentences 2000
    .venv/bin/python benchmarks/embedding.py --sentences 500 --sweep-batches 8,16,32,64,128 \
        --sweep-threads 1,2

The sentences are the first N of the Wikinews articles in ../shared/data/wikinews_en.jsonl (read
there, never copied). Each runtime runs in its own process, so that its peak RSS (VmHWM, native
memory included) is its own: the process's whole peak, and its growth from loading the model and
embedding (peak minus the peak before). Throughput is the best of --repeats runs over
all sentences after a warm-up batch, so that other work on the machine counts less. Agreement is
the cosine between each runtime's vector and the torch vector of the same sentence.

The last line is `speedup <x> cosine_mean <c> cosine_min <m> agrees <0|1>` for the default
runtime (as the settings choose it: `onnx` int8 unless NEWSRAG_EMBEDDING_PROVIDER /
NEWSRAG_ONNX_PRECISION say otherwise) against torch, `agrees` 1 when its agreement meets its
rule (fp32: mean >= 0.999, int8: mean >= 0.99); the line before names the fastest runtime whose
agreement meets its rule.
The ONNX files are exported into NEWSRAG_DATA_DIR/onnx first, when they are not there yet.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsrag.config import Settings
from newsrag.embeddings.base import Embedder
from newsrag.embeddings.local import LocalEmbedder
from newsrag.embeddings.onnx import OnnxEmbedder, Precision
from newsrag.text import split_sentences

WIKINEWS = Path(__file__).resolve().parents[2] / "shared" / "data" / "wikinews_en.jsonl"
BASELINE = "torch"
# torch: plain sentence-transformers, `encode` over all sentences (it sorts them by length);
# torch-local: the `local` provider as newsrag calls it, `embed` in batches in input order.
RUNTIMES: dict[str, Precision | None] = {
    BASELINE: None,
    "torch-local": None,
    "onnx-fp32": "fp32",
    "onnx-int8": "int8",
}
RULES = {"torch-local": 0.999, "onnx-fp32": 0.999, "onnx-int8": 0.99}


@dataclass
class Result:
    runtime: str
    batch: int
    threads: int
    per_second: float
    load_seconds: float
    peak_mib: float
    growth_mib: float
    torch_loaded: bool
    cosine_mean: float = 1.0
    cosine_min: float = 1.0

    @property
    def agrees(self) -> bool:
        return self.cosine_mean >= RULES.get(self.runtime, 1.0)


def news_sentences(count: int) -> list[str]:
    found: list[str] = []
    with WIKINEWS.open(encoding="utf-8") as handle:
        for line in handle:
            found.extend(split_sentences(json.loads(line)["body"]))
            if len(found) >= count:
                return found[:count]
    raise SystemExit(f"{WIKINEWS} holds {len(found)} sentences, fewer than {count}")


def build(runtime: str, batch: int, threads: int, cache_dir: Path) -> Embedder:
    precision = RUNTIMES[runtime]
    if precision is None:
        if threads:
            import torch

            torch.set_num_threads(threads)
        return LocalEmbedder(batch_size=batch)
    return OnnxEmbedder(cache_dir, precision=precision, batch_size=batch, threads=threads)


def peak_mib() -> float:
    """This process's peak RSS: VmHWM, which exec resets (ru_maxrss keeps the parent's peak when
    the child is started by vfork, as subprocess does)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args: argparse.Namespace) -> None:
    """One runtime in this process: vectors to `out`.npy, figures to `out`.json."""
    texts = news_sentences(args.sentences)
    before = peak_mib()
    started = time.perf_counter()
    embedder = build(args.worker, args.batch, args.threads, Path(args.cache_dir))
    embed = embedder.embed if args.worker == "torch-local" else embedder.embed_batch
    embed(texts[: args.batch])
    load = time.perf_counter() - started
    times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        vectors = embed(texts)
        times.append(time.perf_counter() - started)
    np.save(f"{args.out}.npy", vectors)
    figures = {
        "per_second": len(texts) / min(times),
        "load_seconds": load,
        "peak_mib": peak_mib(),
        "growth_mib": peak_mib() - before,
        "torch_loaded": "torch" in sys.modules,
    }
    Path(f"{args.out}.json").write_text(json.dumps(figures), encoding="utf-8")


def measure(
    args: argparse.Namespace, runtime: str, batch: int, threads: int, folder: Path
) -> tuple[Result, Any]:
    out = folder / f"{runtime}-{batch}-{threads}"
    command = [sys.executable, __file__, "--worker", runtime, "--out", str(out)]
    command += ["--sentences", str(args.sentences), "--repeats", str(args.repeats)]
    command += ["--batch", str(batch), "--threads", str(threads), "--cache-dir", args.cache_dir]
    subprocess.run(command, check=True)
    figures = json.loads(Path(f"{out}.json").read_text(encoding="utf-8"))
    return Result(runtime, batch, threads, **figures), np.load(f"{out}.npy")


def compare(result: Result, vectors: Any, reference: Any) -> Result:
    cosines = np.sum(vectors * reference, axis=1)
    result.cosine_mean = float(cosines.mean())
    result.cosine_min = float(cosines.min())
    return result


def table(results: list[Result], baseline: float) -> None:
    head = "runtime     batch threads  sent/s  speedup  load s  peak MiB  +MiB  torch"
    print(f"{head}  cos mean  cos min  rule")
    for r in results:
        rule = "ok" if r.agrees else "FAIL"
        print(
            f"{r.runtime:<11} {r.batch:>5} {r.threads or 'auto':>7} {r.per_second:>7.0f}"
            f" {r.per_second / baseline:>7.2f}x {r.load_seconds:>7.1f} {r.peak_mib:>9.0f}"
            f" {r.growth_mib:>5.0f}  {'yes' if r.torch_loaded else 'no':<5}"
            f"  {r.cosine_mean:>8.4f} {r.cosine_min:>8.4f}  {rule}"
        )


def numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def default_runtime(settings: Settings) -> str:
    """The row of the table that newsrag's settings embed with."""
    if settings.embedding_provider == "onnx":
        return f"onnx-{settings.onnx_precision}"
    return "torch-local"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=32, help="batch size of the main table")
    parser.add_argument("--threads", type=int, default=0, help="0: each runtime's default")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the best counts")
    parser.add_argument("--sweep-batches", type=numbers, default=[], help="e.g. 8,16,32,64")
    parser.add_argument("--sweep-threads", type=numbers, default=[], help="e.g. 1,2")
    settings = Settings()
    parser.add_argument("--cache-dir", default=str(settings.onnx_dir or settings.data_dir / "onnx"))
    parser.add_argument("--worker", choices=sorted(RUNTIMES), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return 0

    for precision in ("fp32", "int8"):
        OnnxEmbedder(Path(args.cache_dir), precision=precision).embed(["export once"])
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        base, reference = measure(args, BASELINE, args.batch, args.threads, folder)
        results = [base]
        for runtime in ("torch-local", "onnx-fp32", "onnx-int8"):
            result, vectors = measure(args, runtime, args.batch, args.threads, folder)
            results.append(compare(result, vectors, reference))
        print(f"# {args.sentences} Wikinews sentences, best of {args.repeats} runs\n")
        table(results, base.per_second)
        sweeping = bool(args.sweep_batches or args.sweep_threads)
        sweep = [
            compare(*measure(args, runtime, batch, threads, folder), reference)
            for runtime in ("onnx-fp32", "onnx-int8")
            for threads in args.sweep_threads or [args.threads]
            for batch in args.sweep_batches or [args.batch]
            if sweeping
        ]
        if sweep:
            print("\n# sweep: batch size and threads (speedup against the torch row above)\n")
            table(sweep, base.per_second)
    best = max((r for r in results if r.agrees), key=lambda r: r.per_second)
    print(f"\nfastest within its agreement rule: {best.runtime}")
    chosen = default_runtime(Settings())
    default = next(r for r in results if r.runtime == chosen)
    print(f"default runtime: {chosen}")
    print(
        f"speedup {default.per_second / base.per_second:.2f} "
        f"cosine_mean {default.cosine_mean:.4f} cosine_min {default.cosine_min:.4f} "
        f"agrees {int(default.agrees)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
