"""The admin endpoints' authentication: `Authorization: Bearer <NEWSRAG_ADMIN_TOKEN>`.

Without NEWSRAG_ADMIN_TOKEN the admin endpoints are off (403). The token is compared in
constant time and never logged nor repeated in an answer.
"""

from __future__ import annotations

import hmac

from fastapi import Request

from newsrag.api.deps import ServicesDep
from newsrag.errors import Forbidden, Unauthorized

DISABLED = (
    "Admin operations are disabled: set NEWSRAG_ADMIN_TOKEN to a long random secret and send "
    "it as 'Authorization: Bearer <token>'."
)
MISSING = (
    "This needs the admin token: send 'Authorization: Bearer <token>' with the value of "
    "NEWSRAG_ADMIN_TOKEN."
)
WRONG = "The admin token is wrong: send the value of NEWSRAG_ADMIN_TOKEN as the Bearer token."


def require_admin(request: Request, services: ServicesDep) -> None:
    """Let the request through only with the configured admin token."""
    configured = services.settings.admin_token
    expected = configured.get_secret_value().strip() if configured is not None else ""
    if not expected:
        raise Forbidden(DISABLED, code="admin_disabled")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    given = given.strip()
    if scheme.lower() != "bearer" or not given:
        raise Unauthorized(MISSING, code="admin_token_missing")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden(WRONG, code="admin_token_wrong")
