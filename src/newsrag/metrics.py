"""Prometheus metrics, served as text at GET /metrics.

Each process counts on its own: under `uvicorn --workers N` every worker answers /metrics with
its own counters, unless PROMETHEUS_MULTIPROC_DIR names an empty, writable directory (set before
the workers start, emptied at every start): then every worker writes its values there and any
of them answers with the sum (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from newsrag.models import IngestReport

CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUEST_SECONDS = Histogram(
    "newsrag_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and status class.",
    ["route", "method", "status"],
)
PROVIDER_ERRORS = Counter(
    "newsrag_provider_errors",
    "Model provider failures, by kind of provider and error code.",
    ["kind", "code"],
)
INGEST_ARTICLES = Counter(
    "newsrag_ingest_articles",
    "Articles ingested, by outcome (new, updated, unchanged, failed).",
    ["outcome"],
)
INGEST_CHUNKS = Counter("newsrag_ingest_chunks", "Chunks written by ingestion.")


def observe_request(route: str | None, method: str, status: int | None, seconds: float) -> None:
    """`route` is None when no route matched, `status` when the client left before an answer."""
    status_class = f"{status // 100}xx" if status is not None else "none"
    REQUEST_SECONDS.labels(route or "unmatched", method, status_class).observe(seconds)


def count_ingest(report: IngestReport) -> None:
    for outcome in ("new", "updated", "unchanged", "failed"):
        INGEST_ARTICLES.labels(outcome).inc(getattr(report, outcome))
    INGEST_CHUNKS.inc(report.chunks)


def exposition() -> bytes:
    """Every metric in the text format: this process's, or all workers' in multiprocess mode."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)
