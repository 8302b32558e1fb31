"""``GET /me`` while 60 people sign in at once, against one ``padcom-server serve``.

Sign-ins cost an argon2 hash (production cost, ~100 ms and 64 MiB each) and
only a few may hash at once. This prints the p50/p99/max of a signed-in
user's ``GET /me`` on an idle server (the baseline) and while ``--logins``
clients keep signing in, the ratio of the two, and what the sign-ins got.

    .venv/bin/python -m bench.login_starvation [--logins 60] [--seconds 10]
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
from tests.support.process import ServerProcess

PASSWORD = "bench-quartz-meadow-2026"
ME_SAMPLES = 200


def me_latencies(url: str, token: str, until: float) -> list[float]:
    """Milliseconds of sequential ``GET /me`` until ``until`` (at most ME_SAMPLES)."""
    times: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=60) as api:
        while time.monotonic() < until and len(times) < ME_SAMPLES:
            started = time.perf_counter()
            assert api.get("/me").status_code == 200
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(0.02)
    return times


def _sign_in_loop(url: str, email: str, until: float, seen: Counter[int]) -> None:
    with httpx.Client(base_url=f"{url}/api/v1", timeout=120) as api:
        for _ in range(10_000):
            if time.monotonic() >= until:
                return
            reply = api.post("/auth/login", json={"email": email, "password": PASSWORD})
            seen[reply.status_code] += 1
            if reply.status_code != 200:
                time.sleep(min(float(reply.headers.get("retry-after", "1")), 1.0))


def _summary(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"{name}: n={len(times)} p50 {statistics.median(times):.1f} ms, "
        f"p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        url = sqlite_url(directory)
        server = ServerProcess(url, directory, directory / "server.log").start()
        try:
            token = customer_token(url)
            hashed = Passwords(PasswordParams(), 1).hash(PASSWORD)
            customer_token(url, password_hash=hashed)
            with db.connection_context():
                email = User.get(User.password_hash == hashed).email
            idle = me_latencies(server.url, token, time.monotonic() + args.seconds / 2)
            seen: Counter[int] = Counter()
            until = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=_sign_in_loop, args=(server.url, email, until, seen))
                for _ in range(args.logins)
            ]
            for thread in threads:
                thread.start()
            time.sleep(1)  # let the sign-ins fill every slot and queue
            loaded = me_latencies(server.url, token, until)
            for thread in threads:
                thread.join(timeout=args.seconds + 300)
            print(_summary("GET /me idle", idle))
            print(_summary(f"GET /me with {args.logins} sign-ins in flight", loaded))
            print(
                f"ratio loaded/idle: p50 {statistics.median(loaded) / statistics.median(idle):.1f}x"
            )
            print(f"sign-in answers: {dict(sorted(seen.items()))}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
