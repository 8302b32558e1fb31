"""Bounds on connections and shutdown, per worker process, with a default for each."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ServeLimits:
    """How long a client may take and how many connections a worker holds.

    Read from ``PADCOM_*`` variables (see ``ENV``); every value must be positive.
    """

    header_timeout_seconds: float = 10.0
    """A request's head (request line and headers) must arrive within this time of the
    connection opening or of the previous response; else the connection is closed (408)."""
    body_timeout_seconds: float = 30.0
    """A request's body must arrive within this time after its head."""
    max_head_bytes: int = 64 * 1024
    """Largest request head (request line and headers); a longer one is a 431 and the
    connection is closed. uvicorn's httptools protocol kept every header of an unfinished
    head: slowloris sockets sending a header line now and then grew the server without end."""
    keep_alive_seconds: float = 5.0
    """An idle keep-alive connection is closed after this time without a byte."""
    max_connections: int = 2048
    """Connections one worker holds; past it the one waiting longest for a request head is
    closed to make room, and if none is waiting the new connection gets a 503."""
    shutdown_grace_seconds: float = 5.0
    """On SIGTERM, time for in-flight requests to finish; those still running then get a 503."""

    def __post_init__(self) -> None:
        for spec in fields(self):
            if getattr(self, spec.name) <= 0:
                raise ValueError(f"{ENV[spec.name]} must be positive")

    @classmethod
    def from_env(cls) -> ServeLimits:
        """Limits from the environment; raises ValueError naming a bad variable."""
        values: dict[str, float | int] = {}
        for spec in fields(cls):
            raw = os.environ.get(ENV[spec.name], "").strip()
            if not raw:
                continue
            kind = int if spec.type in (int, "int") else float
            try:
                values[spec.name] = kind(raw)
            except ValueError:
                raise ValueError(f"{ENV[spec.name]} must be a number, not {raw!r}") from None
        return cls(**values)  # type: ignore[arg-type]


ENV = {
    "header_timeout_seconds": "PADCOM_HEADER_TIMEOUT_SECONDS",
    "body_timeout_seconds": "PADCOM_BODY_TIMEOUT_SECONDS",
    "max_head_bytes": "PADCOM_MAX_HEAD_BYTES",
    "keep_alive_seconds": "PADCOM_KEEP_ALIVE_SECONDS",
    "max_connections": "PADCOM_MAX_CONNECTIONS",
    "shutdown_grace_seconds": "PADCOM_SHUTDOWN_GRACE_SECONDS",
}
"""The environment variable of each limit."""
