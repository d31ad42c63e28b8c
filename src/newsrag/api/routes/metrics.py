"""GET /metrics: the Prometheus metrics in the text exposition format (never rate limited: only
`/api/` routes are)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from newsrag.metrics import CONTENT_TYPE, exposition

router = APIRouter()


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
def metrics() -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE)
