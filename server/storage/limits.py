"""How long the server waits for its database before it answers 503 instead.

Kept apart from ``server.config`` (which embeds it) and from ``server.storage.db`` (which
applies it), so both stay short. A black-holed PostgreSQL used to hold requests
for as long as the outage lasted; every wait now has a bound of a few seconds.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class DatabaseLimits:
    """Timeouts of every wait on the database, in seconds; the defaults suit a LAN."""

    connect_timeout_seconds: float = 3.0
    """PostgreSQL: the longest a new connection may take (TCP, TLS and sign-in)."""
    statement_timeout_seconds: float = 5.0
    """The longest one statement may run or wait for a lock. PostgreSQL cancels it
    (``statement_timeout``) and the server stops waiting for an answer one second
    later, so a silent network path cannot hold a request; SQLite waits at most
    this long for the write lock."""
    pool_timeout_seconds: float = 5.0
    """The longest a request waits for a free pooled connection when all are in use."""
    keepalive_idle_seconds: int = 10
    """PostgreSQL: idle seconds before TCP keepalive probes start (then every 5 s, 3 tries)."""
    pool_size: int = 32
    """PostgreSQL and SQLite: pooled connections per server process (``PADCOM_DB_POOL_SIZE``).
    Each PostgreSQL process also holds one LISTEN connection, so budget
    ``processes * (pool_size + 1) <= max_connections - reserve`` (docs/operations.md)."""

    @property
    def answer_timeout_seconds(self) -> float:
        """How long the server waits for PostgreSQL's answer to a statement."""
        return self.statement_timeout_seconds + 1.0

    @classmethod
    def from_env(cls) -> DatabaseLimits:
        """From ``PADCOM_DB_CONNECT_TIMEOUT``, ``PADCOM_DB_STATEMENT_TIMEOUT``,
        ``PADCOM_DB_POOL_TIMEOUT`` and ``PADCOM_DB_POOL_SIZE``."""
        default = cls()
        return cls(
            connect_timeout_seconds=float(
                os.environ.get("PADCOM_DB_CONNECT_TIMEOUT", default.connect_timeout_seconds)
            ),
            statement_timeout_seconds=float(
                os.environ.get("PADCOM_DB_STATEMENT_TIMEOUT", default.statement_timeout_seconds)
            ),
            pool_timeout_seconds=float(
                os.environ.get("PADCOM_DB_POOL_TIMEOUT", default.pool_timeout_seconds)
            ),
            pool_size=int(os.environ.get("PADCOM_DB_POOL_SIZE", default.pool_size)),
        )
