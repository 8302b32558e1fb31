"""Operator tools: the SQLite file ``copy-to`` reads: one it can copy whole, held still and alone.

The file must be at this version's schema, with no table no model declares
(``check_source``). And

a copy of a file a server still writes to misses what the server writes after
the copy began, while the server goes on answering customers from a database
about to be left behind. So ``copy-to`` refuses, having copied nothing, unless
it is the only process with the file open, and keeps it that way:

- SQLite itself says who has a database open: every connection to a WAL
  database holds a shared lock on the "DMS" byte of the ``-shm`` file for as
  long as it is open (https://www.sqlite.org/walformat.html, "the DMS lock"),
  and every server opens its database in WAL mode. ``F_GETLK`` names the pid
  of another process holding one, without taking or disturbing any lock.
- The copy holds SQLite's write lock (``BEGIN IMMEDIATE``, on a connection of
  its own) from before its first read to its end, so a server started meanwhile
  cannot slip a write in between (its writes wait, then fail "database is
  locked"). The rows are read on a read-only connection: the file is never
  written, not even by the checkpoint the last connection to close would run.
- Just before PostgreSQL commits, the first check runs again: a process that
  opened the file during the copy rolls the copy back.

The ``-shm`` descriptor stays open until the SQLite connection is closed:
closing any descriptor of a file drops every POSIX lock this process holds on
it, SQLite's own included. Linux's ``struct flock`` layout.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import struct
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from peewee import Model

from server.storage import search_index
from server.storage.db import sqlite_path
from server.storage.migrations import LATEST
from server.storage.tables import EVERY_MODEL

OPERATOR_MUST_ACT = 78  # EX_CONFIG: another process has it open, its schema is not current
NO_SOURCE = 66  # EX_NOINPUT
DMS_BYTE = 128
"""SQLite's dead-man-switch lock in the ``-shm`` file (WALINDEX_LOCK_OFFSET 120 + 8 locks)."""
WRITE_LOCK_WAIT_SECONDS = 2.0
"""How long the copy waits for a writer to finish before it refuses."""
_FLOCK = "hhqqi4x"  # l_type, l_whence, l_start, l_len, l_pid (x86-64 and arm64 Linux)


class SourceRefused(Exception):
    """The source cannot be copied (missing, in use, not this version's); ``str()`` says why."""

    def __init__(self, line: str, exit_code: int = OPERATOR_MUST_ACT) -> None:
        super().__init__(line)
        self.exit_code = exit_code


def display_url(url: str) -> str:
    """``url`` without its password, for printing."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@", 1)
    return parsed._replace(netloc=netloc).geturl()


def source_path(url: str) -> Path:
    """The SQLite file of ``url``; refuses anything else."""
    path = sqlite_path(url)
    if path is None:
        raise SourceRefused(
            f"copy-to copies an SQLite installation; the source {display_url(url)} is not one "
            "(set PADCOM_DATABASE_URL or --from to sqlite:////path/padcom.db)",
            OPERATOR_MUST_ACT,
        )
    if not path.is_file():
        raise SourceRefused(f"no SQLite database at {path}", NO_SOURCE)
    return path


def check_source(source: sqlite3.Connection, path: str) -> int:
    """The source's schema version; refuses a file this version cannot copy whole."""
    names = {
        row[0]
        for row in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    known = {_table(model) for model in EVERY_MODEL}
    unknown = sorted(n for n in names - known if not search_index.is_search_table(n))
    if unknown:
        raise SourceRefused(
            f"{path} has tables this padcom-server does not know ({', '.join(unknown)}): "
            "copy with the padcom-server version that created them",
            OPERATOR_MUST_ACT,
        )
    version_row = (
        source.execute("SELECT max(version) FROM schema_version").fetchone()
        if "schema_version" in names
        else None
    )
    version = int(version_row[0]) if version_row and version_row[0] is not None else 0
    if version != LATEST:
        raise SourceRefused(
            f"{path} is at schema version {version}, this padcom-server at {LATEST}: "
            "run 'padcom-server migrate' on it with the same version first",
            OPERATOR_MUST_ACT,
        )
    for model in EVERY_MODEL:
        present = [row[1] for row in source.execute(f"PRAGMA table_info({_table(model)!r})")]
        if sorted(present) != sorted(_columns(model)):
            raise SourceRefused(
                f"{path}: table {_table(model)} has columns {present}, "
                f"the model {sorted(_columns(model))}",
                OPERATOR_MUST_ACT,
            )
    return version


def _table(model: type[Model]) -> str:
    return str(model._meta.table_name)


def _columns(model: type[Model]) -> list[str]:
    fields: list[Any] = model._meta.sorted_fields  # peewee's metadata is loosely typed
    return [f.column_name for f in fields]


def _other_holder(fd: int) -> int | None:
    """The pid of another process holding a lock on the DMS byte, or None."""
    wanted = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, DMS_BYTE, 1, 0)
    kind, _, _, _, pid = struct.unpack(_FLOCK, fcntl.fcntl(fd, fcntl.F_GETLK, wanted))
    return None if kind == fcntl.F_UNLCK else int(pid)


class HeldSource:
    """``with HeldSource(path) as source:`` the file, read inside one write-locked transaction.

    Raises SourceRefused when another process has the file open or is writing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._shm = Path(f"{path}-shm")
        self._fd: int | None = None
        self._lock: sqlite3.Connection | None = None
        """Holds SQLite's write lock (read-write, reads nothing)."""
        self._reader: sqlite3.Connection | None = None
        """Reads the copy (read-only: it can never change the file, not even at close)."""

    def _refuse_if_shared(self) -> None:
        if self._fd is None and self._shm.exists():
            self._fd = os.open(self._shm, os.O_RDONLY)
        holder = None if self._fd is None else _other_holder(self._fd)
        if holder is not None:
            raise SourceRefused(
                f"another process (pid {holder}) has {self.path} open, most likely a "
                "padcom-server: stop every server and command using it, then copy "
                "(nothing was copied)"
            )

    def _open(self, mode: str) -> sqlite3.Connection:
        uri = f"file:{quote(str(self.path))}?mode={mode}"
        return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=WRITE_LOCK_WAIT_SECONDS)

    def __enter__(self) -> sqlite3.Connection:
        self._refuse_if_shared()
        try:
            self._lock = self._open("rw")
            self._lock.execute("BEGIN IMMEDIATE")  # the write lock, until the copy ends
            self._reader = self._open("ro")
            self._reader.execute("BEGIN")  # one snapshot for every table, after the lock
            self._reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
            self._refuse_if_shared()  # one that opened it before the lock was taken
        except sqlite3.Error as exc:
            self.__exit__()
            if "locked" in str(exc) or "busy" in str(exc):
                raise SourceRefused(
                    f"{self.path} is being written to (its write lock stayed taken for "
                    f"{WRITE_LOCK_WAIT_SECONDS:g} s): stop every server and command using it, "
                    "then copy (nothing was copied)"
                ) from None
            raise SourceRefused(f"{self.path} cannot be read ({exc})", NO_SOURCE) from None
        except SourceRefused:
            self.__exit__()
            raise
        return self._reader

    def check_still_alone(self) -> None:
        """Raises SourceRefused if another process opened the file since the copy began."""
        self._refuse_if_shared()

    def __exit__(self, *exc: object) -> None:
        # the lock's read-write connection first: were it the file's last, closing it would
        # checkpoint the WAL into the file; the read-only one never writes
        for connection in (self._lock, self._reader):
            if connection is not None:
                connection.close()  # rolls back: nothing was written
        self._lock = self._reader = None
        self._close_fd()

    def _close_fd(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
