"""Admin endpoints, behind `Authorization: Bearer <NEWSRAG_ADMIN_TOKEN>`:
POST /api/ingest, GET /api/ingest/{jobId}, DELETE /api/articles/{articleId} and
DELETE /api/articles?url=...

Only http(s) URLs are ingested over the API, never paths: a file on the server is not the
admin's to read. The URLs are fetched like any source (public addresses only, see
`ingest/netguard.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, StringConstraints
from pydantic_core import PydanticCustomError

from newsrag.api.auth import require_admin
from newsrag.api.deps import ServicesDep
from newsrag.api.schemas import ErrorResponse, no_nul
from newsrag.errors import NotFound
from newsrag.store import DeletedArticle, IngestJob, JobState

MAX_SOURCES = 50
MAX_URL = 2048
MAX_ID = 2**63 - 1  # PostgreSQL bigint

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 403, 404)
}
router = APIRouter(dependencies=[Depends(require_admin)], responses=ERRORS)


def _http_url(text: str) -> str:
    """Only http(s) URLs with a host and without credentials; never a path on the server."""
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise PydanticCustomError(
            "http_url",
            "must be an http:// or https:// URL (files on the server cannot be ingested "
            "over the API)",
        )
    if parts.username is not None or parts.password is not None:
        raise PydanticCustomError("http_url", "must not hold a user name or password")
    if any(char.isspace() or ord(char) < 32 for char in text):
        raise PydanticCustomError("http_url", "must not contain spaces or control characters")
    return text


SourceUrl = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_URL),
    AfterValidator(_http_url),
]


class IngestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[SourceUrl] = Field(min_length=1, max_length=MAX_SOURCES)


class JobResponse(BaseModel):
    """An ingestion job: `articlesFound` read from its sources so far, `articlesProcessed`
    of them stored or skipped so far; `new`, `updated`, `unchanged`, `failed` count articles
    of the sources done (`sourcesDone`), `errors` says what was skipped and why."""

    success: Literal[True] = True
    jobId: UUID
    state: JobState
    sources: list[str]
    sourcesDone: int
    articlesFound: int
    articlesProcessed: int
    new: int
    updated: int
    unchanged: int
    failed: int
    chunks: int
    errors: list[str]
    createdAt: datetime
    startedAt: datetime | None
    finishedAt: datetime | None


class DeletedResponse(BaseModel):
    success: Literal[True] = True
    articleId: int
    url: str
    title: str
    chunksDeleted: int


def _job(job: IngestJob) -> JobResponse:
    return JobResponse(
        jobId=job.id,
        state=job.state,
        sources=job.sources,
        sourcesDone=job.sources_done,
        articlesFound=job.articles_found,
        articlesProcessed=job.articles_processed,
        new=job.new,
        updated=job.updated,
        unchanged=job.unchanged,
        failed=job.failed,
        chunks=job.chunks,
        errors=job.errors,
        createdAt=job.created_at,
        startedAt=job.started_at,
        finishedAt=job.finished_at,
    )


def _found(job: IngestJob | None, job_id: UUID) -> JobResponse:
    if job is None:
        raise NotFound(f"No ingestion job {job_id}: check the jobId that POST /api/ingest gave.")
    return _job(job)


@router.post("/api/ingest", status_code=202, response_model=JobResponse)
def submit(body: IngestRequest, services: ServicesDep, response: Response) -> JobResponse:
    """Ingest `sources` in the background; the answer is the queued job, polled at `Location`."""
    job_id = services.jobs.submit(list(dict.fromkeys(body.sources)))
    response.headers["Location"] = f"/api/ingest/{job_id}"
    return _found(services.jobs.tables.get(job_id), job_id)


@router.get("/api/ingest/{jobId}", response_model=JobResponse)
def job_status(jobId: UUID, services: ServicesDep) -> JobResponse:
    return _found(services.jobs.tables.get(jobId), jobId)


def _deleted(article: DeletedArticle | None, which: str) -> DeletedResponse:
    if article is None:
        raise NotFound(f"No article {which}: it may have been deleted already.")
    return DeletedResponse(
        articleId=article.id, url=article.url, title=article.title, chunksDeleted=article.chunks
    )


@router.delete("/api/articles/{articleId}", response_model=DeletedResponse)
def delete_by_id(articleId: Annotated[int, Path(gt=0)], services: ServicesDep) -> DeletedResponse:
    """Delete the article and its chunks (a feed still listing it brings it back)."""
    return _deleted(services.store.delete(article_id=articleId), f"with id {articleId}")


@router.delete("/api/articles", response_model=DeletedResponse)
def delete_by_url(
    url: Annotated[str, Query(min_length=1, max_length=MAX_URL), AfterValidator(no_nul)],
    services: ServicesDep,
) -> DeletedResponse:
    """Delete the article with this URL (as in a chat answer's `sources`) and its chunks."""
    return _deleted(services.store.delete(url=url), f"with URL {url}")
