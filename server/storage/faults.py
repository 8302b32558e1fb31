"""What a database error means: the answer the client gets and the line the operator reads.

Every cause used to be a 503 "try again shortly", or a 500 for errors peewee
does not call operational; neither said a disk was full or a file corrupt, and
the log did not either. Here each cause has one entry:

    unreachable, timed out, pool exhausted, locked  -> 503 unavailable + Retry-After
    COMMIT sent, no answer (PostgreSQL)             -> 503 commit_unconfirmed + Retry-After
    disk full (SQLITE_FULL, SQLSTATE 53100)         -> 507 insufficient_storage
    corrupt (SQLITE_CORRUPT/NOTADB, XX001/XX002)    -> 500 database_corrupt (no retry helps)
    read-only file, I/O error, cannot open          -> 503 with the cause in the log
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import psycopg
from peewee import OperationalError
from playhouse.pool import MaxConnectionsExceeded

RESTORE_HINT = "see 'When things go wrong' in the README"


class CommitUnconfirmed(OperationalError):
    """COMMIT was sent but no answer came: the change may or may not be stored."""


@dataclass(frozen=True)
class Fault:
    """One cause: HTTP status, error code, the client's message, and the operator's log line."""

    status: int
    code: str
    message: str
    log: str
    retry_after: int | None = 2


UNREACHABLE = Fault(
    503,
    "unavailable",
    "the database is unavailable; try again shortly",
    "database unavailable",
)
POOL_EXHAUSTED = Fault(
    503,
    "unavailable",
    "the database is unavailable; try again shortly",
    "database unavailable: every pooled connection stayed busy past the pool timeout",
)
TOO_MANY_CLIENTS = Fault(
    503,
    "unavailable",
    "the database is unavailable; try again shortly",
    "database refused the connection: too many clients. Every server process holds up to "
    "PADCOM_DB_POOL_SIZE pooled connections + 1 LISTEN: keep processes x (pool + 1) within "
    "max_connections minus its reserve (docs/operations.md, connection budget)",
)
REFUSAL_WORDS = (
    "too many clients",
    "too many connections",
    "remaining connection slots are reserved",
    "no more connections allowed",
)
"""How PostgreSQL (SQLSTATE 53300) and PgBouncer word "no connection left for you"; a
refused connection carries no SQLSTATE in psycopg, only the server's message."""
UNCONFIRMED = Fault(
    503,
    "commit_unconfirmed",
    "the database did not confirm the change, so it may have been saved: look before you "
    "repeat it, or repeat it with the same Idempotency-Key",
    "database did not answer a COMMIT: the change may or may not be stored",
)
DISK_FULL = Fault(
    507,
    "insufficient_storage",
    "the server's disk is full, so nothing was saved; the operator must free space",
    f"disk full: the database cannot grow; free space on its file system ({RESTORE_HINT})",
    retry_after=None,
)
CORRUPT = Fault(
    500,
    "database_corrupt",
    "the database is corrupt; retrying will not help: the operator must restore it from a backup",
    f"database corrupt: restore the last backup ({RESTORE_HINT})",
    retry_after=None,
)
READ_ONLY = Fault(
    503,
    "unavailable",
    "the database is read-only just now, so nothing was saved; the operator has to fix it",
    "database read-only: the file or its directory is not writable by the server's user",
    retry_after=30,
)
IO_ERROR = Fault(
    503,
    "unavailable",
    "the database's disk reported an error; try again shortly",
    "database disk I/O error: check the disk and the kernel log",
)

_SQLITE = {
    "SQLITE_FULL": DISK_FULL,
    "SQLITE_CORRUPT": CORRUPT,
    "SQLITE_NOTADB": CORRUPT,
    "SQLITE_READONLY": READ_ONLY,
    "SQLITE_IOERR": IO_ERROR,
}
_SQLSTATE = {"53100": DISK_FULL, "XX001": CORRUPT, "XX002": CORRUPT}


def _causes(exc: BaseException) -> list[BaseException]:
    """The error and what it wraps (peewee passes the driver's error as its first argument)."""
    found: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(found) < 10:
        item = todo.pop()
        if item is None or item in found:
            continue
        found.append(item)
        todo += [item.__cause__, item.__context__]
        todo += [arg for arg in item.args if isinstance(arg, BaseException)]
    return found


def refused_for_clients(exc: BaseException) -> bool:
    """Whether the database turned a new connection away because it has too many."""
    text = str(exc).lower()
    return getattr(exc, "sqlstate", None) == "53300" or any(w in text for w in REFUSAL_WORDS)


def classify(exc: BaseException) -> Fault | None:
    """The fault ``exc`` stands for; None when it is no database fault (a bug)."""
    causes = _causes(exc)
    for cause in causes:
        if isinstance(cause, CommitUnconfirmed):
            return UNCONFIRMED
        if isinstance(cause, MaxConnectionsExceeded):
            return POOL_EXHAUSTED
        if isinstance(cause, sqlite3.Error):
            name = getattr(cause, "sqlite_errorname", "") or ""
            for prefix, fault in _SQLITE.items():
                if name == prefix or name.startswith(prefix + "_"):
                    return fault
        if isinstance(cause, psycopg.Error) and cause.sqlstate in _SQLSTATE:
            return _SQLSTATE[cause.sqlstate]
        if isinstance(cause, psycopg.OperationalError) and refused_for_clients(cause):
            return TOO_MANY_CLIENTS
    if any(isinstance(c, (sqlite3.OperationalError, psycopg.OperationalError)) for c in causes):
        return UNREACHABLE
    return None


def where() -> str:
    """Which database the server uses, for a log line: the SQLite file or PostgreSQL's address."""
    from server.storage.db import db

    database = db.obj
    if database is None:
        return "no database bound"
    params = getattr(database, "connect_params", {})
    if "host" in params:
        return f"postgresql://{params['host']}:{params.get('port', 5432)}/{database.database}"
    return str(database.database)
