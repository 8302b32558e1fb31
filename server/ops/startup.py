"""Refuse to start, in one line that names the path and the fix, when the database cannot work.

``serve`` runs this in the parent before uvicorn starts a worker: a worker that
died on a corrupt file was started again and again (17 times in 40 s with
``--workers 2``), each leaving a 280-line traceback. A read-only folder showed
as SQLite's "attempt to write a readonly database", which blames the file.

Exit codes: 75 (EX_TEMPFAIL) when the database may come back by itself (PostgreSQL
not reachable yet); 78 (EX_CONFIG) when an operator must act (systemd:
``RestartPreventExitStatus=78``).
"""

from __future__ import annotations

import getpass
import sqlite3
import tempfile
from pathlib import Path

from peewee import PeeweeException
from playhouse.pool import MaxConnectionsExceeded

from server.config import Settings
from server.storage import faults as db_faults
from server.storage.migrations import SchemaTooNew
from server.storage.private_files import private_directory

TEMPORARY = 75
OPERATOR_MUST_ACT = 78
SQLITE_HEADER = b"SQLite format 3\x00"
HINT = "see 'When things go wrong' in the README"


class StartupError(Exception):
    """The server cannot run on its database; ``str()`` is the one line to print."""

    def __init__(self, line: str, exit_code: int = OPERATOR_MUST_ACT) -> None:
        super().__init__(line)
        self.exit_code = exit_code


def _user() -> str:
    return getpass.getuser()


def _check_sqlite_files(path: Path) -> None:
    """What SQLite would misreport: a folder it cannot write, a file it cannot read or parse."""
    folder = path.parent
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except FileNotFoundError:
        raise StartupError(f"{folder} does not exist and cannot be created; create it") from None
    except OSError as exc:
        raise StartupError(
            f"the data directory {folder} is not writable by user {_user()} ({exc.strerror}): "
            f"SQLite must create {path.name}-wal and {path.name}-shm beside the database; "
            "make the directory writable by the service user (chown/chmod)"
        ) from None
    if not path.exists():
        return
    try:
        with path.open("r+b") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StartupError(
            f"{path} cannot be read and written by user {_user()} ({exc.strerror}): "
            "give the service user read and write access (chown, chmod 600)"
        ) from None
    if header and header != SQLITE_HEADER:
        raise StartupError(
            f"{path} is not an SQLite database (corrupt or overwritten): "
            f"restore the last backup ({HINT})"
        )


def check(settings: Settings) -> tuple[int, int]:
    """Open and migrate the database as the server will; returns the schema (from, to) versions.

    Raises StartupError, whose text is one line.
    """
    from server.storage.db import bind, db, sqlite_path
    from server.storage.migrations import migrate

    url = settings.resolved_database_url
    path = sqlite_path(url)
    if path is not None:
        try:
            private_directory(path.parent)
        except OSError as exc:
            raise StartupError(
                f"cannot create the data directory {path.parent} ({exc.strerror}): "
                "create it and make it writable by the service user"
            ) from None
        _check_sqlite_files(path)
    try:
        bind(url, settings.database)
        return migrate()
    except SchemaTooNew as exc:
        raise StartupError(f"{path or db_faults.where()}: {exc}") from None
    except (PeeweeException, sqlite3.Error, MaxConnectionsExceeded, OSError) as exc:
        raise _explain(exc, str(path) if path else db_faults.where(), path is not None) from None
    finally:
        if db.obj is not None:
            db.close_all()  # the workers open their own


def _explain(exc: BaseException, where: str, sqlite: bool) -> StartupError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    fault = db_faults.classify(exc)
    if fault is db_faults.CORRUPT:
        return StartupError(f"{where} is corrupt ({detail}): restore the last backup ({HINT})")
    if fault is db_faults.DISK_FULL:
        return StartupError(f"{where}: the disk is full ({detail}); free space and start again")
    if fault is db_faults.READ_ONLY:
        return StartupError(
            f"{where} is read-only for user {_user()} ({detail}): "
            "give the service user write access to the file and its directory"
        )
    if sqlite:
        return StartupError(f"{where} cannot be opened ({detail}); {HINT}")
    return StartupError(
        f"cannot reach the database at {where} ({detail}); "
        "check that PostgreSQL runs and PADCOM_DATABASE_URL is right",
        exit_code=TEMPORARY,
    )


def exit_unless_ready(settings: Settings) -> tuple[int, int]:
    """``check`` for the command line: on failure one line on stderr and the exit code."""
    import typer

    try:
        return check(settings)
    except StartupError as exc:
        typer.echo(f"padcom-server: cannot start: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
