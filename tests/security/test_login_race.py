"""100 parallel guesses at one account through two server processes: the throttle still counts.

The throttle used to read the failure count before checking the password and
record the failure after it, so every request in flight passed the check: 100
parallel guesses gave 44 real password checks instead of 5. Each attempt is
now reserved before the password is checked. A 401 is the answer of a real
password check; a refused try is a 429 (or a 503 when the sign-in queue is
full), answered before any argon2 work.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import httpx
import pytest

from server.config import PasswordParams
from server.helpdesk.passwords import Passwords
from server.storage.db import db
from server.storage.models import LoginFailure, User
from tests.faults.seed import customer_token
from tests.support.process import ServerProcess

GUESSES = 100
FREE_TRIES = 5


def test_a_hundred_parallel_guesses_get_only_the_free_tries(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PADCOM_LOGIN_FREE_PER_ACCOUNT", str(FREE_TRIES))
    monkeypatch.setenv("PADCOM_LOGIN_BASE_DELAY_SECONDS", "600")  # no second round in the race
    server = ServerProcess(
        database_url, tmp_path, tmp_path / "server.log", extra=("--workers", "2")
    ).start()
    try:
        hashed = Passwords(PasswordParams(), 1).hash("the-owner-knows-this-one-77")
        customer_token(database_url, password_hash=hashed)
        with db.connection_context():
            email = User.get(User.password_hash == hashed).email
        start = Barrier(GUESSES, timeout=60)

        def guess(n: int) -> httpx.Response:
            with httpx.Client(base_url=f"{server.url}/api/v1", timeout=120) as anon:
                start.wait()
                body = {"email": email, "password": f"guess number {n}"}
                return anon.post("/auth/login", json=body)

        with ThreadPoolExecutor(GUESSES) as pool:
            answers = list(pool.map(guess, range(GUESSES)))
    finally:
        server.stop()
    statuses = Counter(a.status_code for a in answers)
    assert statuses[401] == FREE_TRIES, statuses  # the password was checked this often
    assert set(statuses) <= {401, 429, 503}, statuses
    assert all(a.headers.get("retry-after") for a in answers if a.status_code != 401)
    with db.connection_context():
        recorded = LoginFailure.get(LoginFailure.key.endswith("|127.0.0.1")).failures
    assert recorded == FREE_TRIES
