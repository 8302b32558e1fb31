"""How an httpx failure or an error response becomes the client's error (``errors.py``).

Kept apart from ``api.py`` so the client stays the size of its own job; the live
stream (``live.py``) maps its error responses the same way.
"""

from __future__ import annotations

import httpx

from padcom_cli.client.errors import (
    Conflict,
    InvalidRequest,
    NotAuthorized,
    NotFound,
    PadcomError,
    RateLimited,
    ServerFailed,
)

_STATUS_ERRORS: dict[int, type[PadcomError]] = {
    400: InvalidRequest,
    401: NotAuthorized,
    403: NotAuthorized,
    404: NotFound,
    409: Conflict,
    412: Conflict,
    413: InvalidRequest,
    422: InvalidRequest,
    428: InvalidRequest,
}


def describe_transport_error(url: str, exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"{url} did not answer in time"
    reason = str(exc) or type(exc).__name__
    if "refused" in reason.lower():
        reason = "connection refused"
    return f"cannot reach {url}: {reason}"


def error_from_response(response: httpx.Response) -> PadcomError:
    """The client error for an error response (uses the API's ``{"error": ...}`` body)."""
    try:
        body = response.json().get("error", {})
    except (ValueError, AttributeError):
        body = {}
    message = str(body.get("message") or response.reason_phrase or f"HTTP {response.status_code}")
    details = body.get("details") if isinstance(body.get("details"), dict) else None
    code = str(body.get("code") or "")
    status = response.status_code
    if status == 429:
        retry = response.headers.get("Retry-After")
        return RateLimited(
            message,
            status=status,
            details=details,
            code=code,
            retry_after=float(retry) if retry and retry.isdigit() else None,
        )
    kind = _STATUS_ERRORS.get(status, ServerFailed if status >= 500 else InvalidRequest)
    return kind(message, status=status, details=details, code=code)
