"""Operator tools: ``padcom-server copy-to``, a whole SQLite installation into an empty PostgreSQL.

What it copies is every table the models declare (``EVERY_MODEL``, the list the
migrations create a fresh database from), with every row as stored: the ids
(ticket numbers, event ids a client resumes a stream from), the outbox, the
statistics pre-aggregate, the leases and counters. A table in the file that no
model declares stops the copy before anything is written, so a table added
later cannot be silently left behind.

One transaction, not resumable, on purpose: the target is empty, so a copy that
fails (a lost connection, a full disk, a row PostgreSQL refuses) rolls back to
that empty database and running the command again is the resume. A server can
never start on half a copy, and no bookkeeping of "how far" can disagree with
what is there. PostgreSQL holds the uncommitted rows on disk, not in memory;
here, memory is bounded by the batch (rows are streamed from SQLite with
``fetchmany`` into one ``COPY`` per table).

Verified before COMMIT: the rows read back from PostgreSQL, in the same
transaction, must give every table the count and checksum (``table_sums.py``)
of the rows read from SQLite, or the whole copy is rolled back. The SQLite file
is only read, inside one transaction that holds its write lock, and only while
no other process has it open (``copy_source.py``): a server still running on
it is refused, so no write can be made after the copy began and be left
behind. Sequences are set past the highest copied id,
so new tickets and events get new numbers.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlparse

import peewee
import psycopg
from peewee import BooleanField, Model
from psycopg import sql

from server.ops.bulk_load import lift_checks, restore_checks
from server.ops.copy_source import (
    HeldSource,
    SourceRefused,
    check_source,
    display_url,
    source_path,
)
from server.ops.table_sums import TableSum
from server.stats import triggers
from server.storage import search_index
from server.storage.db import bind, db
from server.storage.migrations import migrate
from server.storage.postgres import unbounded
from server.storage.tables import EVERY_MODEL

BATCH_ROWS = 5_000
MIGRATE_LOCK = 72657
"""The advisory lock ``migrate`` takes: a server starting on the target waits for the copy."""

NO_SOURCE = 66  # EX_NOINPUT
DATA_ERROR = 65  # EX_DATAERR: the copy read back differs, or PostgreSQL refused a row
TARGET_NOT_EMPTY = 73  # EX_CANTCREAT
TEMPORARY = 75  # EX_TEMPFAIL: PostgreSQL not reachable
OPERATOR_MUST_ACT = 78  # EX_CONFIG: wrong URL, source schema not current

Progress = Callable[[str, int, int], None]
"""Called with (table, rows copied so far, rows in the table) after every batch."""


class CopyRefused(Exception):
    """The copy did not happen (or was rolled back); ``str()`` is the line to print."""

    def __init__(self, line: str, exit_code: int) -> None:
        super().__init__(line)
        self.exit_code = exit_code


@dataclass
class TableReport:
    """One table: what SQLite held and what PostgreSQL holds after the copy."""

    table: str
    rows: int
    checksum: str
    target_rows: int = 0
    target_checksum: str = ""
    next_id: int | None = None

    @property
    def matches(self) -> bool:
        return (self.rows, self.checksum) == (self.target_rows, self.target_checksum)


@dataclass
class CopyReport:
    """The whole copy, as ``--json`` prints it."""

    source: str
    target: str
    schema_version: int
    tables: list[TableReport] = field(default_factory=list)
    seconds: float = 0.0
    transaction: str = "one"
    verified: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _table(model: type[Model]) -> str:
    return str(model._meta.table_name)


def _fields(model: type[Model]) -> list[Any]:
    """The model's fields in column order (peewee's metadata is loosely typed)."""
    return list(model._meta.sorted_fields)


def _columns(model: type[Model]) -> list[str]:
    return [f.column_name for f in _fields(model)]


def copy_order() -> list[type[Model]]:
    """Every model, referenced tables before the tables that refer to them."""
    return list(peewee.sort_models(EVERY_MODEL))  # type: ignore[attr-defined]  # not in the stubs


def _source_rows(
    source: sqlite3.Connection, model: type[Model], batch: int
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``model``'s table in batches, in the model's column order."""
    names = ", ".join(f'"{c}"' for c in _columns(model))
    # names come from the model's metadata, never from the file
    cursor = source.execute(f'SELECT {names} FROM "{_table(model)}"')  # noqa: S608
    while rows := cursor.fetchmany(batch):
        yield rows


def _to_postgres(model: type[Model]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """What a stored SQLite row becomes for PostgreSQL: 0/1 becomes a boolean."""
    flags = [isinstance(f, BooleanField) for f in _fields(model)]
    if not any(flags):
        return lambda row: row
    return lambda row: tuple(
        (None if v is None else bool(v)) if flag else v for v, flag in zip(row, flags, strict=True)
    )


def _count(source: sqlite3.Connection, model: type[Model]) -> int:
    return int(source.execute(f'SELECT count(*) FROM "{_table(model)}"').fetchone()[0])  # noqa: S608


def _copy_table(
    source: sqlite3.Connection,
    target: psycopg.Connection[Any],
    model: type[Model],
    batch: int,
    progress: Progress,
) -> TableReport:
    total = _count(source, model)
    convert = _to_postgres(model)
    sums = TableSum()
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(_table(model)), sql.SQL(", ").join(map(sql.Identifier, _columns(model)))
    )
    progress(_table(model), 0, total)
    with target.cursor() as cursor, cursor.copy(statement) as copy:
        for rows in _source_rows(source, model, batch):
            sums.add(rows)
            for row in rows:
                copy.write_row(convert(row))
            progress(_table(model), sums.rows, total)
    return TableReport(_table(model), sums.rows, sums.checksum)


_OWNED_SEQUENCES = """
    SELECT t.relname, a.attname, s.oid::regclass::text
    FROM pg_class s
    JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
    WHERE s.relkind = 'S' AND s.relnamespace = current_schema()::regnamespace
"""


def _set_sequences(target: psycopg.Connection[Any]) -> dict[str, int]:
    """Move every column's sequence past the copied values; returns each table's next id.

    Read from the catalog (serial and identity columns alike), so a sequence a
    later model adds is moved too. SQLite (no AUTOINCREMENT in this schema) gives
    the highest id plus one next, and so does PostgreSQL after this.
    """
    next_ids: dict[str, int] = {}
    for table, column, sequence in target.execute(_OWNED_SEQUENCES).fetchall():
        highest_sql = sql.SQL("SELECT coalesce(max({}), 0) FROM {}").format(
            sql.Identifier(column), sql.Identifier(table)
        )
        row = target.execute(highest_sql).fetchone()
        highest = int(row[0]) if row else 0
        target.execute("SELECT setval(%s, %s, %s)", (sequence, max(highest, 1), highest > 0))
        next_ids[table] = highest + 1
    return next_ids


def _read_back(target: psycopg.Connection[Any], model: type[Model], batch: int) -> TableSum:
    """Count and checksum of the table as PostgreSQL now holds it, streamed."""
    sums = TableSum()
    columns = [
        sql.SQL("{}::int" if isinstance(f, BooleanField) else "{}").format(
            sql.Identifier(f.column_name)
        )
        for f in _fields(model)
    ]  # as SQLite stores them: 0 and 1
    query = sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(columns), sql.Identifier(_table(model))
    )
    with target.cursor(name=f"read_back_{_table(model)}") as cursor:
        cursor.itersize = batch
        cursor.execute(query)
        while rows := cursor.fetchmany(batch):
            sums.add(rows)
    return sums


def _require_empty(target: psycopg.Connection[Any], where: str) -> None:
    found = [
        row[0]
        for row in target.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
            " ORDER BY c.relname LIMIT 6"
        )
    ]
    if found:
        listed = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
        raise CopyRefused(
            f"{where} is not empty (it has {listed}): copy-to only writes into an empty "
            "database; create one (createdb) or drop what is there",
            TARGET_NOT_EMPTY,
        )


def _no_progress(table: str, done: int, total: int) -> None:
    """The default: say nothing."""


def copy_to(
    source_url: str,
    target_url: str,
    *,
    batch: int = BATCH_ROWS,
    progress: Progress = _no_progress,
) -> CopyReport:
    """Copy the SQLite installation at ``source_url`` into the empty PostgreSQL at ``target_url``.

    Binds ``server.storage.db.db`` to the target (a one-shot command's process).
    Raises CopyRefused, having written nothing, when it cannot or must not.
    """
    if urlparse(target_url).scheme.split("+")[0] not in ("postgres", "postgresql"):
        raise CopyRefused(
            f"the target must be a postgresql:// URL, not {display_url(target_url)}",
            OPERATOR_MUST_ACT,
        )
    began = time.perf_counter()
    where = display_url(target_url)
    try:
        held = HeldSource(source_path(source_url))
        with held as source:
            report = CopyReport(str(held.path), where, check_source(source, str(held.path)))
            bind(target_url)
            _copy_guarded(source, report, batch, progress, held.check_still_alone)
    except SourceRefused as exc:
        raise CopyRefused(str(exc), exc.exit_code) from None
    report.seconds = round(time.perf_counter() - began, 2)
    return report


def _copy_guarded(
    source: sqlite3.Connection,
    report: CopyReport,
    batch: int,
    progress: Progress,
    still_alone: Callable[[], None],
) -> None:
    """``_copy_all`` with PostgreSQL's failures told as the line to print."""
    where = report.target
    try:
        _copy_all(source, report, batch, progress, still_alone)
    except (psycopg.OperationalError, peewee.OperationalError) as exc:
        if "does not exist" in str(exc) and "database" in str(exc):
            raise CopyRefused(
                f"{where}: {_first_line(exc)}; create it first (createdb), empty",
                OPERATOR_MUST_ACT,
            ) from None
        raise CopyRefused(
            f"cannot reach or write the database at {where} ({_first_line(exc)}); "
            "nothing was committed",
            TEMPORARY,
        ) from None
    except (psycopg.Error, peewee.PeeweeException) as exc:
        raise CopyRefused(
            f"PostgreSQL refused the copy ({_first_line(exc)}); nothing was committed",
            DATA_ERROR,
        ) from None
    finally:
        db.close_all()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _copy_all(
    source: sqlite3.Connection,
    report: CopyReport,
    batch: int,
    progress: Progress,
    still_alone: Callable[[], None],
) -> None:
    """Schema, rows, sequences and the check, in one transaction of the target.

    Rows go in with the statistics triggers, foreign keys and secondary indexes
    lifted (``bulk_load.py``), which are all back before the rows are read back.
    """
    with db.connection_context(), db.atomic(), unbounded():
        target: psycopg.Connection[Any] = db.connection()
        target.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
        _require_empty(target, report.target)
        migrate()  # the schema exactly as the server creates it, stamped LATEST
        target.execute("DELETE FROM schema_version")  # copied from the source below
        target.execute("DELETE FROM saved_view")  # the fresh schema's default views: copied too
        triggers.remove()  # the pre-aggregate is copied as it is, not counted again
        checks = lift_checks(target)  # built again once the rows are in
        for model in copy_order():
            report.tables.append(_copy_table(source, target, model, batch, progress))
        next_ids = _set_sequences(target)
        for table in report.tables:
            table.next_id = next_ids.get(table.table)
        target.execute("SET LOCAL maintenance_work_mem = '128MB'")  # for the index builds
        restore_checks(target, checks)
        # after the lifted indexes are back (they include the search's): built from the copied
        # rows, not copied
        search_index.rebuild()
        triggers.install()
        for model, table in zip(copy_order(), report.tables, strict=True):
            sums = _read_back(target, model, batch)
            table.target_rows, table.target_checksum = sums.rows, sums.checksum
        wrong = [t.table for t in report.tables if not t.matches]
        if wrong:
            raise CopyRefused(
                f"the copy read back differs from the source in {', '.join(wrong)}; "
                "rolled back, nothing was committed",
                DATA_ERROR,
            )
        target.execute("ANALYZE")
        still_alone()  # raises SourceRefused (rolled back) if a process opened the file meanwhile
    report.verified = True
