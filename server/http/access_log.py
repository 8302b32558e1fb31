"""Structured logs: one JSON object per line, and an access log that leaks no secret.

Every record is written with ``json.dumps``, so a newline, an escape sequence or
a fake ``"level": "info"`` inside a subject, a path or an email stays inside its
string and cannot forge a line of its own. The access log names the client by
the same rule as the throttle (``X-Forwarded-For`` only from a trusted proxy),
never writes a request body, an Authorization header or a query value, and
lists only the query's parameter names.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.http.client_address import Network, scope_address

access_log = logging.getLogger("padcom.access")
STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's copy of the message with terminal colours
}


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in record.__dict__.items():
            if name not in STANDARD_ATTRS and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=True)


def log_config(level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn and Padcom: JSON lines on stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "padcom": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
        },
    }


def _query_names(raw: bytes) -> list[str]:
    names = [name for name, _ in parse_qsl(raw.decode("latin-1"), keep_blank_values=True)]
    return sorted(set(names))[:20]


class AccessLog:
    """ASGI middleware writing one structured line per HTTP request."""

    def __init__(self, app: ASGIApp, trusted_proxies: Sequence[Network] = ()) -> None:
        self.app = app
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            access_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"][:500],
                    "query": _query_names(scope.get("query_string", b"")),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": scope_address(scope, self.trusted_proxies),
                },
            )
