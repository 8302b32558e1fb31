"""Guessable passwords are refused on every path that sets one.

The policy used to accept "Sommer2024!!!!", "Winter2025!!!", "Hallo1234567" and
the published demo password. These and their kind — a season or month with a
year and symbols, a name with digits (the person's own too), the demo
password — are refused by a password change, an admin's ``POST /users`` and
``padcom-server user add``; a passphrase of unrelated words is accepted by each.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.live import Live

NAME = "Anna Kowalczyk"
WEAK = [
    "Sommer2024!!!!",
    "Winter2025!!!",
    "Hallo1234567",
    "padcom-demo-2026",
    "Padcom-Demo-2026",
    "Frühling2023!!!",
    "Oktober-2024-?!",
    "HERBST2025$$$$",
    "Dezember2026!!",
    "!!2025Januar!!",
    "Juergen1234567",
    "Sabine19851985",
    "Kowalczyk2024!!",  # the person's own name
]
STRONG = "plum-orchard-under-rain-62"
SERVER = str(Path(sys.executable).parent / "padcom-server")


def _user_add(database_url: str, email: str, password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SERVER, "user", "add", email, "--role", "agent", "--name", NAME, "--password-stdin"],
        env={**os.environ, "PADCOM_DATABASE_URL": database_url},
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("weak", WEAK)
def test_a_password_change_refuses_a_guessable_password(live: Live, weak: str) -> None:
    anna = live.person("customer")
    admin = live.person("admin").api()  # the person's name is what the policy knows of them
    assert admin.patch(f"/users/{anna.id}", json={"name": NAME}).status_code == 200
    refused = anna.api().post(
        "/me/password", json={"current_password": anna.password, "new_password": weak}
    )
    assert refused.status_code == 422, weak
    assert refused.json()["error"]["code"] == "invalid"
    with live.anonymous() as anon:
        still = anon.post("/auth/login", json={"email": anna.email, "password": anna.password})
    assert still.status_code == 200


@pytest.mark.parametrize("weak", WEAK)
def test_an_admin_cannot_create_a_user_with_a_guessable_password(live: Live, weak: str) -> None:
    admin = live.person("admin").api()
    body = {"email": "anna.k@example.com", "name": NAME, "role": "agent", "password": weak}
    refused = admin.post("/users", json=body)
    assert refused.status_code == 422, weak
    emails = [u["email"] for u in admin.get("/users", params={"limit": 200}).json()]
    assert "anna.k@example.com" not in emails


def test_user_add_refuses_every_guessable_password_and_takes_a_passphrase(
    live: Live, database_url: str
) -> None:
    for weak in WEAK:
        refused = _user_add(database_url, "anna.cli@example.com", weak)
        assert refused.returncode == 1, weak
        assert "error:" in refused.stderr and "Traceback" not in refused.stderr
    added = _user_add(database_url, "anna.cli@example.com", STRONG)
    assert added.returncode == 0, added.stderr
    with live.anonymous() as anon:
        login = anon.post("/auth/login", json={"email": "anna.cli@example.com", "password": STRONG})
    assert login.status_code == 200


def test_a_passphrase_of_unrelated_words_is_accepted_by_the_api(live: Live) -> None:
    bo = live.person("customer")
    changed = bo.api().post(
        "/me/password", json={"current_password": bo.password, "new_password": STRONG}
    )
    assert changed.status_code == 204
    admin = live.person("admin").api()
    body = {"email": "bo.new@example.com", "name": NAME, "role": "agent", "password": STRONG}
    assert admin.post("/users", json=body).status_code == 201
