"""Writers of different processes on one SQLite file take turns; none is starved.

Two ``open_database`` handles on one file stand for two server processes: each
has its own connections, process lock and turnstile descriptors, exactly as two
workers do. One commits back to back; each transaction of the other must get in
after about one of those commits (left to SQLite's busy handler, one in two
runs waited for dozens to hundreds of them; past the busy timeout it fails).
"""

from __future__ import annotations

import threading
from pathlib import Path

from peewee import Database
from playhouse.pool import PooledDatabase

from server.storage.db import open_database

TURNS = 10
"""Transactions of the other process, each measured."""
FAIR = 5
"""Commits of the busy process one turn of the other may wait for (fair: about one)."""
CAP = 50 * TURNS
"""Commits after which the busy process stops; a starved writer waits for all of them."""


def _insert(database: Database, who: str) -> None:
    with database.connection_context(), database.atomic():
        database.execute_sql("INSERT INTO turn (who) VALUES (?)", (who,))


def test_a_writer_of_another_process_gets_its_turn_while_one_commits_back_to_back(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'padcom.db'}"
    busy, other = open_database(url), open_database(url)
    with busy.connection_context():
        busy.execute_sql("CREATE TABLE turn (id INTEGER PRIMARY KEY, who TEXT)")
    _insert(other, "other")  # its connection and lock files are open before anything is counted
    committed = 0
    started = threading.Event()

    def commit_back_to_back() -> None:
        nonlocal committed
        while committed < CAP:
            _insert(busy, "busy")
            committed += 1
            started.set()

    worker = threading.Thread(target=commit_back_to_back)
    worker.start()
    waits = []
    try:
        assert started.wait(60)
        for _ in range(TURNS):
            before = committed
            _insert(other, "other")
            waits.append(committed - before)
    finally:
        worker.join(120)
        for database in (busy, other):
            assert isinstance(database, PooledDatabase)  # open_database pools its connections
            database.close_all()
    assert max(waits) <= FAIR, f"commits of the busy process each turn waited for: {waits}"
