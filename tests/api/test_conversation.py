"""Replies, internal notes, status changes and deletion, as each side sees them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.tickets_support import counts, event_kinds, stored
from tests.support.live import Live
from tests.support.tickets import file_ticket


def _patch(api: httpx.Client, number: int, **fields: object) -> dict[str, Any]:
    """Change a ticket at its current version, failing loudly unless it works."""
    version = api.get(f"/tickets/{number}").json()["version"]
    reply = api.patch(f"/tickets/{number}", json=fields, headers={"If-Match": f'"{version}"'})
    assert reply.status_code == 200, reply.text
    ticket: dict[str, Any] = reply.json()
    return ticket


def test_internal_notes_never_reach_the_customer(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_ticket(customer.api(), "Hacked?")["number"]
    staff = agent.api()
    note = staff.post(
        f"/tickets/{number}/messages", json={"body": "IP 10.0.0.1 is ours", "internal": True}
    )
    assert note.status_code == 201 and note.json()["internal"] is True
    staff.post(f"/tickets/{number}/messages", json={"body": "We are on it."}).raise_for_status()
    mine = customer.api()
    bodies = [m["body"] for m in mine.get(f"/tickets/{number}/messages").json()]
    assert bodies == ["We are on it."]
    history = mine.get(f"/tickets/{number}/events").json()
    assert [e["kind"] for e in history] == ["created", "replied"]
    stream = mine.get("/events").json()["items"]
    assert all(not e["internal"] for e in stream) and "note" not in {e["kind"] for e in stream}
    assert (
        "IP 10.0.0.1" not in mine.get("/events").text + mine.get(f"/tickets/{number}/events").text
    )
    staff_bodies = [m["body"] for m in staff.get(f"/tickets/{number}/messages").json()]
    assert staff_bodies == ["IP 10.0.0.1 is ours", "We are on it."]
    assert "note" in [e["kind"] for e in staff.get(f"/tickets/{number}/events").json()]
    before = counts()
    refused = mine.post(f"/tickets/{number}/messages", json={"body": "sneaky", "internal": True})
    assert refused.status_code == 422 and counts() == before


def test_a_staff_reply_is_the_first_response_and_opens_the_ticket(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_ticket(customer.api())["number"]
    agent.api().post(f"/tickets/{number}/messages", json={"body": "note", "internal": True})
    after_note = customer.api().get(f"/tickets/{number}").json()
    assert (after_note["status"], after_note["first_response_at"]) == ("new", None)
    agent.api().post(f"/tickets/{number}/messages", json={"body": "Looking."}).raise_for_status()
    ticket = customer.api().get(f"/tickets/{number}").json()
    assert ticket["status"] == "open" and ticket["first_response_at"] is not None
    first = ticket["first_response_at"]
    agent.api().post(f"/tickets/{number}/messages", json={"body": "Again."}).raise_for_status()
    assert customer.api().get(f"/tickets/{number}").json()["first_response_at"] == first


def test_a_customer_reply_reopens_a_waiting_resolved_or_closed_ticket(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_ticket(customer.api())["number"]
    for status in ("waiting", "resolved", "closed"):
        _patch(agent.api(), number, status=status)
        customer.api().post(f"/tickets/{number}/messages", json={"body": "still broken"})
        ticket = customer.api().get(f"/tickets/{number}").json()
        assert ticket["status"] == "open", status
        assert ticket["resolved_at"] is None and ticket["closed_at"] is None


def test_resolving_closing_and_reopening_keep_their_times(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_ticket(customer.api())["number"]
    resolved = _patch(agent.api(), number, status="resolved")
    assert resolved["resolved_at"] and resolved["closed_at"] is None
    closed = _patch(customer.api(), number, status="closed")
    assert closed["closed_at"] and closed["resolved_at"] == resolved["resolved_at"]
    reopened = _patch(customer.api(), number, status="open")
    assert reopened["resolved_at"] is None and reopened["closed_at"] is None
    assert event_kinds(number)[-3:] == ["status", "status", "status"]


def test_a_customer_only_closes_or_reopens(live: Live) -> None:
    customer = live.person("customer")
    api = customer.api()
    number = file_ticket(api)["number"]
    for status in ("new", "waiting", "resolved", "open"):
        reply = api.patch(
            f"/tickets/{number}", json={"status": status}, headers={"If-Match": '"1"'}
        )
        assert reply.status_code == 422, status
    assert _patch(api, number, status="closed")["status"] == "closed"
    assert _patch(api, number, status="open")["status"] == "new"  # nobody had touched it


def test_a_deleted_ticket_disappears_for_customers_and_stays_for_staff(live: Live) -> None:
    org = live.organization()
    owner, colleague = live.person("customer", org=org), live.person("customer", org=org)
    agent = live.person("agent")
    number = file_ticket(owner.api(), "Delete me")["number"]
    owner.api().post(f"/tickets/{number}/messages", json={"body": "more"}).raise_for_status()
    assert owner.api().delete(f"/tickets/{number}").status_code == 204
    for person in (owner, colleague):
        api = person.api()
        assert api.get(f"/tickets/{number}").status_code == 404
        assert api.get(f"/tickets/{number}/messages").status_code == 404
        assert api.get(f"/tickets/{number}/events").status_code == 404
        assert api.delete(f"/tickets/{number}").status_code == 404
        assert number not in [t["number"] for t in api.get("/tickets").json()["items"]]
        assert number not in [e["ticket"] for e in api.get("/events").json()["items"]]
    staff = agent.api()
    kept = staff.get(f"/tickets/{number}").json()
    assert kept["deleted_at"] is not None and kept["subject"] == "Delete me"
    assert [e["kind"] for e in staff.get(f"/tickets/{number}/events").json()] == [
        "created",
        "replied",
        "deleted",
    ]
    assert [m["body"] for m in staff.get(f"/tickets/{number}/messages").json()] == ["more"]
    assert number not in [t["number"] for t in staff.get("/tickets").json()["items"]]
    assert number in [
        t["number"] for t in staff.get("/tickets", params={"deleted": "true"}).json()["items"]
    ]


def test_deleting_another_organizations_ticket_changes_nothing(live: Live) -> None:
    owner, stranger = live.person("customer"), live.person("customer")
    number = file_ticket(owner.api())["number"]
    before, row = counts(), stored(number)
    assert stranger.api().delete(f"/tickets/{number}").status_code == 404
    assert (counts(), stored(number)) == (before, row)
    assert owner.api().get(f"/tickets/{number}").status_code == 200
