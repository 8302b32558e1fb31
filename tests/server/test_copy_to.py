"""An operator outgrows SQLite: ``padcom-server copy-to`` moves the installation to PostgreSQL.

The stories run the real command as a process on a real SQLite installation,
then a real server on the PostgreSQL copy, the way an operator switches over.
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from playhouse.pool import PooledDatabase
from psycopg import sql

from server.storage.search_index import is_search_table
from server.storage.tables import EVERY_MODEL as ALL_MODELS
from tests.live.sse import StreamReader
from tests.server.test_operator_commands import SERVER, _demo_password, _serving, run
from tests.support.databases import postgres_database, require_postgres
from tests.support.limits import NO_WRITE_LIMITS_ENV
from tests.support.ports import free_port

pytestmark = pytest.mark.postgres
TABLES = {model._meta.table_name for model in ALL_MODELS}


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    require_postgres()
    with postgres_database() as url:
        yield url


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    """An operator on SQLite (the default) whose outgoing mail waits on an SMTP server that is down."""
    closed_port = free_port()
    values = dict(os.environ, PADCOM_DATA_DIR=str(tmp_path / "data"))
    values.pop("PADCOM_DATABASE_URL", None)
    values.update(
        PADCOM_SMTP_HOST="127.0.0.1", PADCOM_SMTP_PORT=str(closed_port), PADCOM_SMTP_SECURITY="none"
    )
    return values


def _sqlite_file(env: dict[str, str]) -> Path:
    return Path(env["PADCOM_DATA_DIR"]) / "padcom.db"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sign_in(url: str, email: str) -> httpx.Client:
    answer = httpx.post(
        f"{url}/api/v1/auth/login", json={"email": email, "password": _demo_password()}
    )
    assert answer.status_code == 200, answer.text
    token = answer.json()["token"]
    return httpx.Client(
        base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def _numbers(api: httpx.Client, **params: Any) -> list[int]:
    page = api.get("/tickets", params={"limit": 100, **params})
    assert page.status_code == 200, page.text
    return [ticket["number"] for ticket in page.json()["items"]]


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        names = [
            row[0]
            for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        names = [name for name in names if not is_search_table(name)]  # rebuilt, not copied
        count = 'SELECT count(*) FROM "{}"'  # names from the file's own catalog
        counts = {name: con.execute(count.format(name)).fetchone()[0] for name in names}
    con.close()
    return counts


def _one(row: tuple[Any, ...] | None) -> int:
    assert row is not None, "a count query returns one row"
    return int(row[0])


def _postgres_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as con:
        names = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        ]
        count = sql.SQL("SELECT count(*) FROM {}")
        return {
            name: _one(con.execute(count.format(sql.Identifier(name))).fetchone())
            for name in names
            if not is_search_table(name)
        }


def _copy(env: dict[str, str], target: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run(env, "copy-to", target, *extra)


def _events_in(url: str) -> list[tuple[Any, ...]]:
    """Every event as stored, whichever database holds it."""
    query = "SELECT id, ticket_id, kind, actor_id, changes, at FROM event ORDER BY id"
    if url.startswith("sqlite"):
        with sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True) as con:
            rows = [tuple(row) for row in con.execute(query)]
        con.close()
        return rows
    with psycopg.connect(url) as pg:
        return [tuple(row) for row in pg.execute(query)]


def test_the_demo_desk_moves_to_postgresql_whole_and_keeps_working(
    sqlite_env: dict[str, str], empty_postgres: str
) -> None:
    assert run(sqlite_env, "demo", "--tickets", "80").returncode == 0
    with _serving(sqlite_env) as url:  # a day's work on SQLite touches every kind of row
        customer = _sign_in(url, "customer@padcom.test")
        filed = customer.post(
            "/tickets",
            json={"subject": "Backup restore", "body": "Please restore last night's backup."},
            headers={"Idempotency-Key": "restore-1"},
        )
        assert filed.status_code == 201, filed.text
        log = bytes(range(256)) * 3000  # every byte value, in several stored pieces
        uploaded = customer.post("/uploads", params={"name": "restore.log"}, content=log)
        assert uploaded.status_code == 201, uploaded.text
        number = filed.json()["number"]
        with_file = {"body": "the log", "attachments": [uploaded.json()["id"]]}
        assert customer.post(f"/tickets/{number}/messages", json=with_file).status_code == 201
        httpx.post(f"{url}/api/v1/auth/login", json={"email": "nobody@x.test", "password": "no"})
        mine_before = _numbers(customer)
        queue_before = _numbers(_sign_in(url, "agent@padcom.test"), status="new")
    file = _sqlite_file(sqlite_env)
    before = _sha256(file)
    counts = _sqlite_counts(file)
    assert set(counts) == TABLES
    for table in (
        "ticket", "message", "event", "token", "outbox", "idempotency_key", "blob", "blob_chunk",
        "attachment",
    ):  # fmt: skip
        assert counts[table] > 0, table
    assert counts["stats_settled_day"] > 0 and counts["login_failure"] > 0

    copied = _copy(sqlite_env, empty_postgres, "--json")

    assert copied.returncode == 0, copied.stderr
    assert _sha256(file) == before  # only read
    report = json.loads(copied.stdout)
    assert report["verified"] is True and report["transaction"] == "one"
    by_table = {t["table"]: t for t in report["tables"]}
    assert set(by_table) == TABLES  # every table the models declare, none forgotten
    assert _postgres_counts(empty_postgres) == counts  # every table PostgreSQL has, all rows
    for table in by_table.values():
        assert table["rows"] == counts[table["table"]] == table["target_rows"]
        assert table["checksum"] == table["target_checksum"]
    assert _events_in(empty_postgres) == _events_in(f"sqlite:///{file}")  # ids and all

    again = _copy(sqlite_env, empty_postgres)
    assert again.returncode == 73
    assert "is not empty" in again.stderr and "Traceback" not in again.stderr

    on_postgres = dict(sqlite_env, PADCOM_DATABASE_URL=empty_postgres)
    with _serving(on_postgres) as url:
        customer = _sign_in(url, "customer@padcom.test")
        assert _numbers(customer) == mine_before
        moved = customer.get(f"/tickets/{number}/attachments/{uploaded.json()['id']}")
        assert moved.content == log  # the bytes, whole, from PostgreSQL
        agent = _sign_in(url, "agent@padcom.test")
        assert _numbers(agent, status="new") == queue_before
        assert filed.json()["number"] in _numbers(agent, q="restore backup")  # index rebuilt
        latest = agent.get("/events/latest").json()["id"]
        old = latest - 3
        token = agent.headers["Authorization"].removeprefix("Bearer ")
        stream = StreamReader(url, token, last_event_id=old)
        try:
            replayed = [stream.next()["id"] for _ in range(3)]
            assert replayed == [old + 1, old + 2, old + 3]  # from SQLite's ids, none repeated
            new = customer.post("/tickets", json={"subject": "After the move", "body": "Hello"})
            assert new.status_code == 201, new.text
            assert new.json()["number"] == by_table["ticket"]["next_id"]
            assert new.json()["number"] > max(mine_before)
            arrived = stream.next()
            assert arrived["id"] == by_table["event"]["next_id"] > latest
            assert arrived["ticket"] == new.json()["number"]
        finally:
            stream.close()


def _big_installation(env: dict[str, str], tickets: int) -> Path:
    """An SQLite installation with ``tickets`` tickets, each with an event, built in bulk."""
    from bench import generate
    from server.storage.db import bind, db
    from server.storage.migrations import migrate

    file = _sqlite_file(env)
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    database = bind(f"sqlite:///{file}")
    try:
        migrate()
        generate.generate(generate.Shape.for_tickets(tickets), seed=7)
        with db.connection_context(), db.atomic():
            db.execute_sql(
                "INSERT INTO event (ticket_id, organization_id, kind, actor_id, changes,"
                " internal, at) SELECT id, organization_id, 'created', requester_id, '{}', 0,"
                " created_at FROM ticket ORDER BY id"
            )
    finally:
        assert isinstance(database, PooledDatabase)  # open_database pools its connections
        database.close_all()
    return file


def test_a_hundred_thousand_tickets_copy_verified_and_new_tickets_follow_on(
    sqlite_env: dict[str, str], empty_postgres: str
) -> None:
    file = _big_installation(sqlite_env, 100_000)
    before = _sha256(file)

    copied = _copy(sqlite_env, empty_postgres, "--json", "--batch", "2000")

    assert copied.returncode == 0, copied.stderr
    assert _sha256(file) == before
    report = json.loads(copied.stdout)
    tables = {t["table"]: t for t in report["tables"]}
    assert tables["ticket"]["rows"] == tables["ticket"]["target_rows"] == 100_000
    assert tables["event"]["target_rows"] == 100_000
    assert _postgres_counts(empty_postgres) == _sqlite_counts(file)
    assert tables["ticket"]["next_id"] == 100_001
    with psycopg.connect(empty_postgres) as pg:  # what the server's next create will be given
        assert pg.execute("SELECT nextval('ticket_id_seq')").fetchone() == (100_001,)
        assert pg.execute("SELECT nextval('event_id_seq')").fetchone() == (100_001,)


def test_a_row_postgresql_refuses_rolls_the_whole_copy_back(
    sqlite_env: dict[str, str], empty_postgres: str
) -> None:
    assert run(sqlite_env, "demo", "--tickets", "10").returncode == 0
    file = _sqlite_file(sqlite_env)
    with sqlite3.connect(file) as con:  # SQLite keeps a NUL in text; PostgreSQL cannot
        con.execute("UPDATE message SET body = 'before' || char(0) || 'after' WHERE id = 1")
    con.close()

    copied = _copy(sqlite_env, empty_postgres)

    assert copied.returncode == 65, copied.stderr
    assert "nothing was committed" in copied.stderr and "Traceback" not in copied.stderr
    assert _postgres_counts(empty_postgres) == {}  # not even the schema: try again after fixing
    with psycopg.connect(empty_postgres) as pg:
        assert pg.execute(
            "SELECT count(*) FROM pg_proc WHERE proname LIKE 'stats_%'"
        ).fetchone() == (0,)


def test_what_the_operator_is_told_when_the_copy_cannot_start(
    sqlite_env: dict[str, str], empty_postgres: str
) -> None:
    missing = _copy(sqlite_env, empty_postgres)  # no installation yet
    assert missing.returncode == 66 and "no SQLite database at" in missing.stderr
    assert run(sqlite_env, "migrate").returncode == 0
    not_postgres = _copy(sqlite_env, "sqlite:////tmp/elsewhere.db")
    assert not_postgres.returncode == 78 and "postgresql://" in not_postgres.stderr
    nowhere = _copy(sqlite_env, empty_postgres.rsplit("/", 1)[0] + "/padcom_no_such_database")
    assert nowhere.returncode == 78 and "createdb" in nowhere.stderr
    with sqlite3.connect(_sqlite_file(sqlite_env)) as con:  # a table no model declares
        con.execute("CREATE TABLE plugin_notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.close()
    unknown = _copy(sqlite_env, empty_postgres)
    assert unknown.returncode == 78
    assert "plugin_notes" in unknown.stderr and "does not know" in unknown.stderr
    for refused in (missing, not_postgres, nowhere, unknown):
        assert "Traceback" not in refused.stderr
    assert _postgres_counts(empty_postgres) == {}


def _schema(url: str) -> dict[str, set[tuple[str, ...]]]:
    """What a database's schema checks and keeps: indexes, constraints, triggers."""
    queries = {
        "indexes": "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
        "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE connamespace = current_schema()::regnamespace",
        "triggers": "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)"
        " FROM pg_trigger WHERE NOT tgisinternal",
    }
    with psycopg.connect(url) as pg:
        return {name: {tuple(row) for row in pg.execute(q)} for name, q in queries.items()}


def test_a_person_at_a_terminal_sees_progress_and_a_table_of_checksums(
    sqlite_env: dict[str, str], empty_postgres: str
) -> None:
    assert run(sqlite_env, "demo", "--tickets", "20").returncode == 0
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [*SERVER, "copy-to", empty_postgres],
            env=sqlite_env,
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=120,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0
    assert b"ticket: 20 of 20 rows (100%)" in shown
    lines = done.stdout.splitlines()
    ticket_line = next(line for line in lines if line.startswith("ticket "))
    assert ticket_line.split()[1] == "20" and ticket_line.endswith("ok")
    assert "in one transaction, verified" in done.stdout
    with postgres_database() as fresh:  # the copy's schema is the one the server creates
        migrated = run(dict(sqlite_env, PADCOM_DATABASE_URL=fresh), "migrate")
        assert migrated.returncode == 0, migrated.stderr
        assert _schema(empty_postgres) == _schema(fresh)
        assert _schema(fresh)["triggers"] and _schema(fresh)["indexes"]


def test_a_server_still_writing_to_the_file_is_refused_and_nothing_is_copied(
    sqlite_env: dict[str, str], empty_postgres: str
) -> None:
    """The operator forgot to stop the server: customers are filing tickets during the copy."""
    assert run(sqlite_env, "demo", "--tickets", "20").returncode == 0
    filed: list[int] = []
    stop = threading.Event()
    with _serving(dict(sqlite_env, **NO_WRITE_LIMITS_ENV)) as url:
        customer = _sign_in(url, "customer@padcom.test")

        def keep_filing() -> None:
            while not stop.is_set():
                answer = customer.post("/tickets", json={"subject": "Still up?", "body": "..."})
                assert answer.status_code == 201, answer.text
                filed.append(answer.json()["number"])

        writer = threading.Thread(target=keep_filing)
        writer.start()
        try:
            while len(filed) < 3:  # the server is writing
                time.sleep(0.05)
            refused = _copy(sqlite_env, empty_postgres)
            during = len(filed)
        finally:
            stop.set()
            writer.join(30)
        assert not writer.is_alive() and during > 3  # it kept writing while the copy was refused
    assert refused.returncode == 78, refused.stderr
    assert "has " in refused.stderr and " open" in refused.stderr and "pid" in refused.stderr
    assert "stop every server" in refused.stderr and "nothing was copied" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _postgres_counts(empty_postgres) == {}  # not a table, not a row

    copied = _copy(sqlite_env, empty_postgres, "--json")  # the server stopped: now it copies
    assert copied.returncode == 0, copied.stderr
    with psycopg.connect(empty_postgres) as pg:
        numbers = {row[0] for row in pg.execute("SELECT id FROM ticket")}
    assert set(filed) <= numbers  # every ticket the server acknowledged
    assert _postgres_counts(empty_postgres) == _sqlite_counts(_sqlite_file(sqlite_env))
