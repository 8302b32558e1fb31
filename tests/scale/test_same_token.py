"""Story: one customer's token is used through all three servers at once while staff
reply on the customer's tickets, and the token's "last used" time keeps falling
due (as it does once a minute).

Each use then queues a write of the token's row on every server, beside
ticket writes that take the event-order lock. Written in one transaction in
different orders on different servers, they deadlocked (503s, a 4.6 s stall).
Now: every request succeeds and PostgreSQL detects no deadlock at all.
"""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from tests.faults.seed import customer_token
from tests.scale.cluster import cluster
from tests.scale.load import MixedLoad

pytestmark = pytest.mark.postgres

SPELLS = 200
"""How many times the token's last use is made due again during the load."""


def _make_last_use_due(database_url: str, stop: threading.Event) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        for _ in range(SPELLS):
            if stop.wait(0.05):
                return
            conn.execute("UPDATE token SET last_used_at = NULL")


def test_one_token_through_every_instance_never_deadlocks(tmp_path: Path) -> None:
    with cluster(tmp_path) as world:
        customer = customer_token(world.database_url)
        staff = customer_token(world.database_url, role="agent")
        before = world.deadlocks()
        stop = threading.Event()
        due = threading.Thread(target=_make_last_use_due, args=(world.database_url, stop))
        due.start()
        load = MixedLoad(world.url, customer, staff, writers=12, rounds=25)
        load.finish()
        stop.set()
        due.join(30)
        assert load.statuses == {201: 12 * 25 * 2}, load.statuses
        assert world.deadlocks() == before
        assert "deadlock detected" not in world.database_log()
