"""An admin manages people: the password policy holds for new accounts, and nulls change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.live import Live, Person


@pytest.fixture(scope="module")
def admin(live: Live) -> Person:
    return live.person("admin")


def _new_person(admin: Person, email: str, password: str) -> dict[str, Any]:
    body = {"email": email, "name": "Dana", "role": "agent", "password": password}
    person: dict[str, Any] = admin.api().post("/users", json=body).json()
    return person


def test_an_admin_cannot_give_a_new_person_a_well_known_password(admin: Person) -> None:
    for weak in ("password123", "short one", "Qwertyuiop2024!"):
        error = _new_person(admin, "dana@example.com", weak)["error"]
        assert error["code"] == "invalid", weak
    emails = [u["email"] for u in admin.api().get("/users", params={"limit": 200}).json()]
    assert "dana@example.com" not in emails


def test_a_strong_password_makes_an_account_that_can_sign_in(admin: Person, live: Live) -> None:
    made = _new_person(admin, "erin@example.com", "tidal garden under glass")
    assert made["email"] == "erin@example.com"
    login = admin.api().post(
        "/auth/login", json={"email": "erin@example.com", "password": "tidal garden under glass"}
    )
    assert login.status_code == 200, login.text


@pytest.mark.parametrize("field", ["name", "role", "active"])
def test_null_for_a_name_role_or_state_is_refused_and_nothing_changes(
    admin: Person, live: Live, field: str
) -> None:
    person = live.person("customer")
    api = admin.api()
    before = api.get(f"/users/{person.id}").json()
    reply = api.patch(f"/users/{person.id}", json={field: None})
    assert reply.status_code == 422, reply.text
    assert "may not be null" in reply.json()["error"]["message"]
    assert api.get(f"/users/{person.id}").json() == before
