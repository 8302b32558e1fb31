"""The SLA clock through the API: due times on filing, pausing while waiting, priority changes."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import httpx

from server.storage.db import db
from server.storage.models import Ticket
from tests.support.live import Live, Person
from tests.support.tickets import file_ticket


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _patch(api: httpx.Client, number: int, **changes: Any) -> dict[str, Any]:
    version = api.get(f"/tickets/{number}").json()["version"]
    reply = api.patch(f"/tickets/{number}", json=changes, headers={"If-Match": f'"{version}"'})
    assert reply.status_code == 200, reply.text
    ticket: dict[str, Any] = reply.json()
    return ticket


def _clock(number: int) -> tuple[int, datetime | None, int]:
    with db.connection_context():
        row = Ticket.get_by_id(number)
        return row.sla_paused_ms, row.sla_paused_at, row.reopens


def _file(customer: Person, priority: str = "normal") -> dict[str, Any]:
    return file_ticket(customer, "Mail bounces", "Since this morning.", priority=priority)


def test_a_new_ticket_is_due_by_its_priority_targets(live: Live) -> None:
    ticket = _file(live.person("customer"), "urgent")
    created = _at(ticket["created_at"])
    assert _at(ticket["first_response_due"]) - created == timedelta(hours=1)
    assert _at(ticket["resolution_due"]) - created == timedelta(hours=4)


def test_the_clock_stands_still_while_we_wait_on_the_customer(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    ticket = _file(customer)
    number = ticket["number"]
    staff = agent.api()
    assert (
        staff.post(f"/tickets/{number}/messages", json={"body": "Which address?"}).status_code
        == 201
    )
    waiting = _patch(staff, number, status="waiting")
    paused_ms, paused_at, _ = _clock(number)
    assert paused_at is not None and paused_ms == 0
    time.sleep(0.3)
    reply = customer.api().post(f"/tickets/{number}/messages", json={"body": "info@example.com"})
    assert reply.status_code == 201
    resumed = staff.get(f"/tickets/{number}").json()
    assert resumed["status"] == "open"
    paused_ms, paused_at, _ = _clock(number)
    assert paused_at is None and paused_ms >= 300
    shift = _at(resumed["resolution_due"]) - _at(waiting["resolution_due"])
    assert shift == timedelta(milliseconds=paused_ms)
    # the first response was already given: its due time stays where it was
    assert resumed["first_response_due"] == ticket["first_response_due"]


def test_an_unanswered_ticket_set_waiting_moves_both_due_times(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    ticket = _file(customer)
    staff = agent.api()
    _patch(staff, ticket["number"], status="waiting")
    time.sleep(0.2)
    resumed = _patch(staff, ticket["number"], status="open")
    paused_ms, _, _ = _clock(ticket["number"])
    for name in ("first_response_due", "resolution_due"):
        assert _at(resumed[name]) - _at(ticket[name]) == timedelta(milliseconds=paused_ms)


def test_a_priority_change_counts_from_creation_and_keeps_the_pauses(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    ticket = _file(customer, "low")
    number, staff = ticket["number"], agent.api()
    _patch(staff, number, status="waiting")
    time.sleep(0.2)
    _patch(staff, number, status="open")
    first_pause, _, _ = _clock(number)
    raised = _patch(staff, number, priority="urgent")
    created = _at(ticket["created_at"])
    pause = timedelta(milliseconds=first_pause)
    assert _at(raised["first_response_due"]) == created + pause + timedelta(hours=1)
    assert _at(raised["resolution_due"]) == created + pause + timedelta(hours=4)
    # raised while waiting: the new due times move again when the wait ends
    _patch(staff, number, status="waiting")
    lowered = _patch(staff, number, priority="high")
    assert _at(lowered["resolution_due"]) == created + pause + timedelta(days=1)
    time.sleep(0.2)
    resumed = _patch(staff, number, status="open")
    total, _, _ = _clock(number)
    assert total > first_pause
    assert _at(resumed["resolution_due"]) == created + timedelta(milliseconds=total, days=1)


def test_reopening_a_solved_ticket_is_counted(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    ticket = _file(customer)
    number = ticket["number"]
    _patch(agent.api(), number, status="resolved")
    assert _clock(number)[2] == 0
    reopened = _patch(customer.api(), number, status="open")
    assert reopened["resolved_at"] is None
    assert _clock(number)[2] == 1
    _patch(agent.api(), number, status="closed")
    customer.api().post(f"/tickets/{number}/messages", json={"body": "It broke again."})
    assert _clock(number)[2] == 2
    body = customer.api().get("/stats").json()
    assert body["reopens"] == {"solved": 1, "reopened": 1, "percent": 100.0}
