"""A retried create returns the first ticket instead of filing a second one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from server.db import db
from server.models import Ticket
from tests.api.tickets_support import counts
from tests.support.live import Live

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
        reply = api.post("/tickets", json=REQUEST, headers={"Idempotency-Key": bad.encode()})
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
