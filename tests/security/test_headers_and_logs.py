"""What every response carries, and what the logs never say."""

from __future__ import annotations

import json
import logging

import pytest

from server.http.access_log import JsonFormatter
from tests.support.live import Live

EXPECTED = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def test_every_kind_of_answer_carries_the_security_headers(live: Live) -> None:
    alice = live.person("customer")
    api = alice.api()
    answers = [
        api.get("/me"),
        api.get("/tickets/999999"),
        live.anonymous().get("/tickets"),
        api.post("/tickets", content=b"x" * (live.settings.max_request_bytes + 1)),
        live.anonymous().post(
            "/auth/login", json={"email": alice.email, "password": alice.password}
        ),
    ]
    assert [a.status_code for a in answers] == [200, 404, 401, 413, 200]
    for answer in answers:
        for name, value in EXPECTED.items():
            assert answer.headers[name] == value, (answer.request.url, name)
        assert "strict-transport-security" not in answer.headers  # plain HTTP: no HSTS


def test_a_token_in_the_query_string_is_refused_and_never_logged(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    bob = live.person("customer")
    with caplog.at_level(logging.INFO, logger="padcom.access"):
        refused = live.anonymous().get("/tickets", params={"access_token": bob.token})
    assert refused.status_code == 400
    assert "Authorization header" in refused.json()["error"]["message"]
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "padcom.access"]
    assert any('"query": ["access_token"]' in line for line in lines)
    assert not any(bob.token in line for line in lines)


def test_a_password_or_token_never_reaches_any_log(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    carol = live.person("customer")
    with caplog.at_level(logging.DEBUG):
        token = (
            live.anonymous()
            .post("/auth/login", json={"email": carol.email, "password": carol.password})
            .json()["token"]
        )
        live.anonymous().post("/auth/login", json={"email": carol.email, "password": "wrong-one"})
        live.anonymous().get("/me", headers={"Authorization": f"Bearer {token}"})
    text = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "padcom.access" in text
    for secret in (carol.password, "wrong-one", token, carol.token):
        assert secret not in text


def test_user_text_cannot_forge_a_log_line() -> None:
    hostile = 'ticket\n{"level": "error", "message": "admin logged in"}\r\x1b[2J'
    record = logging.makeLogRecord(
        {"name": "padcom.server", "levelname": "INFO", "msg": "created %s", "args": (hostile,)}
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert json.loads(line)["message"] == f"created {hostile}"


def test_the_access_log_names_the_peer_not_a_forged_forwarded_for(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.support.live import own_server

    with (
        own_server(live.settings.database_url) as server,
        caplog.at_level(logging.INFO, logger="padcom.access"),
    ):
        server.anonymous().get("/me", headers={"X-Forwarded-For": "10.9.8.7"})
    clients = {r.__dict__["client"] for r in caplog.records if r.name == "padcom.access"}
    assert clients == {"127.0.0.1"}
