"""Nobody skips triage or inflates the reopen count by walking a ticket through its statuses.

``new`` means staff have not touched the ticket. A customer who closes their own
unanswered ticket and reopens it (by the status or by a reply) finds it ``new``
again, and that is no reopen; a ticket staff worked on that comes back from
done is ``open`` and one reopen. Statuses that are not a customer's to set, and
``new`` for an answered ticket, are refused and change nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from server.storage.db import db
from server.storage.models import Ticket
from tests.api.tickets_support import counts, stored
from tests.support.live import Live
from tests.support.tickets import file_ticket


def _set(api: httpx.Client, number: int, status: str) -> httpx.Response:
    version = api.get(f"/tickets/{number}").json()["version"]
    return api.patch(
        f"/tickets/{number}", json={"status": status}, headers={"If-Match": f'"{version}"'}
    )


def _status(api: httpx.Client, number: int, status: str) -> dict[str, Any]:
    reply = _set(api, number, status)
    assert reply.status_code == 200, reply.text
    ticket: dict[str, Any] = reply.json()
    return ticket


def _reopens(number: int) -> int:
    with db.connection_context():
        return int(Ticket.get_by_id(number).reopens)


@pytest.mark.parametrize("how", ["status", "reply"])
def test_closing_and_reopening_an_untouched_ticket_leaves_it_new(live: Live, how: str) -> None:
    api = live.person("customer").api()
    number = file_ticket(api)["number"]
    assert _status(api, number, "closed")["status"] == "closed"
    if how == "status":
        reopened = _status(api, number, "open")
    else:
        api.post(f"/tickets/{number}/messages", json={"body": "still there"}).raise_for_status()
        reopened = api.get(f"/tickets/{number}").json()
    assert reopened["status"] == "new"
    assert reopened["closed_at"] is None and reopened["resolved_at"] is None
    assert _reopens(number) == 0
    assert api.get("/stats").json()["reopens"]["reopened"] == 0


@pytest.mark.parametrize("touch", ["reply", "note", "resolve"])
def test_a_ticket_staff_worked_on_reopens_to_open_and_counts(live: Live, touch: str) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    api, staff = customer.api(), agent.api()
    number = file_ticket(api)["number"]
    if touch == "resolve":
        _status(staff, number, "resolved")
    else:
        body = {"body": "looking", "internal": touch == "note"}
        staff.post(f"/tickets/{number}/messages", json=body).raise_for_status()
        _status(api, number, "closed")
    assert _status(api, number, "open")["status"] == "open"
    assert _reopens(number) == 1


def test_statuses_that_are_not_yours_are_refused_and_change_nothing(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    api, staff = customer.api(), agent.api()
    number = file_ticket(api)["number"]
    staff.post(f"/tickets/{number}/messages", json={"body": "on it"}).raise_for_status()
    before, row = counts(), stored(number)
    for status in ("new", "waiting", "resolved", "open"):
        assert _set(api, number, status).status_code == 422, status
    answered_as_new = _set(staff, number, "new")
    assert answered_as_new.status_code == 422
    assert "cannot be new again" in answered_as_new.json()["error"]["message"]
    assert counts() == before and stored(number) == row
