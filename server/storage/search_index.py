"""Storage: the full-text index of tickets and messages, kept in the transaction of every write.

Search must find a word the moment its reply is answered, so the index is
written by the one write path (``write_path.write``) from the events a change
made, before the COMMIT: a ``created`` or a subject/body ``updated`` event
(re)indexes its ticket, an event naming a message indexes that message. A
writer that makes no events (the demo seed, a migration's back-fill, the
bench's bulk load, ``copy-to``) calls ``rebuild``.

Both databases index the same words: Python cuts every text into words
(``words``: runs of letters and digits, lower-cased) and the database only
stores them, so SQLite's FTS5 tokenizer and PostgreSQL's ``simple`` parser
see nothing but words separated by spaces and find the same rows
(tests/api/test_search_same_on_both.py). SQLite keeps ``ticket_fts`` (subject,
body; rowid the ticket number) and ``message_fts`` (contentless: messages are
never edited; rowid the message id); PostgreSQL keeps ``tsvector`` columns
with GIN indexes (subject weighted A, body B) in ``ticket_fts`` and
``message_fts``, the latter with the message's ticket and ``internal`` flag so
a search never reads the message table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from server.storage.db import db, is_postgres
from server.storage.models import Event
from server.vocabulary import EventKind

WORD = re.compile(r"[^\W_]+")
"""A word: letters and digits of any script; everything else separates words."""
BATCH = 5000
"""Rows read and written at a time by ``rebuild``."""

SQLITE_TABLES = ("ticket_fts", "message_fts")
"""The FTS5 tables (SQLite adds shadow tables named after them: ``ticket_fts_data`` …)."""

_SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS ticket_fts USING fts5("
    "subject, body, tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS message_fts USING fts5("
    "words, content = '', tokenize = 'unicode61 remove_diacritics 0')",
)
_PG_DDL = (
    "CREATE TABLE IF NOT EXISTS ticket_fts ("
    " ticket_id integer PRIMARY KEY REFERENCES ticket (id) ON DELETE CASCADE,"
    " words tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ticket_fts_words ON ticket_fts USING gin (words)"
    " WITH (fastupdate = off)",
    "CREATE TABLE IF NOT EXISTS message_fts ("
    " message_id integer PRIMARY KEY REFERENCES message (id) ON DELETE CASCADE,"
    " ticket_id integer NOT NULL, internal boolean NOT NULL, words tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS message_fts_words ON message_fts USING gin (words)"
    " WITH (fastupdate = off)",
)
_PG_INDEXES = ("ticket_fts_words", "message_fts_words")
"""GIN indexes without a pending list (``fastupdate = off``): with one, every search
scanned the rows not yet merged (17 ms for a word in no ticket of 100,000, 0.05 ms
after the merge); a helpdesk writes a few rows a second, each merged as it comes."""
_PG_TICKET_WORDS = (
    "setweight(to_tsvector('simple', {s}), 'A') || setweight(to_tsvector('simple', {b}), 'B')"
)


def words(text: str) -> list[str]:
    """The words of ``text`` as the index stores them and a search looks them up."""
    return WORD.findall(text.lower())


def indexed(text: str) -> str:
    """``text`` as the index receives it: its words, separated by one space."""
    return " ".join(words(text))


def is_search_table(name: str) -> bool:
    """Whether ``name`` is one of the index's tables (or an FTS5 shadow table of one)."""
    return any(name == table or name.startswith(f"{table}_") for table in SQLITE_TABLES)


def install() -> None:
    """Create the index's tables (empty); a migration step."""
    for statement in _PG_DDL if is_postgres() else _SQLITE_DDL:
        db.execute_sql(statement)


def recorded(events: Sequence[Event]) -> None:
    """Index what ``events`` (one change's, unsaved) wrote: call inside its transaction."""
    tickets: list[int] = []
    messages: list[int] = []
    for event in events:
        changes = event.changes or {}
        if event.ticket_id is not None and (
            event.kind == EventKind.CREATED
            or (event.kind == EventKind.UPDATED and ("subject" in changes or "body" in changes))
        ):
            tickets.append(int(event.ticket_id))
        message = changes.get("message")
        if isinstance(message, int) and not isinstance(message, bool):
            messages.append(message)
    if tickets:
        index_tickets(dict.fromkeys(tickets))
    if messages:
        index_messages(dict.fromkeys(messages))


def _marks(count: int) -> str:
    return ", ".join([db.obj.param] * count)


def index_tickets(numbers: Iterable[int]) -> None:
    """(Re)index the subject and body of the tickets ``numbers``."""
    wanted = list(numbers)
    rows = db.execute_sql(
        f"SELECT id, subject, body FROM ticket WHERE id IN ({_marks(len(wanted))})",  # noqa: S608
        wanted,
    ).fetchall()
    _write_tickets([(n, indexed(s), indexed(b)) for n, s, b in rows])


def index_messages(ids: Iterable[int]) -> None:
    """Index the messages ``ids`` (each once: messages are never edited)."""
    wanted = list(ids)
    rows = db.execute_sql(
        "SELECT id, ticket_id, internal, body FROM message "  # noqa: S608
        f"WHERE id IN ({_marks(len(wanted))})",
        wanted,
    ).fetchall()
    _write_messages([(i, t, bool(internal), indexed(body)) for i, t, internal, body in rows])


def _write_tickets(rows: list[tuple[int, str, str]]) -> None:
    if not rows:
        return
    cursor = db.cursor()
    if is_postgres():
        words_sql = _PG_TICKET_WORDS.format(s="%s", b="%s")
        upsert = (
            f"INSERT INTO ticket_fts (ticket_id, words) VALUES (%s, {words_sql}) "  # noqa: S608
            "ON CONFLICT (ticket_id) DO UPDATE SET words = excluded.words"
        )
        cursor.executemany(upsert, rows)
        return
    cursor.executemany(
        "INSERT OR REPLACE INTO ticket_fts (rowid, subject, body) VALUES (?, ?, ?)", rows
    )


def _write_messages(rows: list[tuple[int, int, bool, str]]) -> None:
    if not rows:
        return
    cursor = db.cursor()
    if is_postgres():
        cursor.executemany(
            "INSERT INTO message_fts (message_id, ticket_id, internal, words) "
            "VALUES (%s, %s, %s, to_tsvector('simple', %s)) ON CONFLICT (message_id) DO NOTHING",
            rows,
        )
        return
    ids = [row[0] for row in rows]
    present = {
        row[0]
        for row in db.execute_sql(
            f"SELECT rowid FROM message_fts WHERE rowid IN ({_marks(len(ids))})",  # noqa: S608
            ids,
        )
    }
    cursor.executemany(
        "INSERT INTO message_fts (rowid, words) VALUES (?, ?)",
        [(row[0], row[3]) for row in rows if row[0] not in present],
    )


def rebuild() -> tuple[int, int]:
    """Index every ticket and message afresh (a back-fill); returns (tickets, messages).

    Runs in the caller's transaction, reading a batch at a time.
    """
    if is_postgres():
        db.execute_sql("TRUNCATE ticket_fts, message_fts")
        for index in _PG_INDEXES:  # built once over the loaded rows: one sort, not a row at a time
            db.execute_sql(f"DROP INDEX IF EXISTS {index}")
    else:
        db.execute_sql("DELETE FROM ticket_fts")
        db.execute_sql("INSERT INTO message_fts (message_fts) VALUES ('delete-all')")
    tickets = _each_batch(
        "SELECT id, subject, body FROM ticket WHERE id > {p} ORDER BY id LIMIT {n}",
        lambda rows: _load_tickets([(n, indexed(s), indexed(b)) for n, s, b in rows]),
    )
    messages = _each_batch(
        "SELECT id, ticket_id, internal, body FROM message WHERE id > {p} ORDER BY id LIMIT {n}",
        lambda rows: _load_messages([(i, t, bool(x), indexed(b)) for i, t, x, b in rows]),
    )
    if is_postgres():
        install()  # the indexes back
    return tickets, messages


def _each_batch(sql: str, load: Any) -> int:
    """Hand ``load`` the rows of ``sql`` a batch at a time, in id order; returns how many."""
    done, after = 0, 0
    statement = sql.format(p=db.obj.param, n=BATCH)
    while True:
        rows = db.execute_sql(statement, (after,)).fetchall()
        if not rows:
            return done
        load(rows)
        done += len(rows)
        after = rows[-1][0]


def _load_tickets(rows: list[tuple[int, str, str]]) -> None:
    """Many tickets at once: on PostgreSQL through COPY into a scratch table."""
    if not is_postgres():
        _write_tickets(rows)
        return
    _copy_scratch(rows, "id integer, subject text, body text")
    words_sql = _PG_TICKET_WORDS.format(s="subject", b="body")
    db.execute_sql(f"INSERT INTO ticket_fts (ticket_id, words) SELECT id, {words_sql} FROM scratch")  # noqa: S608


def _load_messages(rows: list[tuple[int, int, bool, str]]) -> None:
    if not is_postgres():
        db.cursor().executemany(
            "INSERT INTO message_fts (rowid, words) VALUES (?, ?)", [(r[0], r[3]) for r in rows]
        )
        return
    _copy_scratch(rows, "id integer, ticket_id integer, internal boolean, body text")
    db.execute_sql(
        "INSERT INTO message_fts (message_id, ticket_id, internal, words) "
        "SELECT id, ticket_id, internal, to_tsvector('simple', body) FROM scratch"
    )


def _copy_scratch(rows: Sequence[tuple[Any, ...]], columns: str) -> None:
    """``rows`` into a new scratch table ``scratch`` of the transaction, by COPY."""
    db.execute_sql("DROP TABLE IF EXISTS scratch")
    db.execute_sql(f"CREATE TEMP TABLE scratch ({columns}) ON COMMIT DROP")
    with db.cursor() as cursor, cursor.copy("COPY scratch FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
