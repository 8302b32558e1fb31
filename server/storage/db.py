"""One database for the whole server, bound at start-up from a URL.

SQLite (the default) runs in WAL mode with ``synchronous=full`` so an acknowledged
ticket survives a power cut, and writers queue for the write lock (in this
process, then across processes) and take it up front (``BEGIN IMMEDIATE``), so
concurrent writers wait their turn instead of failing with "database is locked".
PostgreSQL uses a connection pool whose every wait is bounded
(``server/storage/postgres.py``). Given ``DatabaseLimits``, no statement, lock wait or
pool wait lasts longer than they say; a COMMIT is sent only while the request
behind it still wants it (``server/storage/still_wanted.py``). Code above this module
uses only ``db`` (the proxy) and portable SQL.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, unquote, urlparse

from peewee import Database, DatabaseProxy, OperationalError
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

from server.storage import still_wanted
from server.storage.limits import DatabaseLimits
from server.storage.postgres import BoundedPostgresqlDatabase
from server.storage.private_files import private_database
from server.storage.turnstile import Turnstile

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "cache_size": -32_000,
}


WRITE_WAIT_SECONDS = 10
"""How long a writer waits for the write lock unless ``DatabaseLimits`` say otherwise."""


class QueuedSqliteDatabase(PooledSqliteDatabase):
    """SQLite whose transactions queue for the write lock before they BEGIN IMMEDIATE.

    First on a lock of this process, then on the turnstile all processes on the
    file share (server/storage/turnstile.py). SQLite's busy handler polls with growing
    sleeps, so writers left to it waited past the busy timeout and failed with
    "database is locked": threads of one process (9 of 800 creates from 32
    clients on two workers), and a process starved by another that commits back
    to back. Queued here, SQLite's lock is free whenever a transaction begins.
    """

    def __init__(
        self, database: str, *args: Any, write_wait: float = WRITE_WAIT_SECONDS, **kwargs: Any
    ) -> None:
        super().__init__(database, *args, **kwargs)
        self.write_wait = write_wait
        self._writer = threading.Lock()
        self._holder = threading.local()
        self._turnstile = Turnstile(database)

    def begin(self, lock_type: str | None = None) -> None:
        if not self._writer.acquire(timeout=self.write_wait):
            raise OperationalError("database is locked: waited too long for other writers")
        self._holder.holds = True
        try:
            self._turnstile.acquire()
            super().begin(lock_type)
        except BaseException:
            self._release()
            raise

    def commit(self) -> None:
        try:
            with still_wanted.claimed(still_wanted.current()):
                super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def _release(self) -> None:
        if getattr(self._holder, "holds", False):
            self._holder.holds = False
            self._turnstile.release()
            self._writer.release()


class UnsupportedDatabase(ValueError):
    """The database URL names a database Padcom does not run on."""


def sqlite_path(url: str) -> Path | None:
    """The file of an ``sqlite:///`` URL (peewee's convention: four slashes for an absolute path)."""
    parsed = urlparse(url)
    if parsed.scheme.split("+")[0] != "sqlite":
        return None
    return Path(unquote(parsed.path)[1:])


def prepare_threshold(value: str) -> int | None:
    """psycopg's ``prepare_threshold`` from a URL parameter: ``none`` (or empty) never prepares.

    A pooler in transaction mode (PgBouncer) hands each transaction any server
    connection, where a statement prepared on another one does not exist
    (``prepared statement "_pg3_1" does not exist``): behind one, say
    ``?prepare_threshold=none``.
    """
    if value.strip().lower() in ("", "none", "off", "never"):
        return None
    return int(value)


def open_database(url: str, limits: DatabaseLimits | None = None) -> Database:
    """A pooled peewee database for ``url`` (``sqlite:///path`` or ``postgresql://...``).

    With ``limits`` (the server) statements are bounded too; without (operator
    commands, benchmarks) only connecting and the pool are. Raises
    UnsupportedDatabase for any other scheme.
    """
    bounds = limits or DatabaseLimits()
    wait = bounds.pool_timeout_seconds
    parsed = urlparse(url)
    scheme = parsed.scheme.split("+")[0]
    if scheme == "sqlite":
        # peewee's convention: sqlite:///relative.db, sqlite:////absolute/path.db
        path = unquote(parsed.path)[1:]
        if not path:
            raise UnsupportedDatabase("an SQLite URL needs a file path: sqlite:////path/padcom.db")
        private_database(Path(path))  # 0600 in a 0700 folder: it holds password hashes
        lock_wait = limits.statement_timeout_seconds if limits else WRITE_WAIT_SECONDS
        return QueuedSqliteDatabase(
            path,
            pragmas={**SQLITE_PRAGMAS, "busy_timeout": int(lock_wait * 1000)},
            lock_type="IMMEDIATE",
            write_wait=lock_wait,
            timeout=wait,
            max_connections=bounds.pool_size,
            stale_timeout=300,
            check_same_thread=False,
        )
    if scheme in ("postgres", "postgresql"):
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return BoundedPostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            limits=limits,
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            max_connections=int(options.pop("max_connections", bounds.pool_size)),
            stale_timeout=300,
            timeout=wait,
            prepare_threshold=prepare_threshold(options.pop("prepare_threshold", "5")),
            **options,
        )
    raise UnsupportedDatabase(f"unsupported database URL scheme {parsed.scheme!r}")


def bind(url: str, limits: DatabaseLimits | None = None) -> Database:
    """Open the database at ``url`` and make it the one behind ``db``.

    Binding what is bound already keeps it: swapped under a second app in one
    process (the tests run servers side by side), the first app's open
    transactions lost their connection and write lock, and two writers on one
    SQLite file waited each other out into "database is locked".
    """
    if _bound and _bound[0] is db.obj and tuple(_bound[1:]) == (url, limits):
        return cast(Database, _bound[0])
    database = open_database(url, limits)
    db.initialize(database)
    _bound[:] = [database, url, limits]
    return database


_bound: list[Any] = []
"""The database behind ``db`` and the URL and limits it was opened with."""


def is_postgres() -> bool:
    """Whether the bound database is PostgreSQL (for the rare dialect-specific statement)."""
    return isinstance(db.obj, PooledPostgresqlDatabase)
