"""PostgreSQL behind a bounded wait: no request waits on a silent network path for long.

``statement_timeout`` makes the server cancel a slow statement, but it cannot
help when the server never hears the statement (a black-holed path: TCP stays
"connected", nothing answers). psycopg waits for an answer without a limit of
its own, so ``AnsweringConnection`` gives every wait the limit
``DatabaseLimits.answer_timeout_seconds`` and closes the connection when it
passes (its state is unknown; the pool drops closed connections). TCP keepalives
and ``tcp_user_timeout`` find a dead peer on an idle or a sending connection.

peewee's pool opens new connections one at a time under its locks, so while an
unreachable server made each attempt last ``connect_timeout``, the requests
queued behind it waited for every attempt before theirs (39 s measured), and it
checks each idle connection with a round trip, under the same locks, before it
hands it out (15 s measured: one answer timeout per idle connection). The check
waits no longer than ``connect_timeout``; after a failed attempt or check, idle
connections are dropped and new ones fail at once for ``RECONNECT_PAUSE_SECONDS``.
A COMMIT whose answer never came may still have been applied: it raises
``CommitUnconfirmed``, which says so, rather than a plain "unavailable".

That check cost a round trip on every checkout (three per created ticket, a
third of its statements): a connection handed back idle less than
``ALIVE_BYPASS_SECONDS`` ago is handed out again without it (HikariCP's
``aliveBypassWindowMs``, same default). If the server went away in that half
second, the statement fails, the request answers 503 and the broken
connection is not taken back into the pool.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import psycopg
from peewee import OperationalError, PostgresqlDatabase, Psycopg3Adapter
from playhouse.pool import PooledPostgresqlDatabase

from server import telemetry
from server.storage import still_wanted
from server.storage.faults import CommitUnconfirmed
from server.storage.limits import DatabaseLimits

RV = TypeVar("RV")
RECONNECT_PAUSE_SECONDS = 1.0
ALIVE_BYPASS_SECONDS = 0.5
"""A connection returned idle this recently is trusted without the checkout's round trip."""
_unbounded: ContextVar[bool] = ContextVar("padcom_unbounded_statements", default=False)
_check_limit: ContextVar[float | None] = ContextVar("padcom_connection_check", default=None)


class AnsweringConnection(psycopg.Connection[Any]):
    """A psycopg connection that stops waiting for an answer after ``answer_timeout``."""

    answer_timeout: float | None = None
    timed_out = False
    """Set when a wait ran out: the path, not the session, is what failed."""

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        limit = timeout
        if limit is None and not _unbounded.get():
            limit = _check_limit.get() or self.answer_timeout
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        except psycopg.errors._WaitTimeout:
            if timeout is not None:  # the caller's own deadline (``notifies(timeout=...)``)
                raise
            self.timed_out = True
            self.pgconn.finish()  # mid-statement: the connection cannot be trusted again
            raise psycopg.OperationalError(
                f"no answer from the database within {limit:g} s; connection closed"
            ) from None


class _Adapter(Psycopg3Adapter):
    def __init__(self, answer_timeout: float | None) -> None:
        super().__init__()
        self.answer_timeout = answer_timeout

    def connect(self, db: Any, **params: Any) -> AnsweringConnection:
        params.setdefault("dbname", db.database)
        conn = AnsweringConnection.connect(**params)
        conn.answer_timeout = self.answer_timeout
        return conn


def keepalives(limits: DatabaseLimits) -> dict[str, int]:
    """libpq's TCP keepalive parameters: an idle connection to a dead peer is found in
    ``keepalive_idle_seconds`` + 15 s (the pool's and the LISTEN connection alike)."""
    return {
        "keepalives": 1,
        "keepalives_idle": limits.keepalive_idle_seconds,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }


class _FailFastConnect(PostgresqlDatabase):
    """Opens raw connections (below the pool); refuses at once just after a failed attempt."""

    _failed_at: float | None = None
    _failed_why = "unreachable"
    """The last attempt's error, repeated by the refusals after it (too many clients stays that)."""

    def _failed_just_now(self) -> bool:
        failed_at = self._failed_at
        return failed_at is not None and time.monotonic() - failed_at < RECONNECT_PAUSE_SECONDS

    def _connect(self) -> Any:
        if self._failed_just_now():
            raise psycopg.OperationalError(f"the database failed a moment ago: {self._failed_why}")
        try:
            conn = super()._connect()  # type: ignore[misc]
        except psycopg.Error as exc:
            self._failed_at = time.monotonic()
            self._failed_why = str(exc).strip().splitlines()[-1] if str(exc).strip() else "?"
            raise
        self._failed_at = None
        return conn


class BoundedPostgresqlDatabase(PooledPostgresqlDatabase, _FailFastConnect):
    """The pooled PostgreSQL database with every wait bounded by ``DatabaseLimits``."""

    def __init__(self, database: str, *, limits: DatabaseLimits | None, **kwargs: Any) -> None:
        defaults = limits or DatabaseLimits()
        options = kwargs.pop("options", "")
        if limits is not None:
            ms = int(limits.statement_timeout_seconds * 1000)
            options = f"-c statement_timeout={ms} {options}".strip()
            kwargs.setdefault("tcp_user_timeout", int(limits.answer_timeout_seconds * 1000))
        if options:
            kwargs["options"] = options
        kwargs.setdefault("connect_timeout", max(2, round(defaults.connect_timeout_seconds)))
        for name, value in keepalives(defaults).items():
            kwargs.setdefault(name, value)
        super().__init__(database, **kwargs)
        self._adapter = _Adapter(limits.answer_timeout_seconds if limits else None)
        self._check_seconds = float(kwargs["connect_timeout"])
        self._returned: dict[int, float] = {}
        """When each pooled connection was last handed back (by ``conn_key``)."""

    def _is_closed(self, conn: Any) -> bool:
        """The pool's check of an idle connection, bounded; after a failure, drop them all.

        Skipped for a connection handed back idle within ``ALIVE_BYPASS_SECONDS``."""
        if self._failed_just_now():
            return True
        returned = self._returned.get(self.conn_key(conn))
        if (
            returned is not None
            and time.monotonic() - returned < ALIVE_BYPASS_SECONDS
            and not conn.closed
            and conn.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE
        ):
            return False
        token = _check_limit.set(self._check_seconds)
        try:
            closed = bool(super()._is_closed(conn))
        finally:
            _check_limit.reset(token)
        if closed and getattr(conn, "timed_out", False):  # a dead path, not a stale session
            self._failed_at = time.monotonic()
        return closed

    def _close(self, conn: Any, close_conn: bool = False) -> None:
        super()._close(conn, close_conn)
        if not conn.closed:  # handed back to the pool (a closed one is forgotten)
            self._returned[self.conn_key(conn)] = time.monotonic()

    def _close_raw(self, conn: Any) -> None:
        self._returned.pop(self.conn_key(conn), None)
        super()._close_raw(conn)

    def connect(self, reuse_if_open: bool = False) -> Any:
        """A pooled connection; the time it took is the ``padcom_db_pool_wait_seconds`` metric."""
        started = time.monotonic()
        try:
            return super().connect(reuse_if_open)
        finally:
            telemetry.POOL_WAIT.observe(time.monotonic() - started)

    def commit(self) -> None:
        with still_wanted.claimed(still_wanted.current()):
            try:
                super().commit()
            except OperationalError as exc:
                raise CommitUnconfirmed(str(exc)) from exc


@contextmanager
def unbounded() -> Iterator[None]:
    """Let the statements run inside (a migration's back-fill) take as long as they need.

    Use inside a transaction: on PostgreSQL it also lifts ``statement_timeout``
    for that transaction only.
    """
    from server.storage.db import db, is_postgres

    token = _unbounded.set(True)
    try:
        if is_postgres():
            db.execute_sql("SET LOCAL statement_timeout = 0")
        yield
    finally:
        _unbounded.reset(token)
