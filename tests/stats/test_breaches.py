"""A missed target becomes one staff-only ``sla_breached`` event, soon after it is missed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import Ticket
from tests.live.receiver import QUICK_RETRIES, Receiver
from tests.support.live import Live, own_server
from tests.support.tickets import file_number

CHECK_SECONDS = 0.05
PAGER = "/hooks/pager"


@pytest.fixture(scope="module")
def pager(database_url: str) -> Iterator[Receiver]:
    """The on-call tool's webhook receiver (one per database: ticket numbers restart)."""
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def watched(database_url: str, pager: Receiver) -> Iterator[Live]:
    """A server that looks for breaches every 50 ms and pages on-call about them."""
    hooks = pager.hooks(PAGER, ("sla_breached",), "on-call-webhook-secret")
    with own_server(
        database_url, sla_check_seconds=CHECK_SECONDS, webhooks=hooks, outbox=QUICK_RETRIES
    ) as world:
        yield world


def _breaches(api: Any, number: int) -> list[dict[str, Any]]:
    events = api.get(f"/tickets/{number}/events").json()
    return [e for e in events if e["kind"] == "sla_breached"]


def _wait_for_breaches(api: Any, number: int, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = _breaches(api, number)
        if len(found) >= count:
            return found
        time.sleep(CHECK_SECONDS)
    return _breaches(api, number)


def _pages_about(pager: Receiver, number: int) -> list[dict[str, Any]]:
    pages = (json.loads(r.body) for r in pager.at(PAGER))
    return [page for page in pages if page["ticket"]["number"] == number]


def _overdue(number: int, **due: Any) -> None:
    """Move due times into the past, as if the hours had gone by."""
    with db.connection_context():
        Ticket.update(**due).where(Ticket.id == number).execute()


def _file(watched: Live) -> tuple[Any, Any, int]:
    customer, agent = watched.person("customer"), watched.person("agent")
    return customer, agent, file_number(customer, "Server down", "Since 3 am.")


def test_an_unanswered_ticket_past_its_due_time_is_recorded_once(watched: Live) -> None:
    customer, agent, number = _file(watched)
    _overdue(number, first_response_due=utcnow() - timedelta(minutes=5))
    found = _wait_for_breaches(agent.api(), number, 1)
    assert [e["changes"]["targets"] for e in found] == [["first_response"]]
    assert found[0]["actor"]["name"] == "SLA clock"
    time.sleep(10 * CHECK_SECONDS)  # later checks add nothing
    assert len(_breaches(agent.api(), number)) == 1
    # an alert for staff: the customer's history does not show it
    assert _breaches(customer.api(), number) == []
    # the breach is also visible to anyone following the event log
    kinds = [e["kind"] for e in agent.api().get("/events", params={"limit": 500}).json()["items"]]
    assert "sla_breached" in kinds


def test_a_later_resolution_breach_is_recorded_separately(watched: Live) -> None:
    _, agent, number = _file(watched)
    _overdue(number, first_response_due=utcnow() - timedelta(minutes=5))
    _wait_for_breaches(agent.api(), number, 1)
    _overdue(number, resolution_due=utcnow() - timedelta(minutes=1))
    found = _wait_for_breaches(agent.api(), number, 2)
    assert [e["changes"]["targets"] for e in found] == [["first_response"], ["resolution"]]


def test_a_ticket_waiting_on_the_customer_does_not_breach_until_it_resumes(
    watched: Live,
) -> None:
    _, agent, number = _file(watched)
    staff = agent.api()
    reply = staff.patch(
        f"/tickets/{number}", json={"status": "waiting"}, headers={"If-Match": '"1"'}
    )
    assert reply.status_code == 200
    an_hour_ago = utcnow() - timedelta(hours=1)
    _overdue(number, resolution_due=an_hour_ago, first_response_due=an_hour_ago)
    time.sleep(10 * CHECK_SECONDS)
    assert _breaches(staff, number) == []
    reply = staff.patch(f"/tickets/{number}", json={"status": "open"}, headers={"If-Match": '"2"'})
    assert reply.status_code == 200
    found = _wait_for_breaches(staff, number, 1)
    assert [e["changes"]["targets"] for e in found] == [["first_response", "resolution"]]


def test_an_answered_ticket_in_time_does_not_breach(watched: Live) -> None:
    _, agent, number = _file(watched)
    staff = agent.api()
    assert staff.post(f"/tickets/{number}/messages", json={"body": "On it."}).status_code == 201
    _overdue(number, first_response_due=utcnow() - timedelta(minutes=1))
    time.sleep(10 * CHECK_SECONDS)
    assert _breaches(staff, number) == []


def test_on_call_is_paged_about_a_breach_through_the_webhook(
    watched: Live, pager: Receiver
) -> None:
    _, agent, number = _file(watched)
    _overdue(number, first_response_due=utcnow() - timedelta(minutes=5))
    (breach,) = _wait_for_breaches(agent.api(), number, 1)
    deadline = time.monotonic() + 15
    while not (pages := _pages_about(pager, number)):
        assert time.monotonic() < deadline, "no page for the breach"
        time.sleep(CHECK_SECONDS)
    (page,) = pages
    assert page["event"]["id"] == breach["id"]
    assert page["event"]["kind"] == "sla_breached"
    assert page["event"]["changes"]["targets"] == ["first_response"]


def test_a_ticket_its_customer_deleted_never_breaches(watched: Live) -> None:
    customer, agent, number = _file(watched)
    customer.api().delete(f"/tickets/{number}").raise_for_status()
    _overdue(number, first_response_due=utcnow() - timedelta(minutes=5))
    control = file_number(customer, "Still here", "A ticket that stays.")
    _overdue(control, first_response_due=utcnow() - timedelta(minutes=5))
    assert len(_wait_for_breaches(agent.api(), control, 1)) == 1  # the watcher did look
    assert _breaches(agent.api(), number) == []  # no work any more: its clocks stand still
