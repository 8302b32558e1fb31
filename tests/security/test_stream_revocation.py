"""Revocation is immediate, for open event streams too, on every server process.

An agent demoted to customer kept receiving internal notes on a stream opened
before, for up to a minute; so did a signed-out, deactivated or moved account.
Here the stream is held by server A and the change is made through server B:
the stream ends at once and carries no event committed after the change.
"""

from __future__ import annotations

import os
import queue
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import httpx
import pytest

from server.helpdesk.tokens import issue
from server.storage.db import db
from server.storage.models import User
from tests.faults.seed import customer_token
from tests.live.sse import StreamReader
from tests.live.two_servers import api, two_servers
from tests.support.operator import run_server_command
from tests.support.process import ServerProcess

Pair = tuple[ServerProcess, ServerProcess]


@pytest.fixture(scope="module")
def pair(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    with two_servers(database_url, tmp_path_factory.mktemp("pair")) as servers:
        yield servers


@pytest.fixture(scope="module")
def admin(pair: Pair, database_url: str) -> Iterator[httpx.Client]:
    """An administrator working through server B."""
    with api(pair[1], customer_token(database_url, role="admin")) as client:
        yield client


def _id(server: ServerProcess, token: str) -> int:
    with api(server, token) as client:
        return int(client.get("/me").json()["id"])


def _organization(admin: httpx.Client, name: str) -> int:
    reply = admin.post("/organizations", json={"name": name, "customer_number": name[-24:]})
    assert reply.status_code == 201, reply.text
    return int(reply.json()["id"])


def _logout(admin: httpx.Client, b: ServerProcess, token: str, user_id: int) -> None:
    with api(b, token) as own:
        assert own.post("/auth/logout").status_code == 204


def _deactivate(admin: httpx.Client, b: ServerProcess, token: str, user_id: int) -> None:
    assert admin.patch(f"/users/{user_id}", json={"active": False}).status_code == 200


def _demote(admin: httpx.Client, b: ServerProcess, token: str, user_id: int) -> None:
    org = _organization(admin, f"Demoted U{user_id}")
    change = {"role": "customer", "organization": org}
    assert admin.patch(f"/users/{user_id}", json=change).status_code == 200


def _move(admin: httpx.Client, b: ServerProcess, token: str, user_id: int) -> None:
    org = _organization(admin, f"New home U{user_id}")
    assert admin.patch(f"/users/{user_id}", json={"organization": org}).status_code == 200


def _reset_totp(admin: httpx.Client, b: ServerProcess, token: str, user_id: int) -> None:
    assert admin.post(f"/users/{user_id}/reset-totp").status_code == 204


def _signed_out_everywhere(admin: httpx.Client, b: ServerProcess, token: str, user_id: int) -> None:
    assert admin.post(f"/users/{user_id}/revoke-tokens").status_code == 204


def _operator_disables(admin: httpx.Client, b: ServerProcess, token: str, user_id: int) -> None:
    """``padcom-server user disable`` at the host: a third process, no HTTP at all."""
    env = dict(os.environ, PADCOM_DATABASE_URL=b.database_url or "")
    done = run_server_command(env, "user", "disable", str(user_id))
    assert done.returncode == 0, done.stderr


def _operator_demotes(admin: httpx.Client, b: ServerProcess, token: str, user_id: int) -> None:
    org = _organization(admin, f"Operator demoted U{user_id}")
    env = dict(os.environ, PADCOM_DATABASE_URL=b.database_url or "")
    done = run_server_command(
        env, "user", "edit", str(user_id), "--role", "customer", "--org", str(org)
    )
    assert done.returncode == 0, done.stderr


Change = Callable[[httpx.Client, ServerProcess, str, int], None]
CHANGES: list[tuple[str, str, Change]] = [
    ("agent", "signs out", _logout),
    ("agent", "is deactivated", _deactivate),
    ("agent", "is demoted to customer", _demote),
    ("customer", "signs out", _logout),
    ("customer", "is moved to another organization", _move),
    ("agent", "has their second factor reset", _reset_totp),
    ("customer", "is signed out everywhere", _signed_out_everywhere),
    ("agent", "is deactivated by the operator", _operator_disables),
    ("agent", "is demoted by the operator", _operator_demotes),
]


@pytest.mark.parametrize(
    ("role", "what", "change"), CHANGES, ids=[f"{c[0]} {c[1]}" for c in CHANGES]
)
def test_the_stream_ends_at_once_and_hears_nothing_after_the_change(
    pair: Pair, admin: httpx.Client, database_url: str, role: str, what: str, change: Change
) -> None:
    a, b = pair
    token = customer_token(database_url, role=role)
    requester = token if role == "customer" else customer_token(database_url)
    with api(b, requester) as filer:
        number = filer.post("/tickets", json={"subject": "Backups fail", "body": "-"}).json()[
            "number"
        ]
    stream = StreamReader(a.url, token)
    try:
        admin.post(f"/tickets/{number}/messages", json={"body": "Looking into it."})
        assert stream.next(timeout=15)["ticket"] == number  # the stream is live

        change(admin, b, token, _id(b, token))
        mark = admin.get("/events/latest").json()["id"]
        admin.post(
            f"/tickets/{number}/messages",
            json={"body": "Their backup server is on our blocklist.", "internal": True},
        )
        admin.post(f"/tickets/{number}/messages", json={"body": "We found the cause."})

        assert stream.ended.wait(15), f"the stream stayed open after the user {what}"
        later = []
        while True:
            try:
                item = stream.received.get_nowait()
            except queue.Empty:
                break
            if not isinstance(item, Exception) and item.data:
                later.append(int(item.id))
        assert all(event_id <= mark for event_id in later), later
    finally:
        stream.close()


def test_a_stream_ends_when_its_token_expires(pair: Pair, database_url: str) -> None:
    customer_token(database_url, role="agent")  # binds this process to the database
    with db.connection_context(), db.atomic():
        agent = User.create(
            email=f"expiring.{uuid.uuid4().hex[:8]}@example.com",
            name="Short-lived",
            role="agent",
            password_hash="-",
        )
        token, _ = issue(agent, timedelta(seconds=2), "expires soon")
    stream = StreamReader(pair[0].url, token)
    try:
        assert stream.status == 200
        assert stream.ended.wait(15), "the stream outlived its token"
    finally:
        stream.close()
