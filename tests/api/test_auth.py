"""Signing in and out: tokens are issued, expire, and are revoked."""

from __future__ import annotations

from datetime import timedelta

from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import Token, User
from tests.support.live import Live


def test_a_customer_signs_in_and_sees_their_account(live: Live) -> None:
    alice = live.person("customer")
    with live.anonymous() as anon:
        reply = anon.post(
            "/auth/login", json={"email": alice.email.upper(), "password": alice.password}
        )
    assert reply.status_code == 200
    body = reply.json()
    assert body["token"].startswith("pdc_") and len(body["token"]) >= 40
    assert body["user"]["email"] == alice.email
    me = live.anonymous().get("/me", headers={"Authorization": f"Bearer {body['token']}"}).json()
    assert me["role"] == "customer"
    assert [s["kind"] for s in me["services"]] == ["webhosting"]
    assert me["organization"]["id"] == alice.user.organization_id


def test_the_token_is_stored_only_as_a_hash(live: Live) -> None:
    bob = live.person("agent")
    token = (
        live.anonymous()
        .post("/auth/login", json={"email": bob.email, "password": bob.password})
        .json()["token"]
    )
    with db.connection_context():
        stored = [t.token_hash for t in Token.select().where(Token.user == bob.id)]
    assert token not in stored
    assert all(len(h) == 64 for h in stored)


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(live: Live) -> None:
    carol = live.person("customer")
    with live.anonymous() as anon:
        wrong = anon.post("/auth/login", json={"email": carol.email, "password": "not it at all"})
        unknown = anon.post(
            "/auth/login", json={"email": "nobody@example.com", "password": "not it at all"}
        )
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {"error": {"code": "unauthorized", "message": "wrong email or password"}}
    )


def test_a_deactivated_user_cannot_sign_in_or_use_old_tokens(live: Live) -> None:
    dave = live.person("customer")
    with db.connection_context():
        User.update(active=False).where(User.id == dave.id).execute()
    assert (
        live.anonymous()
        .post("/auth/login", json={"email": dave.email, "password": dave.password})
        .status_code
        == 401
    )
    assert dave.api().get("/me").status_code == 401


def test_logout_revokes_the_token_at_once(live: Live) -> None:
    erin = live.person("customer")
    api = erin.api()
    assert api.get("/me").status_code == 200
    assert api.post("/auth/logout").status_code == 204
    refused = api.get("/me")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"


def test_an_expired_token_is_refused(live: Live) -> None:
    frank = live.person("customer")
    with db.connection_context():
        Token.update(expires_at=utcnow() - timedelta(seconds=1)).where(
            Token.user == frank.id
        ).execute()
    assert frank.api().get("/me").status_code == 401


def test_no_token_or_garbage_is_a_401_with_a_bearer_challenge(live: Live) -> None:
    anon = live.anonymous()
    missing = anon.get("/tickets")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert anon.get("/tickets", headers={"Authorization": "Bearer pdc_nonsense"}).status_code == 401
    assert anon.get("/tickets", headers={"Authorization": "Basic Zm9vOmJhcg=="}).status_code == 401


def test_a_login_with_old_hash_parameters_is_rehashed(live: Live) -> None:
    from argon2 import PasswordHasher

    gina = live.person("customer")
    old = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(gina.password)
    with db.connection_context():
        User.update(password_hash=old).where(User.id == gina.id).execute()
    assert (
        live.anonymous()
        .post("/auth/login", json={"email": gina.email, "password": gina.password})
        .status_code
        == 200
    )
    with db.connection_context():
        new = User.get_by_id(gina.id).password_hash
    assert new != old and "m=8192" in new
