"""The 30-second burst: 50 concurrent clients against one ``padcom-server serve`` process.

Prints requests per status, throughput, and the server's RSS after a warm-up
and after the burst, plus the median time of a sign-in with an unknown email
against one with a wrong password (production argon2 cost): the two should
match, so timing does not tell which emails have accounts.

    .venv/bin/python -m bench.security_burst [--seconds 30] [--clients 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from server.config import PasswordParams
from server.helpdesk.passwords import Passwords
from server.storage.db import db
from server.storage.models import User
from tests.faults.seed import customer_token
from tests.support.databases import sqlite_url
from tests.support.limits import NO_WRITE_LIMITS_ENV
from tests.support.process import ServerProcess

PASSWORD = "bench-sign-in-password-2026"


def _client(url: str, token: str, until: float, seen: Counter[int], lock: threading.Lock) -> None:
    mine: Counter[int] = Counter()
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=30) as api:
        number = api.post("/tickets", json={"subject": "bench", "body": "x"}).json()["number"]
        i = 0
        while time.monotonic() < until and i < 1_000_000:
            step = i % 8
            if step == 0:
                reply = api.post("/tickets", json={"subject": f"bench {i}", "body": "y"})
            elif step == 1:
                reply = api.post(f"/tickets/{number}/messages", json={"body": f"reply {i}"})
            elif step % 2:
                reply = api.get(f"/tickets/{number}")
            else:
                reply = api.get("/tickets", params={"limit": 20})
            mine[reply.status_code] += 1
            i += 1
    with lock:
        seen.update(mine)


def burst(url: str, tokens: list[str], clients: int, seconds: float) -> Counter[int]:
    seen: Counter[int] = Counter()
    lock = threading.Lock()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(url, tokens[n % len(tokens)], until, seen, lock))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return seen


def login_medians(url: str, emails: list[str]) -> tuple[float, float]:
    """Median ms of one wrong password per known email and of as many unknown emails
    (alternating; one try per email, so the account throttle never answers instead)."""
    wrong: list[float] = []
    unknown: list[float] = []
    with httpx.Client(base_url=f"{url}/api/v1", timeout=30) as api:
        for i, email in enumerate(emails):
            for target, times in ((email, wrong), (f"nobody{i}@example.com", unknown)):
                started = time.perf_counter()
                api.post("/auth/login", json={"email": target, "password": f"wrong-{i}"})
                times.append((time.perf_counter() - started) * 1000)
    return statistics.median(wrong), statistics.median(unknown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        url = sqlite_url(directory)
        server = ServerProcess(  # 50 clients of 5 customers: a flood, so limits are raised
            url, directory, directory / "server.log", env=NO_WRITE_LIMITS_ENV
        ).start()
        try:
            tokens = [customer_token(url) for _ in range(5)]
            burst(server.url, tokens, args.clients, 3)
            before = server.rss_kib()
            started = time.monotonic()
            seen = burst(server.url, tokens, args.clients, args.seconds)
            elapsed = time.monotonic() - started
            after = server.rss_kib()
            total = sum(seen.values())
            print(
                f"burst: {args.clients} clients, {elapsed:.1f} s, {total} requests, "
                f"{total / elapsed:.0f} req/s, statuses {dict(sorted(seen.items()))}"
            )
            print(f"server RSS: {before} KiB after warm-up, {after} KiB after the burst")
            hashed = Passwords(PasswordParams(), 1).hash(PASSWORD)
            for _ in range(9):  # 9 x 2 failures stay under the address's 20 free ones
                customer_token(url, password_hash=hashed)
            with db.connection_context():
                emails = [u.email for u in User.select().where(User.password_hash == hashed)]
            wrong, unknown = login_medians(server.url, emails)
            print(
                f"sign-in median: wrong password {wrong:.0f} ms, unknown email {unknown:.0f} ms "
                f"(ratio {unknown / wrong:.2f})"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
