"""A full disk and a corrupt page: answers and log lines that name the cause.

Before, a full disk was a 503 "try again shortly" with nothing about space in
the log, and a corrupt page a 500 on reads and "try again shortly" on writes,
which no retry can fix.

The full disk is real: the SQLite database lives on a small tmpfs that the test
mounts (root only; elsewhere the test is skipped with the reason), so SQLite's
own write fails with ENOSPC ("database or disk is full"); the PostgreSQL
database lives in a tablespace on such a tmpfs ("could not extend file": SQLSTATE
53100). The corrupt page is real too: the ticket table's root page overwritten
in the SQLite file (PostgreSQL's shared buffers would hide a page overwritten
under a running server, so its XX001 is not staged here).
"""

from __future__ import annotations

import logging
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.databases import require_postgres, sqlite_url
from tests.support.limits import NO_WRITE_LIMITS
from tests.support.live import own_server
from tests.support.private_postgres import private_postgres_server

MAX_CREATES = 1000
"""The small disks hold fewer tickets of ~60 KB than this; a server that never says 'full' fails."""


def _small_disk(mount: Path, megabytes: int) -> None:
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {made.stderr.strip()}")


def _pg_admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def full_soon(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL whose data lives on a small file system of its own."""
    if request.param == "sqlite":
        mount = tmp_path / "small"
        mount.mkdir()
        _small_disk(mount, 4)
        try:
            yield sqlite_url(mount)
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=False)
        return
    require_postgres()
    # A full tablespace makes its server's checkpoints fail: a server of this test's own.
    with private_postgres_server() as server:
        # PostgreSQL's own user must reach the folder: not under pytest's 0700 tmp_path.
        mount = Path(tempfile.mkdtemp(prefix="padcom-pgspace-"))
        mount.chmod(0o755)
        _small_disk(mount, 24)  # a new database's catalog takes ~8 MB of it
        shutil.chown(mount, "postgres", "postgres")
        name = f"padcom_full_{uuid.uuid4().hex[:10]}"
        try:
            _pg_admin(server, f"CREATE TABLESPACE {name} LOCATION '{mount}'")
            _pg_admin(server, f'CREATE DATABASE "{name}" TABLESPACE {name}')
            yield f"{server}/{name}"
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=False)
            shutil.rmtree(mount, ignore_errors=True)


def _error(reply: httpx.Response, status: int, code: str) -> str:
    assert reply.status_code == status, reply.text
    error = reply.json()["error"]
    assert error["code"] == code
    return str(error["message"])


def test_a_full_disk_answers_507_and_the_log_says_disk_full(
    full_soon: str, caplog: pytest.LogCaptureFixture
) -> None:
    with own_server(full_soon, sla_check_seconds=0, write_limits=NO_WRITE_LIMITS) as live:
        api = live.person("customer").api()
        with caplog.at_level(logging.ERROR, logger="padcom.server"):
            for n in range(MAX_CREATES):
                body = secrets.token_urlsafe(45_000)  # ~60 KB that no page compresses
                reply = api.post("/tickets", json={"subject": f"log {n}", "body": body})
                if reply.status_code != 201:
                    break
            message = _error(reply, 507, "insufficient_storage")
        assert "disk is full" in message
        assert "retry-after" not in reply.headers
        assert any("disk full" in record.getMessage() for record in caplog.records)
        assert api.get("/tickets", params={"limit": 5}).status_code == 200  # reads go on


def _corrupt_ticket_table(path: Path) -> None:
    """Overwrite the ticket table's root page with bytes no b-tree page can hold."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'ticket'"
        ).fetchone()[0]
    conn.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * page_size)


def test_a_corrupt_page_is_called_corrupt_on_reads_and_writes(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    with own_server(url, sla_check_seconds=0) as live:
        api = live.person("customer").api()
        for n in range(3):
            assert api.post("/tickets", json={"subject": f"t{n}", "body": "b"}).status_code == 201
    _corrupt_ticket_table(tmp_path / "padcom.db")
    with own_server(url, sla_check_seconds=0) as live:
        agent, customer = live.person("agent").api(), live.person("customer").api()
        read = agent.get("/tickets")
        write = customer.post("/tickets", json={"subject": "after", "body": "corrupt"})
        for reply in (read, write):
            message = _error(reply, 500, "database_corrupt")
            assert "corrupt" in message and "backup" in message
            assert "try again" not in message
            assert "retry-after" not in reply.headers
