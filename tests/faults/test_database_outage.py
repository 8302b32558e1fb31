"""The database locked or unreachable for a while: clear 503s, then recovery by itself.

SQLite: another process-like connection holds an exclusive lock longer than the
server's busy timeout. PostgreSQL: the database refuses new connections and
every existing one is terminated (pg_terminate_backend), then comes back.
"""

from __future__ import annotations

import sqlite3
import time
from urllib.parse import urlparse

import httpx

from tests.support.live import Live

MAX_TRIES = 50


def _assert_unavailable(reply: httpx.Response) -> None:
    assert reply.status_code == 503, reply.text
    assert reply.json()["error"] == {
        "code": "unavailable",
        "message": "the database is unavailable; try again shortly",
    }
    assert int(reply.headers["retry-after"]) > 0


def _recovers(api: httpx.Client) -> int:
    """Requests until one succeeds (bounded); every failure on the way must be a clean 503."""
    for attempt in range(1, MAX_TRIES + 1):
        reply = api.post("/tickets", json={"subject": "after the outage", "body": "ok?"})
        if reply.status_code == 201:
            return attempt
        _assert_unavailable(reply)
        time.sleep(0.1)
    raise AssertionError(f"the server did not recover within {MAX_TRIES} tries")


def _sqlite_locked(live: Live) -> None:
    api = live.person("customer").api()
    path = urlparse(live.settings.resolved_database_url).path[1:]
    blocker = sqlite3.connect(path, timeout=1, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")  # held past the server's 10 s busy timeout
        _assert_unavailable(api.post("/tickets", json={"subject": "during", "body": "lock"}))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert _recovers(api) == 1


def _pg(live: Live, sql: str) -> None:
    import psycopg

    url = live.settings.resolved_database_url
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.replace("{db}", name))


def _postgresql_unreachable(live: Live) -> None:
    api = live.person("customer").api()
    assert api.post("/tickets", json={"subject": "before", "body": "fine"}).status_code == 201
    _pg(live, 'ALTER DATABASE "{db}" ALLOW_CONNECTIONS false')
    try:
        _pg(
            live,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = '{db}' AND pid <> pg_backend_pid()",
        )
        for _ in range(3):
            _assert_unavailable(api.post("/tickets", json={"subject": "during", "body": "down"}))
            _assert_unavailable(api.get("/tickets"))
    finally:
        _pg(live, 'ALTER DATABASE "{db}" ALLOW_CONNECTIONS true')
    _recovers(api)
    assert api.get("/tickets").status_code == 200


def test_a_database_outage_is_a_clean_503_and_the_server_recovers_by_itself(live: Live) -> None:
    if live.settings.resolved_database_url.startswith("sqlite"):
        _sqlite_locked(live)
    else:
        _postgresql_unreachable(live)
