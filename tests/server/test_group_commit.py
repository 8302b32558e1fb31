"""Writes that share a COMMIT: each succeeds or fails on its own, and only committed ones return."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from server.storage.db import bind, db
from server.storage.group_commit import GroupCommit
from server.storage.migrations import migrate
from server.storage.models import Organization
from tests.support.databases import postgres_database, require_postgres


@pytest.fixture
def bound(database_url: str) -> Iterator[None]:
    bind(database_url)
    migrate()
    yield
    db.close_all()


def test_a_failing_change_leaves_the_others_of_its_batch_committed(bound: None) -> None:
    writer = GroupCommit()
    gate = threading.Event()
    outcomes: dict[str, object] = {}

    def slow_first() -> str:
        gate.wait(5)  # hold the writer so the next changes queue up and share a batch
        return Organization.create(name="first", customer_number="G1").name

    def change(name: str) -> str:
        if name == "broken":
            Organization.create(name="broken", customer_number="G-broken")
            raise ValueError("refused after writing")
        return Organization.create(name=name, customer_number=f"G-{name}").name

    def call(name: str) -> None:
        try:
            outcomes[name] = writer.run(slow_first if name == "first" else lambda: change(name))
        except ValueError as exc:
            outcomes[name] = exc

    threads = [threading.Thread(target=call, args=(n,)) for n in ("first", "a", "broken", "b")]
    threads[0].start()
    for thread in threads[1:]:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes["first"] == "first" and outcomes["a"] == "a" and outcomes["b"] == "b"
    assert isinstance(outcomes["broken"], ValueError)
    with db.connection_context():
        names = {
            o.name
            for o in Organization.select().where(Organization.customer_number.startswith("G"))
        }
    assert names == {"first", "a", "b"}


def test_a_duplicate_inside_a_batch_fails_alone(bound: None) -> None:
    writer = GroupCommit()
    writer.run(lambda: Organization.create(name="taken", customer_number="T-1"))
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        writer.run(lambda: Organization.create(name="taken", customer_number="T-2"))
    assert writer.run(lambda: Organization.create(name="free", customer_number="T-3")).id
    with db.connection_context():
        kept = Organization.select().where(Organization.customer_number.startswith("T-"))
        assert sorted(o.customer_number for o in kept) == ["T-1", "T-3"]


def _statements_of(run: Callable[[], object]) -> list[str]:
    """The SQL the bound database was sent while ``run`` ran (on any thread)."""
    real, sent = db.obj, []
    original = real.execute_sql

    def recording(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        sent.append(sql)
        return original(sql, params, *args, **kwargs)

    real.execute_sql = recording
    try:
        run()
    finally:
        del real.execute_sql
    return sent


@pytest.fixture
def bound_to_postgresql() -> Iterator[None]:
    """A PostgreSQL database of its own (SQLite's savepoints cost no round trip: it keeps them)."""
    require_postgres()
    with postgres_database() as url:
        bind(url)
        migrate()
        yield
        db.close_all()


def test_on_postgresql_changes_that_succeed_pay_for_no_savepoint(
    bound_to_postgresql: None,
) -> None:
    writer = GroupCommit()
    sent = _statements_of(
        lambda: writer.run(lambda: Organization.create(name="fine", customer_number="S-1"))
    )
    assert not [sql for sql in sent if "SAVEPOINT" in sql.upper()]
    with pytest.raises(ValueError):

        def broken() -> None:
            Organization.create(name="broken", customer_number="S-2")
            raise ValueError("refused after writing")

        writer.run(broken)
    # after a failure the next batches keep a savepoint per change, as a flood of failures would
    sent = _statements_of(
        lambda: writer.run(lambda: Organization.create(name="next", customer_number="S-3"))
    )
    assert [sql for sql in sent if sql.upper().startswith("SAVEPOINT")]
    with db.connection_context():
        kept = Organization.select().where(Organization.customer_number.startswith("S-"))
        assert sorted(o.customer_number for o in kept) == ["S-1", "S-3"]
