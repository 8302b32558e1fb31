"""A retried write (create, reply, change, close, delete) answers as the first one did.

The client lost the first answer (a cut, a 503 after the commit) and sends the
same request with the same Idempotency-Key: nothing is written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from server.storage.db import db
from server.storage.models import Ticket
from tests.api.tickets_support import counts
from tests.support.live import Live
from tests.support.tickets import file_ticket

REQUEST = {"subject": "Backup failed", "body": "The nightly backup mail says FAILED."}


def _tickets_of(user_id: int) -> int:
    with db.connection_context():
        return Ticket.select().where(Ticket.requester == user_id).count()


def test_a_retry_with_the_same_key_returns_the_same_ticket(live: Live) -> None:
    api = live.person("customer").api()
    first = api.post("/tickets", json=REQUEST, headers={"Idempotency-Key": "retry-1"})
    before = counts()
    again = api.post("/tickets", json=REQUEST, headers={"Idempotency-Key": "retry-1"})
    assert first.status_code == again.status_code == 201
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert counts() == before


def test_the_same_key_with_a_different_body_is_refused(live: Live) -> None:
    api = live.person("customer").api()
    api.post("/tickets", json=REQUEST, headers={"Idempotency-Key": "k"}).raise_for_status()
    before = counts()
    other = api.post(
        "/tickets", json=dict(REQUEST, priority="urgent"), headers={"Idempotency-Key": "k"}
    )
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["error"]["message"]
    assert counts() == before


def test_keys_belong_to_one_user(live: Live) -> None:
    org = live.organization()
    ann, ben = live.person("customer", org=org), live.person("customer", org=org)
    mine = ann.api().post("/tickets", json=REQUEST, headers={"Idempotency-Key": "shared"})
    theirs = ben.api().post("/tickets", json=REQUEST, headers={"Idempotency-Key": "shared"})
    assert theirs.status_code == 201 and "idempotent-replayed" not in theirs.headers
    assert theirs.json()["number"] != mine.json()["number"]
    assert theirs.json()["requester"]["id"] == ben.id


def test_a_malformed_key_is_refused(live: Live) -> None:
    api = live.person("customer").api()
    before = counts()
    for bad in ("with space", "x" * 201, "ümlaut"):
        reply = api.post("/tickets", json=REQUEST, headers={b"Idempotency-Key": bad.encode()})
        assert reply.status_code in (400, 422), bad
    assert counts() == before


def test_eight_simultaneous_retries_file_exactly_one_ticket(live: Live) -> None:
    carla = live.person("customer")
    clients = [carla.api() for _ in range(8)]
    for attempt in range(3):  # a few rounds make the race likelier to be hit
        key = {"Idempotency-Key": f"storm-{attempt}"}
        with ThreadPoolExecutor(max_workers=8) as pool:
            replies = list(
                pool.map(lambda c, k=key: c.post("/tickets", json=REQUEST, headers=k), clients)
            )
        assert [r.status_code for r in replies] == [201] * 8, [r.text for r in replies]
        assert len({r.json()["number"] for r in replies}) == 1
        assert sum("idempotent-replayed" not in r.headers for r in replies) == 1
    assert _tickets_of(carla.id) == 3
    # the server's connections are still healthy after the losers' unique-index errors
    assert clients[0].post("/tickets", json=REQUEST).status_code == 201
    assert _tickets_of(carla.id) == 4


def _ticket(api: httpx.Client) -> dict[str, Any]:
    return file_ticket(api, **REQUEST)


def _twice(send: Callable[[], httpx.Response]) -> tuple[httpx.Response, httpx.Response]:
    """A write and its retry (the answer to the first was "lost"); nothing may change between."""
    first = send()
    before = counts()
    again = send()
    assert counts() == before
    return first, again


def test_a_retried_reply_is_stored_once(live: Live) -> None:
    api = live.person("customer").api()
    number = _ticket(api)["number"]
    key = {"Idempotency-Key": "reply-1"}
    first, again = _twice(
        lambda: api.post(f"/tickets/{number}/messages", json={"body": "Still down"}, headers=key)
    )
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert [m["body"] for m in api.get(f"/tickets/{number}/messages").json()] == ["Still down"]


@pytest.mark.parametrize("change", [{"priority": "urgent"}, {"status": "closed"}])
def test_a_retried_change_answers_as_the_first_time_instead_of_412(
    live: Live, change: dict[str, str]
) -> None:
    api = live.person("customer").api()
    ticket = _ticket(api)
    number = ticket["number"]
    headers = {"If-Match": f'"{ticket["version"]}"', "Idempotency-Key": f"change-{number}"}
    first, again = _twice(lambda: api.patch(f"/tickets/{number}", json=change, headers=headers))
    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json()
    assert again.headers["etag"] == first.headers["etag"] == f'"{ticket["version"] + 1}"'
    assert api.get(f"/tickets/{number}").json()["version"] == ticket["version"] + 1
    without_key = api.patch(
        f"/tickets/{number}", json=change, headers={"If-Match": headers["If-Match"]}
    )
    assert without_key.status_code == 412  # what a retry without the key meets


def test_a_retried_delete_answers_204_not_404(live: Live) -> None:
    api = live.person("customer").api()
    number = _ticket(api)["number"]
    key = {"Idempotency-Key": "delete-1"}
    first, again = _twice(lambda: api.delete(f"/tickets/{number}", headers=key))
    assert first.status_code == again.status_code == 204
    assert again.headers["idempotent-replayed"] == "true"
    assert api.delete(f"/tickets/{number}").status_code == 404  # gone for the customer


def test_the_same_key_for_another_write_is_refused(live: Live) -> None:
    api = live.person("customer").api()
    ticket = _ticket(api)
    number, version = ticket["number"], ticket["version"]
    key = {"Idempotency-Key": "once"}
    api.post(f"/tickets/{number}/messages", json={"body": "a"}, headers=key).raise_for_status()
    before = counts()
    other_body = api.post(f"/tickets/{number}/messages", json={"body": "b"}, headers=key)
    other_route = api.patch(
        f"/tickets/{number}", json={"priority": "low"}, headers={**key, "If-Match": f'"{version}"'}
    )
    assert other_body.status_code == other_route.status_code == 422
    assert "Idempotency-Key" in other_route.json()["error"]["message"]
    assert counts() == before
    assert api.get(f"/tickets/{number}").json()["priority"] == "normal"
