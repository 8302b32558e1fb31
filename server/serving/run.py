"""Run uvicorn the way ``padcom-server serve`` does: bounded, and stopping cleanly."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any, cast

from server.http.access_log import log_config
from server.serving.files import connections_that_fit, raise_open_files_limit
from server.serving.limits import ServeLimits
from server.serving.protocol import ConnectionGuard, GuardedProtocol

log = logging.getLogger("padcom.serve")


def uvicorn_options(guard: ConnectionGuard) -> dict[str, Any]:
    """uvicorn settings for our protocol and limits (everything but address, workers and TLS)."""
    limits = guard.limits
    return {
        "http": cast(Any, functools.partial(GuardedProtocol, guard=guard)),
        "ws": "none",  # no WebSocket routes: an Upgrade is an ordinary request
        "timeout_keep_alive": limits.keep_alive_seconds,
        "timeout_graceful_shutdown": limits.shutdown_grace_seconds,
        "proxy_headers": False,
        "server_header": False,
        "log_level": "info",
        "log_config": log_config("info"),
        "access_log": False,
    }


def serve(
    limits: ServeLimits,
    *,
    host: str,
    port: int,
    workers: int,
    ssl_certfile: Path | None,
    ssl_keyfile: Path | None,
) -> None:
    """Serve ``server.main:app`` until SIGTERM or Ctrl-C; workers die with this process."""
    import uvicorn

    open_files = raise_open_files_limit()
    guard = ConnectionGuard(limits, connections_that_fit(limits.max_connections, open_files))
    if guard.max_connections < limits.max_connections:
        log.warning(
            "only %d open files allowed: at most %d connections per worker",
            open_files,
            guard.max_connections,
        )
    uvicorn.run(
        "server.main:app",
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
        **uvicorn_options(guard),
    )
