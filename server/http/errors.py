"""HTTP layer: how every failure becomes a status and ``{"error": {"code", "message"}}``.

The rules raise the domain errors of server/helpdesk/errors.py (no status, no
headers); ``STATUS`` below gives each its status, and ``retry_after`` becomes
``Retry-After``. Failures only HTTP knows are ``ApiError``s raised here in the
HTTP layer, each with its own status and headers:

    DomainError (400 bad_request)           ApiError (an HTTP-only DomainError)
     ├── Forbidden (403)                     ├── Unauthorized (401, WWW-Authenticate)
     ├── NotFound (404)                      ├── PreconditionRequired (428, no If-Match)
     ├── Conflict (409)                      ├── PayloadTooLarge (413)
     ├── StaleVersion (412)                  └── Gone (410, resume point no longer replayed)
     ├── Invalid (422)
     ├── TooManyRequests (429, Retry-After)
     ├── TooLarge (413, names the limit)
     └── Unavailable (503, Retry-After)      Abandoned (storage: 503, Retry-After: 1)

Validation errors, values the database refuses (NUL on PostgreSQL, a broken
constraint), unknown routes, database outages and bugs get the same shape; no
response ever carries a stack trace or a file path. What each database failure
answers (503, 507 disk full, 500 corrupt) and logs is decided in server/storage/faults.py.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from peewee import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError
from playhouse.pool import MaxConnectionsExceeded
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.helpdesk.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    StaleVersion,
    TooLarge,
    TooManyRequests,
    Unavailable,
)
from server.storage import faults as db_faults
from server.storage.still_wanted import Abandoned

__all__ = [
    "ApiError",
    "Conflict",
    "DomainError",
    "Forbidden",
    "Gone",
    "Invalid",
    "NotFound",
    "PayloadTooLarge",
    "PreconditionRequired",
    "StaleVersion",
    "TooManyRequests",
    "Unauthorized",
    "Unavailable",
    "error_response",
    "install_error_handlers",
    "status_of",
]

log = logging.getLogger("padcom.server")

STATUS: dict[type[DomainError], int] = {
    DomainError: 400,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    StaleVersion: 412,
    Invalid: 422,
    TooManyRequests: 429,
    TooLarge: 413,
    Unavailable: 503,
}
"""The status of each domain error (a subclass answers as its nearest listed base)."""


class ApiError(DomainError):
    """A failure only the HTTP layer knows of, with its own status and headers."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.headers = headers


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class PayloadTooLarge(ApiError):
    status, code = 413, "too_large"


class PreconditionRequired(ApiError):
    status, code = 428, "precondition_required"


class Gone(ApiError):
    status, code = 410, "gone"


def status_of(exc: DomainError) -> int:
    """The HTTP status ``exc`` is answered with."""
    if isinstance(exc, ApiError):
        return exc.status
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def _headers_of(exc: DomainError) -> dict[str, str] | None:
    if isinstance(exc, ApiError):
        return exc.headers
    if exc.retry_after is not None:
        return {"Retry-After": str(exc.retry_after)}
    return None


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
}


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The one error shape every failure is answered with."""
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _describe_validation(exc: RequestValidationError) -> str:
    """Field paths and reasons, without echoing the (possibly huge) input back."""
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _first_line(exc: BaseException) -> str:
    """The driver's message, one line, for the log (never for the client)."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of failure to ``error_response``."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return error_response(status_of(exc), exc.code, exc.message, exc.details, _headers_of(exc))

    @app.exception_handler(Abandoned)
    async def abandoned(request: Request, exc: Abandoned) -> JSONResponse:
        return error_response(503, "unavailable", exc.message, headers={"Retry-After": "1"})

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid", _describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        headers = dict(exc.headers) if exc.headers else None
        return error_response(exc.status_code, code, message, headers=headers)

    @app.exception_handler(DatabaseError)
    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(MaxConnectionsExceeded)
    async def database_fault(request: Request, exc: Exception) -> JSONResponse:
        fault = db_faults.classify(exc)
        if fault is None and not isinstance(exc, (OperationalError, InterfaceError)):
            return await unexpected(request, exc)
        fault = fault or db_faults.UNREACHABLE
        log.error("%s: %s (%s)", fault.log, _first_line(exc), db_faults.where())
        retry = {"Retry-After": str(fault.retry_after)} if fault.retry_after else None
        return error_response(fault.status, fault.code, fault.message, headers=retry)

    @app.exception_handler(DataError)
    async def unstorable(request: Request, exc: DataError) -> JSONResponse:
        # PostgreSQL refuses NUL in text and out-of-range numbers: the input's fault.
        return error_response(
            422, "invalid", "the request holds a value the database cannot store (such as NUL)"
        )

    @app.exception_handler(IntegrityError)
    async def constraint(request: Request, exc: IntegrityError) -> JSONResponse:
        # A constraint the route did not check first (a null name, a taken value).
        log.warning("constraint refused on %s %s", request.method, request.url.path)
        return error_response(409, "conflict", "the change conflicts with the data already stored")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "internal server error")
