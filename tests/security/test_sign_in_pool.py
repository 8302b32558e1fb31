"""Sixty people signing in at once do not stall everyone else.

Sign-ins wait for one of a few argon2 slots (64 MiB each). They used to wait on
threads of the pool that serves every request, so an unrelated ``GET /me``
queued behind them. Now they wait without a thread, at most ``sign_in_queue``
of them; the rest are told at once to come back (503 with ``Retry-After``),
and nothing they sent is lost: a retry signs in.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from server.config import PasswordParams
from server.storage.db import db
from server.storage.models import User
from tests.support.live import Live, own_server

SIGN_INS = 60
PASSWORD = "sixty-people-at-nine-am-41"


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[Live]:
    with own_server(
        database_url, passwords=PasswordParams(), max_concurrent_hashes=1, sign_in_queue=4
    ) as live:
        yield live


def _people(server: Live, count: int) -> list[str]:
    """``count`` customers who all use PASSWORD (one hash, production cost)."""
    hashed = server.passwords.hash(PASSWORD)
    emails = []
    for _ in range(count):
        person = server.person("customer")
        with db.connection_context():
            User.update(password_hash=hashed).where(User.id == person.id).execute()
        emails.append(person.email)
    return emails


def test_me_is_answered_while_sixty_sign_ins_are_in_flight(server: Live) -> None:
    reader = server.person("customer").api()
    emails = _people(server, SIGN_INS)
    start = threading.Barrier(SIGN_INS + 1, timeout=60)

    def sign_in(email: str) -> httpx.Response:
        with server.anonymous() as anon:
            start.wait()
            return anon.post("/auth/login", json={"email": email, "password": PASSWORD})

    with ThreadPoolExecutor(SIGN_INS) as pool:
        futures = [pool.submit(sign_in, email) for email in emails]
        start.wait()
        reads = []
        for _ in range(200):
            reads.append(reader.get("/me"))
            if all(f.done() for f in futures):
                break
        answers = [f.result() for f in futures]

    assert reads and all(r.status_code == 200 for r in reads)
    statuses = {a.status_code for a in answers}
    assert statuses <= {200, 503}, statuses
    refused = [(email, a) for email, a in zip(emails, answers, strict=True) if a.status_code == 503]
    assert refused, "the excess sign-ins should be turned away, not queued without end"
    for _, answer in refused:
        assert answer.json()["error"]["code"] == "unavailable"
        assert int(answer.headers["retry-after"]) >= 1
    email, _ = refused[0]
    with server.anonymous() as anon:
        retry = anon.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert retry.status_code == 200


def test_password_changes_share_the_same_bounded_queue(server: Live) -> None:
    people = [server.person("customer") for _ in range(12)]
    start = threading.Barrier(len(people), timeout=60)

    def change(n: int) -> httpx.Response:
        api = people[n].api()
        start.wait()
        body = {"current_password": people[n].password, "new_password": f"{PASSWORD}-{n}x"}
        return api.post("/me/password", json=body)

    with ThreadPoolExecutor(len(people)) as pool:
        answers = list(pool.map(change, range(len(people))))
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {204, 503} and 503 in statuses, statuses
    assert all(a.headers.get("retry-after") for a in answers if a.status_code == 503)
