"""Signed webhooks to a receiver on loopback: verify, retry after a 500, refuse what is not allowed."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import pytest

from server.outbox.settings import OutboxSettings, WebhookSettings
from server.outbox.worker import REFUSED
from server.storage.db import db
from server.storage.models import Event, Outbox
from tests.live.receiver import Received, Receiver
from tests.support.live import Live, own_server
from tests.support.tickets import file_number

SECRET = "correct-horse-webhook-secret"
CHAT, FLAKY, INTERNAL = "/hooks/chat", "/hooks/pager", "/internal/metadata"


@pytest.fixture(scope="module")
def receiver(database_url: str) -> Iterator[Receiver]:
    """A fresh receiver per database, as ticket numbers start at 1 on each."""
    server = Receiver(flaky_paths=(FLAKY,)).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def helpdesk(database_url: str, receiver: Receiver) -> Iterator[Live]:
    """Webhooks to chat, a flaky pager, and an internal URL the allow-list does not name."""
    hooks = WebhookSettings(
        urls=(receiver.base + CHAT, receiver.base + FLAKY, receiver.base + INTERNAL),
        events=("created", "replied"),
        secret=SECRET,
        allow=(receiver.base + "/hooks/",),
    )
    retries = OutboxSettings(first_retry_seconds=0.1, max_retry_seconds=0.3, poll_seconds=0.2)
    with own_server(database_url, webhooks=hooks, outbox=retries) as world:
        yield world


def _deliveries(number: int) -> list[Outbox]:
    with db.connection_context():
        events = Event.select(Event.id).where(Event.ticket == number)
        return list(Outbox.select().where(Outbox.event_id.in_(events)).order_by(Outbox.id))


def _for(receiver: Receiver, path: str, number: int) -> list[Received]:
    return [r for r in receiver.at(path) if json.loads(r.body)["ticket"]["number"] == number]


def _settled(number: int) -> None:
    deadline = time.monotonic() + 15
    while any(row.state == "pending" for row in _deliveries(number)):
        assert time.monotonic() < deadline, "deliveries still pending"
        time.sleep(0.05)


def test_a_new_ticket_is_posted_signed_so_the_receiver_can_verify_it(
    helpdesk: Live, receiver: Receiver
) -> None:
    customer = helpdesk.person("customer")
    number = file_number(customer, "RAID degraded on db02")
    _settled(number)
    (request,) = _for(receiver, CHAT, number)

    timestamp = request.headers["X-Padcom-Timestamp"]
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256)
    assert hmac.compare_digest(
        request.headers["X-Padcom-Signature"], "sha256=" + expected.hexdigest()
    )
    assert abs(time.time() - int(timestamp)) < 300
    payload = json.loads(request.body)
    assert payload["event"]["kind"] == "created"
    assert payload["ticket"]["subject"] == "RAID degraded on db02"
    assert request.headers["X-Padcom-Event"] == "created"

    forged = hmac.new(b"wrong secret", timestamp.encode() + b"." + request.body, hashlib.sha256)
    assert request.headers["X-Padcom-Signature"] != "sha256=" + forged.hexdigest()


def test_a_receiver_answering_500_gets_the_same_delivery_again(
    helpdesk: Live, receiver: Receiver
) -> None:
    customer = helpdesk.person("customer")
    number = file_number(customer, "Pager test")
    _settled(number)

    failed, retried = _for(receiver, FLAKY, number)
    assert (failed.answered, retried.answered) == (500, 200)
    assert failed.headers["X-Padcom-Delivery"] == retried.headers["X-Padcom-Delivery"]
    assert json.loads(failed.body) == json.loads(retried.body)
    pager_row = next(r for r in _deliveries(number) if r.target.endswith(FLAKY))
    assert (pager_row.state, pager_row.attempts) == ("sent", 2)
    assert len(_for(receiver, CHAT, number)) == 1  # the healthy target got it once


def test_a_target_not_on_the_allow_list_is_refused(helpdesk: Live, receiver: Receiver) -> None:
    customer = helpdesk.person("customer")
    number = file_number(customer, "Try to reach the metadata service")
    _settled(number)

    assert receiver.at(INTERNAL) == []
    refused = next(r for r in _deliveries(number) if r.target.endswith(INTERNAL))
    assert (refused.state, refused.last_error) == ("failed", REFUSED)
    assert len(_for(receiver, CHAT, number)) == 1


def test_only_chosen_event_kinds_are_sent(helpdesk: Live, receiver: Receiver) -> None:
    customer = helpdesk.person("customer")
    agent = helpdesk.person("agent")
    number = file_number(customer, "Kinds")
    api = agent.api()
    version = api.get(f"/tickets/{number}").json()["version"]
    api.patch(f"/tickets/{number}", json={"priority": "high"}, headers={"If-Match": f'"{version}"'})
    api.post(f"/tickets/{number}/messages", json={"body": "On it."})
    _settled(number)
    kinds = [json.loads(r.body)["event"]["kind"] for r in _for(receiver, CHAT, number)]
    assert kinds == ["created", "replied"]  # "updated" was not chosen


def test_incident_kinds_are_refused_for_webhooks_and_not_sent_by_default() -> None:
    """A webhook carries a ticket; an incident's events have none (they are on the stream):
    naming one is an error at start-up, not a setting that silently sends nothing."""
    with pytest.raises(ValueError, match="incident_declared"):
        WebhookSettings(events=("created", "incident_declared"))
    assert not [k for k in WebhookSettings().events if k.startswith("incident_")]
    assert "created" in WebhookSettings().events
