"""Presence: an agent sees that a colleague is viewing a ticket or writing a reply, and the
customer never learns of it.

``POST /tickets/{n}/presence`` announces it as an internal event on the stream
(staff only), across server processes too; it holds 30 s unless renewed, and
``left`` ends it. Nothing of the ticket changes and its history leaves it out.
``GET /tickets/{n}/presence`` says who is there now, for a screen that opens.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest

from tests.faults.seed import customer_token
from tests.live.sse import StreamReader
from tests.live.two_servers import api, two_servers
from tests.support.live import Live
from tests.support.process import ServerProcess
from tests.support.tickets import file_ticket


def test_a_colleague_writing_is_announced_to_staff_and_never_to_the_customer(live: Live) -> None:
    customer = live.person("customer")
    kim, lee = live.person("agent"), live.person("agent")
    ticket = file_ticket(customer, "Site down", "since noon")
    number = ticket["number"]
    staff_stream = StreamReader(live.url, lee.token)
    customer_stream = StreamReader(live.url, customer.token)
    try:
        seen = kim.api().post(f"/tickets/{number}/presence", json={"state": "viewing"})
        assert seen.status_code == 200, seen.text
        assert seen.json()["state"] == "viewing" and seen.json()["others"] == []
        writing = kim.api().post(f"/tickets/{number}/presence", json={"state": "writing"})
        assert writing.status_code == 200, writing.text

        first, second = staff_stream.next(), staff_stream.next()
        assert [first["kind"], second["kind"]] == ["presence", "presence"]
        assert second["changes"]["state"] == "writing"
        assert second["actor"]["id"] == kim.id and second["internal"] is True
        assert second["changes"]["expires_at"] == writing.json()["expires_at"]

        lee_looks = lee.api().post(f"/tickets/{number}/presence", json={"state": "viewing"})
        others = lee_looks.json()["others"]
        assert [(o["user"]["id"], o["state"]) for o in others] == [(kim.id, "writing")]

        customer.api().post(f"/tickets/{number}/messages", json={"body": "hello?"})
        assert customer_stream.next()["kind"] == "replied"  # the customer's own reply, nothing else
        with pytest.raises(queue.Empty):
            customer_stream.next(timeout=1)
    finally:
        staff_stream.close()
        customer_stream.close()

    now = customer.api().get(f"/tickets/{number}").json()
    assert now["version"] == 2  # the customer's reply; presence changed nothing
    history = kim.api().get(f"/tickets/{number}/events").json()
    assert "presence" not in [event["kind"] for event in history]
    customer_events = customer.api().get("/events").json()["items"]
    assert "presence" not in [event["kind"] for event in customer_events]


def test_left_ends_it_and_bad_requests_change_nothing(live: Live) -> None:
    customer = live.person("customer")
    kim, lee = live.person("agent"), live.person("agent")
    number = file_ticket(customer)["number"]
    kim.api().post(f"/tickets/{number}/presence", json={"state": "writing"}).raise_for_status()
    gone = kim.api().post(f"/tickets/{number}/presence", json={"state": "left"})
    assert gone.status_code == 200
    assert (
        lee.api().post(f"/tickets/{number}/presence", json={"state": "viewing"}).json()["others"]
        == []
    )
    for body in ({"state": "typing"}, {}, {"state": "viewing", "extra": 1}, {"state": 3}):
        refused = kim.api().post(f"/tickets/{number}/presence", json=body)
        assert refused.status_code == 422, body
    assert kim.api().post("/tickets/999999/presence", json={"state": "viewing"}).status_code == 404
    as_customer = customer.api().post(f"/tickets/{number}/presence", json={"state": "viewing"})
    assert as_customer.status_code == 403


def test_a_staff_member_opening_a_ticket_asks_who_is_on_it(live: Live) -> None:
    customer = live.person("customer")
    kim, lee, sam = live.person("agent"), live.person("agent"), live.person("agent")
    number = file_ticket(customer)["number"]
    other = file_ticket(customer)["number"]
    assert sam.api().get(f"/tickets/{number}/presence").json() == {"ticket": number, "present": []}
    kim.api().post(f"/tickets/{number}/presence", json={"state": "writing"}).raise_for_status()
    lee.api().post(f"/tickets/{number}/presence", json={"state": "viewing"}).raise_for_status()
    lee.api().post(f"/tickets/{other}/presence", json={"state": "viewing"}).raise_for_status()

    asked = sam.api().get(f"/tickets/{number}/presence")
    assert asked.status_code == 200, asked.text
    present = asked.json()["present"]
    assert [(p["user"]["id"], p["user"]["name"], p["state"]) for p in present] == [
        (kim.id, kim.user.name, "writing"),
        (lee.id, lee.user.name, "viewing"),
    ]
    assert all(p["expires_at"].endswith("Z") for p in present)
    mine = kim.api().get(f"/tickets/{number}/presence").json()["present"]
    assert kim.id in [p["user"]["id"] for p in mine]  # everyone, the one asking too
    kim.api().post(f"/tickets/{number}/presence", json={"state": "left"}).raise_for_status()
    still = sam.api().get(f"/tickets/{number}/presence").json()["present"]
    assert [p["user"]["id"] for p in still] == [lee.id]
    history = sam.api().get("/events?after=0&limit=100").json()["items"]
    asked_again = [e for e in history if e["kind"] == "presence" and e["actor"]["id"] == sam.id]
    assert asked_again == []  # asking announces nothing


def test_only_staff_ask_who_is_on_a_ticket(live: Live) -> None:
    customer, kim = live.person("customer"), live.person("agent")
    number = file_ticket(customer)["number"]
    kim.api().post(f"/tickets/{number}/presence", json={"state": "writing"}).raise_for_status()
    as_customer = customer.api().get(f"/tickets/{number}/presence")
    assert as_customer.status_code == 403
    assert kim.user.name not in as_customer.text
    assert kim.api().get("/tickets/999999/presence").status_code == 404


@pytest.fixture(scope="module")
def pair(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with two_servers(database_url, tmp_path_factory.mktemp("pair")) as servers:
        yield servers


def test_presence_on_one_server_reaches_a_colleague_on_the_other(
    pair: tuple[ServerProcess, ServerProcess], database_url: str
) -> None:
    a, b = pair
    kim, lee = customer_token(database_url, role="agent"), customer_token(database_url, "agent")
    customer = customer_token(database_url)
    with api(b, customer) as client:
        number = file_ticket(client)["number"]
    stream = StreamReader(a.url, lee)
    try:
        with api(b, kim) as client:
            client.post(f"/tickets/{number}/presence", json={"state": "writing"}).raise_for_status()
        event = stream.next(timeout=15)
        assert (event["kind"], event["ticket"], event["changes"]["state"]) == (
            "presence",
            number,
            "writing",
        )
    finally:
        stream.close()
