"""A burst of 50 concurrent clients against one server process: no 5xx, memory flat.

Clients list, show, file and reply, a bounded number of requests each within a
time cap (a 30-second version belongs in bench/); some also guess one account's
password, which must end in 429s. Every
answer is one the API documents for that request; the server's resident memory
after the burst stays near what it was after a warm-up round.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from server.storage.db import db
from tests.faults.seed import customer_with_ticket
from tests.support.process import ServerProcess

CLIENTS = 50
WARMUP_REQUESTS = 8
BURST_REQUESTS = 24
TIME_CAP_SECONDS = 60.0
EXPECTED = {200, 201, 401, 429}
"""401 only for the password guesses, 429 once those are throttled."""


def _client(
    url: str, who: tuple[str, int], n: int, count: int, seen: Counter[int], lock: threading.Lock
) -> None:
    token, number = who
    mine: Counter[int] = Counter()
    until = time.monotonic() + TIME_CAP_SECONDS
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=30) as api:
        for i in range(count):
            if time.monotonic() > until:
                break
            step = i % 8
            if step == 0:
                reply = api.post("/tickets", json={"subject": f"burst {n}.{i}", "body": "y"})
            elif step == 1:
                reply = api.post(f"/tickets/{number}/messages", json={"body": f"reply {i}"})
            elif step in (2, 6) and n % 5 == 0:
                # on the same connection: one left idle past uvicorn's keep-alive
                # (5 s) while a login queues for argon2 would be closed under us
                guess = {"email": "victim@example.com", "password": "Summer2024!"}
                reply = api.post("/auth/login", json=guess)
            elif step % 2:
                reply = api.get(f"/tickets/{number}")
            else:
                reply = api.get("/tickets", params={"limit": 20})
            mine[reply.status_code] += 1
            if reply.status_code >= 500:
                print(
                    f"\n{reply.request.method} {reply.request.url.path}: {reply.status_code} {reply.text[:200]}"
                )
    with lock:
        seen.update(mine)


def _round(url: str, people: list[tuple[str, int]], count: int) -> Counter[int]:
    seen: Counter[int] = Counter()
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_client, args=(url, people[n % len(people)], n, count, seen, lock))
        for n in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIME_CAP_SECONDS + 30)
    return seen


def test_fifty_clients_get_no_5xx_and_the_server_memory_stays_flat(
    database_url: str, tmp_path: Path
) -> None:
    server = ServerProcess(database_url, tmp_path, tmp_path / "server.log").start()
    try:
        people = [customer_with_ticket(server.url, database_url) for _ in range(5)]
        _round(server.url, people, WARMUP_REQUESTS)
        before = server.rss_kib()
        seen = _round(server.url, people, BURST_REQUESTS)
        after = server.rss_kib()
        print(f"\nburst: {sum(seen.values())} requests {dict(seen)}; RSS {before} -> {after} KiB")
        assert set(seen) <= EXPECTED, seen
        assert sum(seen.values()) == CLIENTS * BURST_REQUESTS, "a client ran out of time"
        assert seen[429] > 0, "the password guesses were never throttled"
        assert after <= before * 1.5 + 64 * 1024, (before, after)
    finally:
        server.stop()
        db.close_all()
