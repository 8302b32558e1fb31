"""Guessing passwords: every email and every address gets a few tries, then waits longer each time."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from server.config import LoginThrottleParams
from server.storage.db import db
from server.storage.models import LoginFailure
from tests.support.live import Live, own_server

THROTTLE = LoginThrottleParams(
    free_per_account=3,
    free_per_address=8,
    base_delay_seconds=60,
    max_delay_seconds=240,
    forget_after_seconds=600,
)


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[Live]:
    with own_server(database_url, login_throttle=THROTTLE) as live:
        yield live


@pytest.fixture(autouse=True)
def _no_earlier_failures(server: Live) -> None:
    """Every story starts with a clean slate (all its requests come from 127.0.0.1)."""
    with db.connection_context():
        LoginFailure.delete().execute()


def _time_passes(seconds: int) -> None:
    """Move every recorded failure into the past, as if ``seconds`` had gone by."""
    with db.connection_context():
        LoginFailure.update(last_failure_at=LoginFailure.last_failure_at - seconds * 1000).execute()


def _login(server: Live, email: str, password: str, **headers: str) -> httpx.Response:
    with server.anonymous() as anon:
        return anon.post(
            "/auth/login", json={"email": email, "password": password}, headers=headers
        )


def test_wrong_passwords_make_the_account_wait_longer_and_longer(server: Live) -> None:
    alice = server.person("customer")
    for _ in range(3):
        assert _login(server, alice.email, "not my password").status_code == 401
    waits = []
    for _ in range(4):
        refused = _login(server, alice.email, alice.password)  # even the right password waits
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "too_many_requests"
        waits.append(int(refused.headers["retry-after"]))
        _time_passes(waits[-1])
        assert _login(server, alice.email, "still guessing").status_code == 401
    assert waits == [60, 120, 240, 240]  # doubling, up to the ceiling


def test_the_right_password_after_the_wait_signs_in_and_clears_the_count(server: Live) -> None:
    bob = server.person("customer")
    for _ in range(3):
        _login(server, bob.email, "wrong password")
    assert _login(server, bob.email, bob.password).status_code == 429
    _time_passes(60)
    assert _login(server, bob.email, bob.password).status_code == 200
    assert _login(server, bob.email, "a typo").status_code == 401  # a fresh count


def test_an_unknown_email_is_throttled_exactly_like_a_real_one(server: Live) -> None:
    carol = server.person("customer")
    answers = []
    for email in (carol.email, "nobody.here@example.com"):
        for _ in range(3):
            _login(server, email, "wrong password")
        answers.append(_login(server, email, "wrong password"))
    real, unknown = answers
    assert real.status_code == unknown.status_code == 429
    assert real.json() == unknown.json()
    assert real.headers["retry-after"] == unknown.headers["retry-after"]


def test_one_address_guessing_many_accounts_is_stopped(server: Live) -> None:
    dave = server.person("customer")
    for n in range(8):
        assert _login(server, f"victim{n}@example.com", "Summer2024!").status_code == 401
    assert _login(server, dave.email, dave.password).status_code == 429


def test_a_forged_x_forwarded_for_does_not_give_fresh_tries(server: Live) -> None:
    for n in range(8):
        forged = {"X-Forwarded-For": f"198.51.100.{n}"}
        _login(server, f"victim{n}@example.com", "Summer2024!", **forged)
    fresh = {"X-Forwarded-For": "198.51.100.200"}
    assert _login(server, "victim@example.com", "Summer2024!", **fresh).status_code == 429


def test_behind_a_trusted_proxy_each_client_address_counts_alone(database_url: str) -> None:
    with own_server(
        database_url, login_throttle=THROTTLE, trusted_proxies=("127.0.0.1",)
    ) as proxied:
        with db.connection_context():
            LoginFailure.delete().execute()
        erin = proxied.person("customer")
        attacker = {"X-Forwarded-For": "203.0.113.66"}
        for n in range(8):
            _login(proxied, f"victim{n}@example.com", "Summer2024!", **attacker)
        assert _login(proxied, erin.email, erin.password, **attacker).status_code == 429
        honest = {"X-Forwarded-For": "203.0.113.7"}
        assert _login(proxied, erin.email, erin.password, **honest).status_code == 200


def test_every_server_on_the_database_shares_the_count(server: Live, database_url: str) -> None:
    frank = server.person("customer")
    with own_server(database_url, login_throttle=THROTTLE) as other_worker:
        for _ in range(3):
            _login(server, frank.email, "wrong password")
        assert _login(other_worker, frank.email, frank.password).status_code == 429
