"""newsrag's one exception tree.

Every error carries a stable machine-readable ``code``, the HTTP ``status`` the API answers with,
and a message that is one sentence telling the user what to do (naming the setting or URL that
fixes it). Libraries' exceptions are translated into these at the boundary with ``raise ... from``.

    NewsragError
    ├── ConfigurationError        (500) a setting is wrong or missing
    ├── InvalidInput              (400) the request or the source is malformed
    ├── Unauthorized              (401) an admin operation without a Bearer token
    ├── Forbidden                 (403) admin operations disabled, or the wrong admin token
    ├── NotFound                  (404) no such session / article
    ├── StorageError              (503) the database cannot be reached or refused the write
    │   └── IndexMismatch         (409) vectors from another model or dimension than the index
    ├── SessionStoreError         (503) the session store (Redis / PostgreSQL) failed
    ├── ProviderError             (503) a model provider failed; one subclass per cause:
    │   ├── ModelUnavailable      the model's weights or package are missing
    │   ├── TokenMissing          no token configured for a provider that needs one
    │   ├── TokenRejected         401: the token is invalid or expired
    │   ├── PermissionDenied      403: the token may not call this API
    │   ├── ModelNotServed        404: the provider does not serve the model
    │   ├── EndpointRetired       410: the endpoint is gone; the sentence names its successor
    │   ├── RateLimited           429: too many calls; the sentence says when to retry
    │   ├── ModelLoading          503 "model is loading"
    │   ├── ProviderServerError   other 5xx
    │   ├── ProviderTimeout       no answer within NEWSRAG_PROVIDER_TIMEOUT
    │   ├── ProviderUnreachable   connection refused, DNS failure
    │   └── BadProviderResponse   an answer of the wrong shape or dimension
    └── SourceError               (502) a news source could not be read
        └── UrlRefused            (403) a URL newsrag will not fetch: not http(s), or on a
                                  loopback, private, link-local or cloud-metadata address
"""

from __future__ import annotations


class NewsragError(Exception):
    code = "newsrag_error"
    status = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ConfigurationError(NewsragError):
    code = "configuration_error"
    status = 500


class InvalidInput(NewsragError):
    code = "invalid_input"
    status = 400


class Unauthorized(NewsragError):
    code = "unauthorized"
    status = 401


class Forbidden(NewsragError):
    code = "forbidden"
    status = 403


class NotFound(NewsragError):
    code = "not_found"
    status = 404


class StorageError(NewsragError):
    code = "storage_unavailable"
    status = 503


class IndexMismatch(StorageError):
    code = "index_mismatch"
    status = 409


class SessionStoreError(NewsragError):
    code = "session_store_unavailable"
    status = 503


class ProviderError(NewsragError):
    code = "provider_error"
    status = 503


class ModelUnavailable(ProviderError):
    code = "model_unavailable"


class TokenMissing(ProviderError):
    code = "token_missing"


class TokenRejected(ProviderError):
    code = "token_rejected"


class PermissionDenied(ProviderError):
    code = "permission_denied"


class ModelNotServed(ProviderError):
    code = "model_not_served"


class EndpointRetired(ProviderError):
    code = "endpoint_retired"


class RateLimited(ProviderError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ModelLoading(ProviderError):
    code = "model_loading"

    def __init__(self, message: str, *, estimated_time: float | None = None) -> None:
        super().__init__(message)
        self.estimated_time = estimated_time


class ProviderServerError(ProviderError):
    code = "provider_server_error"


class ProviderTimeout(ProviderError):
    code = "provider_timeout"


class ProviderUnreachable(ProviderError):
    code = "provider_unreachable"


class BadProviderResponse(ProviderError):
    code = "bad_provider_response"


class SourceError(NewsragError):
    code = "source_error"
    status = 502


class UrlRefused(SourceError):
    code = "url_refused"
    status = 403
