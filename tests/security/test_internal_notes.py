"""Staff's internal notes never reach a customer: not by any API path, nor by mail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from server.storage.db import db
from tests.security.routes import api_routes
from tests.security.sse import read_until
from tests.support.live import Live, Person, own_server

NOTE = "Internal: customer is on the fraud watch-list, stall them"


@dataclass
class Noted:
    customer: Person
    agent: Person
    number: int


def _note_on_a_ticket(live: Live) -> Noted:
    customer, agent = live.person("customer"), live.person("agent")
    number = (
        customer.api()
        .post("/tickets", json={"subject": "Slow site", "body": "why"})
        .json()["number"]
    )
    reply = agent.api().post(f"/tickets/{number}/messages", json={"body": NOTE, "internal": True})
    assert reply.status_code == 201 and reply.json()["internal"] is True
    agent.api().post(f"/tickets/{number}/messages", json={"body": "Looking into it"})
    return Noted(customer, agent, number)


@pytest.fixture(scope="module")
def noted(live: Live) -> Noted:
    return _note_on_a_ticket(live)


def test_staff_see_the_note_and_the_customer_sees_only_the_public_reply(
    live: Live, noted: Noted
) -> None:
    staff_view = noted.agent.api().get(f"/tickets/{noted.number}/messages").json()
    assert NOTE in [m["body"] for m in staff_view]
    customer_view = noted.customer.api().get(f"/tickets/{noted.number}/messages")
    assert [m["body"] for m in customer_view.json()] == ["Looking into it"]
    assert NOTE not in customer_view.text


def test_no_customer_path_carries_the_note(live: Live, noted: Noted) -> None:
    api = noted.customer.api()
    for path, params in (
        (f"/tickets/{noted.number}", {}),
        (f"/tickets/{noted.number}/events", {}),
        ("/tickets", {"q": "fraud"}),
        ("/tickets", {}),
        ("/events", {"after": "0", "limit": "500"}),
        ("/stats", {}),
    ):
        reply = api.get(path, params=params)
        assert NOTE not in reply.text and "fraud" not in reply.text, path
    events = api.get(f"/tickets/{noted.number}/events").json()
    assert all(not e["internal"] for e in events)


def test_a_customer_cannot_write_an_internal_note(live: Live, noted: Noted) -> None:
    refused = noted.customer.api().post(
        f"/tickets/{noted.number}/messages", json={"body": "hidden?", "internal": True}
    )
    assert refused.status_code == 422
    assert "hidden?" not in noted.agent.api().get(f"/tickets/{noted.number}/messages").text


def test_the_live_stream_never_carries_the_note_to_the_customer(live: Live) -> None:
    if "GET /api/v1/events/stream" not in {r.key for r in api_routes(live.thread.app)}:
        pytest.skip("the live stream is not part of this build")
    scene = _note_on_a_ticket(live)
    public = scene.agent.api().post(f"/tickets/{scene.number}/messages", json={"body": "Done"})
    seen = read_until(
        live.url, scene.customer.token, lambda e: e["changes"].get("message") == public.json()["id"]
    )
    assert seen, "the customer's stream delivered nothing"
    assert all(not e["internal"] for e in seen)
    assert NOTE not in repr(seen)


@pytest.fixture(scope="module")
def mailing(database_url: str) -> Iterator[Live]:
    settings = pytest.importorskip("server.outbox.settings")
    mail = settings.MailSettings(host="127.0.0.1", port=9, security="none", staff=("agents",))
    with own_server(database_url, mail=mail) as server:
        yield server


def test_no_mail_to_a_customer_carries_the_note(mailing: Live) -> None:
    from server.storage.models import Outbox

    scene = _note_on_a_ticket(mailing)
    with db.connection_context():
        rows = list(Outbox.select().where(Outbox.channel == "mail"))
    to_customer = [r for r in rows if r.target == scene.customer.email]
    assert to_customer, "the public reply should have been mailed to the customer"
    assert all(NOTE not in str(r.payload) for r in to_customer)
