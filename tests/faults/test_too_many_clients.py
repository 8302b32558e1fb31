"""PostgreSQL turns the server's new connections away (too many clients): a clear 503 at once.

The connection budget is ``processes * (pool + 1) <= max_connections - reserve``;
past it PostgreSQL refuses new connections. A request that needs one must
neither hang nor read as a mystery: it answers 503 with Retry-After, and the
log line names the cause and the budget. Here the server's role may open no
more connections (``CONNECTION LIMIT``), and its pooled one is gone.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import psycopg
import pytest

from tests.faults.seed import customer_token
from tests.support.databases import PG_SERVER, postgres_database, require_postgres
from tests.support.process import ServerProcess

TRIES = 20


@pytest.fixture
def budget_role() -> Iterator[tuple[str, str]]:
    """A database owned by a role of its own: (the role, the server's URL as that role)."""
    require_postgres()
    role = f"padcom_budget_{uuid.uuid4().hex[:8]}"
    with (
        postgres_database() as url,
        psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin,
    ):
        name = urlparse(url).path.lstrip("/")
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'ALTER DATABASE "{name}" OWNER TO "{role}"')
        server = urlparse(PG_SERVER)
        try:
            yield role, f"postgresql://{role}@{server.hostname}:{server.port or 5432}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def _admin(sql: str, *params: str) -> None:
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql, params or None)


def test_a_refused_connection_answers_503_at_once_and_names_the_budget(
    budget_role: tuple[str, str], tmp_path: Path
) -> None:
    role, url = budget_role
    server = ServerProcess(url, tmp_path, tmp_path / "server.log").start()
    try:
        token = customer_token(url)
        me = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{server.url}/api/v1/me", headers=me).status_code == 200
        _admin(f'ALTER ROLE "{role}" CONNECTION LIMIT 0')  # the budget is spent
        _admin(  # and the pooled connections are gone: the next request needs a new one
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE usename = %s AND query NOT LIKE 'LISTEN%%'",
            role,
        )
        answers = []
        for _ in range(TRIES):
            reply = httpx.get(f"{server.url}/api/v1/me", headers=me, timeout=30)
            answers.append(reply.status_code)
            if "too many clients" in server.log_path.read_text():
                break
        assert set(answers) == {503}, answers
        assert int(reply.headers["retry-after"]) > 0
        log = server.log_path.read_text()
        assert "database refused the connection: too many clients" in log
        assert "max_connections" in log
        _admin(f'ALTER ROLE "{role}" CONNECTION LIMIT -1')
        deadline = time.monotonic() + 30
        while httpx.get(f"{server.url}/api/v1/me", headers=me, timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "the server did not recover"
            time.sleep(0.2)
    finally:
        server.stop()
