"""A second app in one process on the same database leaves the first one's transactions whole.

The tests run servers side by side in one process (a module's shared server and
one with other settings). Each app binds the database at start; rebinding
swapped it under the first app's open transaction, whose next statement went to
another connection, waited for its own transaction's write lock and failed with
"database is locked".
"""

from __future__ import annotations

from pathlib import Path

from server.storage.db import bind, db
from server.storage.limits import DatabaseLimits

LIMITS = DatabaseLimits(statement_timeout_seconds=1)


def test_a_transaction_open_while_a_second_app_starts_commits_its_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'padcom.db'}"
    bind(url, LIMITS)
    with db.connection_context():
        db.execute_sql("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
    with db.connection_context(), db.atomic():
        db.execute_sql("INSERT INTO note (body) VALUES ('before the second app')")
        bind(url, LIMITS)  # the second app starts
        db.execute_sql("INSERT INTO note (body) VALUES ('after it')")
    with db.connection_context():
        stored = [row[0] for row in db.execute_sql("SELECT body FROM note ORDER BY id")]
    assert stored == ["before the second app", "after it"]


def test_another_database_is_bound_afresh(tmp_path: Path) -> None:
    first = bind(f"sqlite:///{tmp_path / 'one.db'}", LIMITS)
    assert bind(f"sqlite:///{tmp_path / 'two.db'}", LIMITS) is not first
    assert bind(f"sqlite:///{tmp_path / 'one.db'}", LIMITS) is not first  # not kept once replaced
