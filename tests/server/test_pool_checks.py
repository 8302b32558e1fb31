"""The pool's checkout check on PostgreSQL: a round trip only for a connection idle a while.

The check (``SELECT 1``) cost every checkout a round trip, three per created
ticket; a connection handed back less than ``ALIVE_BYPASS_SECONDS`` ago is
trusted, and one idle longer is still checked, so a connection PostgreSQL cut
while it sat in the pool is replaced before anyone uses it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from server.storage.db import bind, db
from server.storage.postgres import ALIVE_BYPASS_SECONDS
from tests.support.databases import PG_SERVER, postgres_database, require_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Bind a fresh PostgreSQL database; yields the list the pool's round-trip checks land in."""
    require_postgres()
    with postgres_database() as url:
        bind(url)
        made: list[int] = []
        adapter = db.obj._adapter
        check = adapter.is_connection_closed

        def counted(conn: Any) -> bool:
            made.append(1)
            return bool(check(conn))

        monkeypatch.setattr(adapter, "is_connection_closed", counted)
        try:
            yield made
        finally:
            db.close_all()


def _backend_pid() -> int:
    with db.connection_context():
        return int(db.execute_sql("SELECT pg_backend_pid()").fetchone()[0])


def test_a_connection_handed_back_just_now_is_handed_out_without_a_round_trip(
    checks: list[int],
) -> None:
    first = _backend_pid()
    assert _backend_pid() == first  # the same pooled connection
    assert checks == []
    time.sleep(ALIVE_BYPASS_SECONDS + 0.2)
    assert _backend_pid() == first
    assert checks == [1]  # idle a while: checked once


def test_a_connection_cut_while_idle_in_the_pool_is_replaced_before_use(
    checks: list[int],
) -> None:
    cut = _backend_pid()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (cut,))
    time.sleep(ALIVE_BYPASS_SECONDS + 0.2)
    assert _backend_pid() != cut  # no error: the check found it dead and opened another
    assert checks == [1]
