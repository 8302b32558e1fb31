"""Concurrent creates against ``padcom-server serve --workers 2``: every one a 201, none lost.

Two worker processes write to one database. On SQLite they used to leave the
write lock to SQLite's busy handler, which let one process starve the other:
creates waited seconds and, past the busy timeout, failed (12 errors in 10 s of
the bench). All clients share one fresh token, so its first use is also a burst
of concurrent "last used" writes from both processes.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import httpx

from server.helpdesk.tokens import hash_secret
from server.storage.db import db
from server.storage.models import Ticket, Token
from tests.faults.seed import customer_token
from tests.support.limits import NO_WRITE_LIMITS_ENV
from tests.support.process import ServerProcess

CLIENTS = 32
CREATES_PER_CLIENT = 15


def _client(url: str, token: str, n: int, numbers: list[int], seen: Counter[int]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=60) as api:
        for i in range(CREATES_PER_CLIENT):
            reply = api.post("/tickets", json={"subject": f"two workers {n}.{i}", "body": "z"})
            seen[reply.status_code] += 1
            if reply.status_code == 201:
                numbers.append(reply.json()["number"])


def test_concurrent_creates_on_two_workers_all_succeed_and_all_are_stored(
    database_url: str, tmp_path: Path
) -> None:
    server = ServerProcess(
        database_url,
        tmp_path,
        tmp_path / "server.log",
        extra=("--workers", "2"),
        env=NO_WRITE_LIMITS_ENV,  # one customer files 480 tickets in seconds: a load test
    ).start()
    try:
        token = customer_token(database_url)
        numbers: list[int] = []
        seen: Counter[int] = Counter()
        threads = [
            threading.Thread(target=_client, args=(server.url, token, n, numbers, seen))
            for n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        server.stop()
    assert seen == {201: CLIENTS * CREATES_PER_CLIENT}, seen
    assert len(set(numbers)) == len(numbers)
    with db.connection_context():
        requester = Token.get(Token.token_hash == hash_secret(token)).user_id
        stored = {t.id for t in Ticket.select(Ticket.id).where(Ticket.requester == requester)}
    assert stored == set(numbers)
