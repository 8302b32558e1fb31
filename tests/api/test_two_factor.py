"""Two-factor sign-in: a customer turns it on, and from then on a password alone signs nobody in.

An admin must use it: their password sign-in gets a token that can only enrol.
Codes are spent once (a replay is refused), recovery codes stand in for a lost
phone once each, and wrong codes are throttled like wrong passwords.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pyotp
import pytest

from tests.support.live import Live, Person


def _code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _login(live: Live, person: Person, **extra: str) -> httpx.Response:
    with live.anonymous() as api:
        return api.post(
            "/auth/login", json={"email": person.email, "password": person.password, **extra}
        )


def _enrol(api: httpx.Client) -> tuple[str, list[str]]:
    started = api.post("/me/totp")
    assert started.status_code == 201, started.text
    secret = started.json()["secret"]
    assert started.json()["otpauth_uri"].startswith("otpauth://totp/")
    confirmed = api.post("/me/totp/confirm", json={"code": _code(secret)})
    assert confirmed.status_code == 200, confirmed.text
    return secret, confirmed.json()["recovery_codes"]


@pytest.fixture
def customer(live: Live) -> Person:
    return live.person("customer", password="a rather long passphrase 19")


def test_a_customer_turns_it_on_and_a_password_alone_no_longer_signs_in(
    live: Live, customer: Person
) -> None:
    api = customer.api()
    assert api.get("/me/totp").json()["enabled"] is False
    started = api.post("/me/totp").json()
    wrong = api.post("/me/totp/confirm", json={"code": "000000"})
    assert wrong.status_code == 422
    codes = api.post("/me/totp/confirm", json={"code": _code(started["secret"])}).json()
    assert len(codes["recovery_codes"]) == 10
    assert len(set(codes["recovery_codes"])) == 10
    status = api.get("/me/totp").json()
    assert status["enabled"] is True and status["recovery_codes_left"] == 10

    alone = _login(live, customer)
    assert alone.status_code == 401
    assert alone.json()["error"]["code"] == "totp_required"
    assert "token" not in alone.json()

    code = _code(started["secret"], steps_ahead=1)
    signed_in = _login(live, customer, totp=code)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["scope"] == "full"
    replayed = _login(live, customer, totp=code)
    assert replayed.status_code == 401
    assert replayed.json()["error"]["code"] == "unauthorized"


def test_a_recovery_code_works_once(live: Live, customer: Person) -> None:
    _secret, codes = _enrol(customer.api())
    first = _login(live, customer, totp=codes[0].upper())
    assert first.status_code == 200, first.text
    assert _login(live, customer, totp=codes[0]).status_code == 401
    assert customer.api().get("/me/totp").json()["recovery_codes_left"] == 9


def test_an_admin_must_enrol_before_their_token_does_anything(live: Live) -> None:
    admin = live.person("admin", password="a rather long passphrase 19")
    signed_in = _login(live, admin)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["scope"] == "enrol"
    headers = {"Authorization": f"Bearer {signed_in.json()['token']}"}
    with httpx.Client(base_url=f"{live.url}/api/v1", headers=headers, timeout=30) as api:
        refused = api.get("/users")
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "totp_enrolment_required"
        assert api.get("/me").status_code == 200
        assert api.get("/me/totp").json()["required"] is True
        secret, _codes = _enrol(api)
        assert api.get("/users").status_code == 200  # the same token, now a full one
        off = api.post(
            "/me/totp/disable", json={"password": admin.password, "code": _code(secret, 1)}
        )
        assert off.status_code == 409  # required for admins
    assert _login(live, admin).json()["error"]["code"] == "totp_required"


def test_turning_it_off_takes_the_password_and_a_code(live: Live, customer: Person) -> None:
    api = customer.api()
    secret, _codes = _enrol(api)
    body: dict[str, Any] = {"password": "not my password at all", "code": _code(secret, 1)}
    assert api.post("/me/totp/disable", json=body).status_code == 403
    body = {"password": customer.password, "code": "123456"}
    assert api.post("/me/totp/disable", json=body).status_code == 422
    body = {"password": customer.password, "code": _code(secret, 1)}
    assert api.post("/me/totp/disable", json=body).status_code == 204
    assert _login(live, customer).status_code == 200


def test_wrong_codes_are_throttled_like_wrong_passwords(live: Live, customer: Person) -> None:
    secret, _codes = _enrol(customer.api())
    statuses = [_login(live, customer, totp="000000").status_code for _ in range(7)]
    assert statuses[:5] == [401] * 5
    assert 429 in statuses[5:]
    refused = _login(live, customer, totp=_code(secret, 1))
    assert refused.status_code == 429  # even the right code waits its turn
    assert int(refused.headers["Retry-After"]) >= 1


def test_an_admin_resets_a_lost_second_factor(live: Live, customer: Person) -> None:
    _enrol(customer.api())
    admin = live.person("admin")
    reset = admin.api().post(f"/users/{customer.id}/reset-totp")
    assert reset.status_code == 204, reset.text
    assert customer.api().get("/me").status_code == 401  # signed out everywhere
    assert _login(live, customer).status_code == 200
    shown = admin.api().get(f"/users/{customer.id}").json()
    assert shown["totp_enabled"] is False


def test_admins_always_need_it_and_a_change_of_who_else_does_is_audited(live: Live) -> None:
    admin, agent = (
        live.person("admin"),
        live.person("agent", password="a rather long passphrase 19"),
    )
    api = admin.api()
    refused = api.put("/settings/security", json={"totp_required": ["agent"]})
    assert refused.status_code == 422
    assert (
        api.put("/settings/security", json={"totp_required": ["wizard", "admin"]}).status_code
        == 422
    )
    both = api.put("/settings/security", json={"totp_required": ["agent", "admin"]})
    assert both.json() == {"totp_required": ["agent", "admin"]}
    try:
        assert _login(live, agent).json()["scope"] == "enrol"
        assert agent.api().get("/settings/security").json() == both.json()
        entry = api.get("/audit", params={"target_kind": "setting"}).json()["items"][0]
        assert entry["before"] == {"totp_required": ["admin"]}
        assert entry["after"] == {"totp_required": ["agent", "admin"]}
    finally:
        api.put("/settings/security", json={"totp_required": ["admin"]})
    assert _login(live, agent).json()["scope"] == "full"
