"""Many parallel sign-ins with production argon2 cost (64 MiB each) must queue, not eat memory.

At most ``max_concurrent_hashes`` (2) hashes run at once, so the server's peak
memory grows by a few hashes' worth however many people sign in together;
without the bound, twelve logins would take 768 MiB at once. The bound does not
depend on the database, so this runs on SQLite only.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from server.config import PasswordParams
from server.helpdesk.passwords import Passwords
from server.storage.db import db
from server.storage.models import User
from tests.faults.seed import customer_token
from tests.support.databases import sqlite_url
from tests.support.process import ServerProcess

PARALLEL_LOGINS = 12
PASSWORD = "storm-of-sign-ins-2026"
HASH_MIB = PasswordParams().memory_cost // 1024


def test_twelve_parallel_logins_queue_for_argon2_instead_of_exhausting_memory(
    tmp_path: Path,
) -> None:
    database_url = sqlite_url(tmp_path)
    server = ServerProcess(database_url, tmp_path, tmp_path / "server.log").start()
    try:
        hashed = Passwords(PasswordParams(), 1).hash(PASSWORD)
        customer_token(database_url, password_hash=hashed)
        with db.connection_context():
            email = User.select().where(User.password_hash == hashed).get().email
        warm = httpx.post(
            f"{server.url}/api/v1/auth/login",
            json={"email": email, "password": PASSWORD},
            timeout=60,
        )
        assert warm.status_code == 200
        before = server.rss_kib("VmHWM")

        def login(_: int) -> int:
            reply = httpx.post(
                f"{server.url}/api/v1/auth/login",
                json={"email": email, "password": PASSWORD},
                timeout=120,
            )
            return reply.status_code

        with ThreadPoolExecutor(PARALLEL_LOGINS) as pool:
            statuses = list(pool.map(login, range(PARALLEL_LOGINS)))
        peak = server.rss_kib("VmHWM")
        print(f"\n{PARALLEL_LOGINS} parallel logins: peak RSS {before} -> {peak} KiB")
        assert statuses == [200] * PARALLEL_LOGINS
        assert peak - before < 4 * HASH_MIB * 1024, (before, peak)
    finally:
        server.stop()
        db.close_all()
