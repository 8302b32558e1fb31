"""One ticket, one JSON: GET, the list, the live stream and the webhook write the same bytes.

An agent's tool that shows the ticket from GET, updates it from the stream and
logs it from a webhook must never see two versions of the same state (a time
written two ways, a field missing from one). The writer is server/reads/ticket_read.py;
this story reads the ticket every way there is and compares bytes, not parsed values.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from server.http.schemas import TicketOut
from tests.live.receiver import QUICK_RETRIES, Receiver
from tests.security.sse import read_data_until
from tests.support.live import Live, Person, own_server

HOOK = "/hooks/log"


@pytest.fixture(scope="module")
def receiver(database_url: str) -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def helpdesk(database_url: str, receiver: Receiver) -> Iterator[Live]:
    hooks = receiver.hooks(HOOK, ("created", "assigned", "replied"), "a webhook secret")
    with own_server(database_url, webhooks=hooks, outbox=QUICK_RETRIES) as world:
        yield world


def _ticket_worked_on(helpdesk: Live) -> tuple[Person, Person, int]:
    """A customer files (in words a JSON writer could spell two ways), an agent takes it and
    replies; returns (agent, customer, ticket number)."""
    customer = helpdesk.person("customer")
    agent = helpdesk.person("agent")
    filed = customer.api().post(
        "/tickets",
        json={
            "subject": 'Serveur en panne — ça « brûle » ☃ "quoted" \\ back',
            "body": "Line one\nline two\ttabbed, \u2028separated, ünïcödé",
            "priority": "high",
            "service": None,
        },
    )
    assert filed.status_code == 201, filed.text
    number = int(filed.json()["number"])
    api = agent.api()
    api.patch(
        f"/tickets/{number}", json={"assignee": agent.id}, headers={"If-Match": '"1"'}
    ).raise_for_status()
    tagged = api.post(f"/tickets/{number}/tags", json={"add": ["outage", "fra1"]})
    assert tagged.status_code == 200, tagged.text  # staff-only tags: in the staff's bytes only
    api.post(f"/tickets/{number}/messages", json={"body": "On it."}).raise_for_status()
    return agent, customer, number


def _get(person: Person, number: int) -> bytes:
    response = person.api().get(f"/tickets/{number}")
    assert response.status_code == 200, response.text
    return response.content


def _in_list(person: Person, body: bytes) -> bool:
    listed = person.api().get("/tickets", params={"sort": "-updated", "limit": 100})
    assert listed.status_code == 200, listed.text
    return body in listed.content


def _stream_tickets(person: Person, number: int) -> list[str]:
    """The ``ticket_now`` of each of the ticket's events on ``person``'s stream, as sent."""
    before = json.loads(_get(person, number))  # the state the stream's events now carry
    data = read_data_until(
        person.base_url,
        person.token,
        lambda e: e["ticket"] == number and e["kind"] == "replied",
    )
    mine = [d for d in data if json.loads(d)["ticket"] == number]
    assert mine, f"no event of #{number} on the stream"
    found = []
    for line in mine:
        start = line.index('"ticket_now":') + len('"ticket_now":')
        _, end = json.JSONDecoder().raw_decode(line, start)  # whatever field follows it
        found.append(line[start:end])
    assert json.loads(found[-1]) == before
    return found


def _webhook_ticket(receiver: Receiver, number: int) -> bytes:
    """The ticket of the newest webhook about ``number`` (the reply), as it was posted."""
    deadline = time.monotonic() + 15
    while True:
        posted = [
            r.body
            for r in receiver.at(HOOK)
            if json.loads(r.body)["ticket"]["number"] == number
            and json.loads(r.body)["event"]["kind"] == "replied"
        ]
        if posted:
            return posted[-1]
        assert time.monotonic() < deadline, "the reply's webhook never came"
        time.sleep(0.05)


def _items(page: Any) -> list[Any]:
    """The rows of a list answer, paged (``items``) or plain."""
    return list(page["items"] if isinstance(page, dict) else page)


def test_get_the_list_the_stream_and_the_webhook_write_the_ticket_byte_for_byte(
    helpdesk: Live, receiver: Receiver
) -> None:
    agent, customer, number = _ticket_worked_on(helpdesk)

    staff_view = _get(agent, number)
    assert _in_list(agent, staff_view)
    assert all(t.encode() == staff_view for t in _stream_tickets(agent, number))
    # webhooks go to the operator's own tools: the staff view, as the reply left it
    assert b'"ticket":' + staff_view + b"," in _webhook_ticket(receiver, number)

    # and its event and message are what the history and the conversation show staff
    posted = json.loads(_webhook_ticket(receiver, number))
    history = agent.api().get(f"/tickets/{number}/events").json()
    conversation = agent.api().get(f"/tickets/{number}/messages").json()
    assert posted["event"] in _items(history)
    assert posted["message"] == _items(conversation)[-1]

    customer_view = _get(customer, number)
    assert customer_view != staff_view  # the agent's address is not the customer's to see
    assert _in_list(customer, customer_view)
    assert all(t.encode() == customer_view for t in _stream_tickets(customer, number))


def test_the_documented_shape_is_the_written_one(helpdesk: Live) -> None:
    """TicketOut (the OpenAPI document) reads back exactly what the writer wrote."""
    agent, customer, number = _ticket_worked_on(helpdesk)
    for person in (agent, customer):
        written = json.loads(_get(person, number))
        shown = TicketOut.model_validate(written).model_dump(mode="json", exclude_unset=True)
        assert shown == written
        assert ("tags" in written) == (person is agent)  # tags are staff-only
