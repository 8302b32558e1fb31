"""Changing a password: the old one is needed, weak ones are refused, other sessions end."""

from __future__ import annotations

import pytest

from tests.support.live import Live

NEW = "violet-anchor-tundra-41"


def test_a_new_password_signs_out_every_other_session_but_this_one(live: Live) -> None:
    alice = live.person("customer")
    laptop, phone = alice.api(), live.anonymous()
    phone_token = laptop.post(
        "/auth/login", json={"email": alice.email, "password": alice.password}
    ).json()["token"]
    phone.headers["Authorization"] = f"Bearer {phone_token}"
    changed = laptop.post(
        "/me/password", json={"current_password": alice.password, "new_password": NEW}
    )
    assert changed.status_code == 204
    assert laptop.get("/me").status_code == 200
    assert phone.get("/me").status_code == 401
    with live.anonymous() as anon:
        old = anon.post("/auth/login", json={"email": alice.email, "password": alice.password})
        new = anon.post("/auth/login", json={"email": alice.email, "password": NEW})
    assert (old.status_code, new.status_code) == (401, 200)


def test_a_stolen_token_alone_cannot_change_the_password(live: Live) -> None:
    bob = live.person("customer")
    refused = bob.api().post(
        "/me/password", json={"current_password": "a guess of the thief", "new_password": NEW}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "the current password is wrong"
    with live.anonymous() as anon:
        assert (
            anon.post(
                "/auth/login", json={"email": bob.email, "password": bob.password}
            ).status_code
            == 200
        )


@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("short1!", "at least 12 characters"),
        ("password1234", "too well known"),
        ("Password2024!!", "too well known"),
        ("qwertyuiopasdf", "too well known"),
        ("aaaaaaaaaaaaaaaa", "too well known"),
        ("123456789012345", "too well known"),
        ("correct horse battery staple", "too well known"),
    ],
)
def test_weak_passwords_are_refused_and_the_old_one_stays(
    live: Live, weak: str, reason: str
) -> None:
    carol = live.person("customer")
    refused = carol.api().post(
        "/me/password", json={"current_password": carol.password, "new_password": weak}
    )
    assert refused.status_code == 422
    assert reason in refused.json()["error"]["message"]
    with live.anonymous() as anon:
        ok = anon.post("/auth/login", json={"email": carol.email, "password": carol.password})
    assert ok.status_code == 200


def test_the_password_may_not_contain_the_email(live: Live) -> None:
    dave = live.person("agent")
    local = dave.email.split("@")[0]
    refused = dave.api().post(
        "/me/password", json={"current_password": dave.password, "new_password": f"{local}-xyz-77"}
    )
    assert refused.status_code == 422


def test_an_admin_signs_a_user_out_everywhere(live: Live) -> None:
    admin, erin = live.person("admin"), live.person("customer")
    assert erin.api().get("/me").status_code == 200
    assert admin.api().post(f"/users/{erin.id}/revoke-tokens").status_code == 204
    assert erin.api().get("/me").status_code == 401
