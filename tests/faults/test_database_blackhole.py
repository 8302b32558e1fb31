"""PostgreSQL behind a silent network path, a pool that runs dry, and clients that give up.

A black hole (tests/live/proxy.py: connections accepted, nothing forwarded until
the path is back) used to hold every request for as long as it lasted. With the
timeouts set small here, each request answers 503 with Retry-After instead; the
test client's own timeout is far longer, so a server that still hangs fails.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlparse

import httpx
import psycopg
import pytest

from server.storage.limits import DatabaseLimits
from tests.live.proxy import CuttableProxy
from tests.support.databases import PG_SERVER, postgres_database, require_postgres
from tests.support.live import Live, own_server

SMALL = DatabaseLimits(
    connect_timeout_seconds=2, statement_timeout_seconds=1, pool_timeout_seconds=1
)
PATIENT = DatabaseLimits(statement_timeout_seconds=10)
"""For the stories where the database comes back before any timeout would fire."""
MAX_TRIES = 50


def _unavailable(reply: httpx.Response) -> None:
    assert reply.status_code == 503, reply.text
    assert reply.json()["error"]["code"] == "unavailable"
    assert int(reply.headers["retry-after"]) > 0


def _through(proxy: CuttableProxy, url: str) -> str:
    """``url`` with its host and port replaced by the proxy's."""
    parts = urlparse(url)
    user = f"{parts.username}@" if parts.username else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"postgresql://{user}127.0.0.1:{proxy.port}{parts.path}{query}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database: a network path and a connection pool to exhaust are its."""
    require_postgres()
    with postgres_database() as url:
        yield url


@pytest.fixture
def proxy(postgres_url: str) -> Iterator[CuttableProxy]:
    pg = CuttableProxy(urlparse(PG_SERVER).port or 5432)
    yield pg
    pg.close()


def _recovers(api: httpx.Client) -> None:
    for _ in range(MAX_TRIES):
        if api.get("/tickets").status_code == 200:
            return
        time.sleep(0.1)
    raise AssertionError("the server did not recover")


def test_a_black_holed_postgresql_answers_503_with_retry_after(
    postgres_url: str, proxy: CuttableProxy
) -> None:
    with own_server(_through(proxy, postgres_url), database=SMALL) as live:
        api = live.person("customer").api()
        assert api.post("/tickets", json={"subject": "before", "body": "fine"}).status_code == 201
        proxy.black_hole()
        try:
            for _ in range(2):
                _unavailable(api.get("/tickets"))
                _unavailable(api.post("/tickets", json={"subject": "during", "body": "hole"}))
        finally:
            proxy.restore()
        _recovers(api)


def _lock_waiters(database: str) -> int:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            (database,),
        ).fetchone()
    return int(row[0]) if row else 0


def test_a_pool_with_every_connection_busy_answers_503_not_500(postgres_url: str) -> None:
    limits = DatabaseLimits(statement_timeout_seconds=20, pool_timeout_seconds=1)
    url = f"{postgres_url}?max_connections=3"
    with own_server(url, database=limits, sla_check_seconds=0) as live:
        api = live.person("customer").api()
        waiting = [live.person("agent").api() for _ in range(10)]
        name = urlparse(postgres_url).path.lstrip("/")
        holder = psycopg.connect(postgres_url)
        holder.execute("LOCK TABLE token IN ACCESS EXCLUSIVE MODE")  # sign-ins wait on it
        blocked: list[threading.Thread] = []
        try:
            for agent in waiting:  # until every pooled connection waits on the lock
                if _lock_waiters(name) >= 3:
                    break
                thread = threading.Thread(target=agent.get, args=("/me",))
                thread.start()
                blocked.append(thread)
                time.sleep(0.5)
            assert _lock_waiters(name) >= 3
            _unavailable(api.get("/tickets"))
        finally:
            holder.rollback()
            holder.close()
            for thread in blocked:
                thread.join(timeout=30)
        _recovers(api)


def _subjects(api: httpx.Client) -> list[str]:
    return [item["subject"] for item in api.get("/tickets", params={"limit": 100}).json()["items"]]


def _abandoned_post(live: Live) -> None:
    """A client that gives up after 1 s on a create stuck behind the database."""
    person = live.people[-1]
    with (
        httpx.Client(
            base_url=f"{live.url}/api/v1",
            headers={"Authorization": f"Bearer {person.token}"},
            timeout=1,
        ) as impatient,
        pytest.raises(httpx.TimeoutException),
    ):
        impatient.post("/tickets", json={"subject": "given up", "body": "never mind"})
    time.sleep(0.5)  # the client is gone; the database has not answered yet


def _after_a_client_gave_up(
    live: Live, hold: Callable[[], object], release: Callable[[], object]
) -> list[str]:
    api = live.person("customer").api()
    assert api.post("/tickets", json={"subject": "first", "body": "fine"}).status_code == 201
    hold()
    try:
        _abandoned_post(live)
    finally:
        release()
    assert api.post("/tickets", json={"subject": "later", "body": "ok"}).status_code == 201
    return _subjects(api)


def test_a_create_whose_client_gave_up_is_not_committed_when_the_database_returns(
    database_url: str,
) -> None:
    if database_url.startswith("sqlite"):
        with own_server(database_url, database=PATIENT) as live:
            path = urlparse(database_url).path[1:]
            blocker = sqlite3.connect(path, timeout=1, isolation_level=None)
            subjects = _after_a_client_gave_up(
                live,
                lambda: blocker.execute("BEGIN EXCLUSIVE"),  # the write lock, held elsewhere
                lambda: blocker.execute("ROLLBACK"),
            )
            blocker.close()
    else:
        pg = CuttableProxy(urlparse(PG_SERVER).port or 5432)
        try:
            with own_server(_through(pg, database_url), database=PATIENT) as live:
                subjects = _after_a_client_gave_up(live, pg.black_hole, pg.restore)
        finally:
            pg.close()
    assert "later" in subjects and "first" in subjects
    assert "given up" not in subjects
