"""The system clock steps (+2 h, +1 day, back again): no false SLA breach, no early expiry.

The server's clock (``server.storage.clock.CLOCK``) is replaced by one whose wall clock
the test can step while the elapsed-time clock runs on, as when NTP or an
operator sets the time. A step is a lie until it lasts: tickets do not breach,
tokens and idempotency keys do not expire. When the hours really pass (both
clocks move), the same breach, expiry and window do happen, so the watcher and
the checks are still alive.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from server.helpdesk.tokens import issue
from server.live.breach_watch import check_once
from server.outbox.worker import claim
from server.storage.clock import SteadyClock
from server.storage.db import db
from server.storage.models import Event, Outbox
from tests.support.clock import DAY, HOUR, Shift, shifted
from tests.support.live import Live, own_server


@pytest.fixture
def shift() -> Iterator[Shift]:
    with shifted() as moved:
        yield moved


@pytest.fixture(scope="module")
def quiet(database_url: str) -> Iterator[Live]:
    """A server whose SLA watch runs only when the test says, keys kept one hour."""
    with own_server(database_url, sla_check_seconds=0, idempotency_ttl_hours=1) as world:
        yield world


def _breaches(number: int) -> list[Event]:
    with db.connection_context():
        return list(Event.select().where(Event.ticket == number, Event.kind == "sla_breached"))


def test_a_clock_step_records_no_false_breach(quiet: Live, shift: Shift) -> None:
    app = quiet.thread.app
    assert isinstance(app, FastAPI)
    customer = quiet.person("customer")
    urgent = customer.api().post(
        "/tickets", json={"subject": "Site down", "body": "500s", "priority": "urgent"}
    )
    number = urgent.json()["number"]  # first response due in 1 h, resolution in 4 h
    for step in (2 * HOUR, DAY - 2 * HOUR, -DAY):  # +2 h, then +1 day, then back
        shift.step(step)
        check_once(app)
        assert _breaches(number) == [], f"breach recorded at a step to {shift.wall / HOUR} h"
    shift.pass_time(2 * HOUR)  # now the hours really go by
    check_once(app)
    assert [e.changes["targets"] for e in _breaches(number)] == [["first_response"]]


def test_a_clock_step_expires_no_token(quiet: Live, shift: Shift) -> None:
    customer = quiet.person("customer")  # its token lives 1 h
    api = customer.api()
    number = api.post("/tickets", json={"subject": "Backup", "body": "b"}).json()["number"]
    for step in (2 * HOUR, DAY - 2 * HOUR):
        shift.step(step)
        assert api.get("/me").status_code == 200
        assert api.get(f"/tickets/{number}").status_code == 200  # the fast path checks too
    shift.step(-DAY)
    shift.pass_time(2 * HOUR)
    assert api.get("/me").status_code == 401  # the hours went by: the token expired for real


def test_a_clock_step_does_not_end_the_idempotency_window(quiet: Live, shift: Shift) -> None:
    customer = quiet.person("customer")
    with db.connection_context():
        secret, _ = issue(customer.user, timedelta(days=3))  # outlives every step here
    api = httpx.Client(
        base_url=f"{quiet.url}/api/v1", headers={"Authorization": f"Bearer {secret}"}, timeout=30
    )

    def file_backup() -> httpx.Response:
        return api.post(
            "/tickets", json={"subject": "Backup", "body": "b"}, headers={"Idempotency-Key": "k-1"}
        )

    with api:
        first = file_backup()
        for step in (2 * HOUR, DAY - 2 * HOUR):  # the window is 1 h on this server
            shift.step(step)
            replay = file_backup()
            assert replay.headers.get("Idempotent-Replayed") == "true", shift.wall / HOUR
            assert replay.json()["number"] == first.json()["number"]
        shift.step(-DAY)
        shift.pass_time(2 * HOUR)
        again = file_backup()
        assert again.status_code == 201 and again.json()["number"] != first.json()["number"]


def test_a_clock_step_neither_delays_a_due_mail_nor_breaks_a_workers_lease(
    quiet: Live, shift: Shift
) -> None:
    """The outbox (no worker runs on this server): -1 day must not hold a due mail back for a
    day, +2 h must not end another worker's 5-minute lease (the mail would go out twice)."""
    with db.connection_context():
        due = Outbox.create(
            channel="mail", dedupe_key=f"clock-{time.monotonic_ns()}", target="a@example.com",
            payload={"subject": "s", "body": "b"},
        )  # fmt: skip
        shift.step(-DAY)
        assert [row.id for row in claim(10, lease_seconds=300)] == [due.id]
        shift.step(DAY + 2 * HOUR)
        assert claim(10, lease_seconds=300) == [], "the lease of the first claim still holds"
        shift.step(-2 * HOUR)
        shift.pass_time(301)
        assert [row.id for row in claim(10, lease_seconds=300)] == [due.id]  # lease really over
        Outbox.delete().where(Outbox.id == due.id).execute()


def test_a_step_that_lasts_is_believed_and_short_wobbles_are_followed() -> None:
    """The clock itself: a step is held off for ``confirm``, then adopted; slewing is followed."""
    wall, elapsed = [1_000_000.0], [50.0]
    steady = SteadyClock(lambda: wall[0], lambda: elapsed[0], tolerance=5, confirm=600)
    wall[0] += 3  # slewing within the tolerance: followed at once
    assert steady.time() == 1_000_003.0
    wall[0] += 2 * HOUR  # a step
    assert steady.time() == 1_000_003.0
    wall[0] += 300
    elapsed[0] += 300
    assert steady.time() == 1_000_303.0  # held off: time runs on unstepped
    wall[0] += 300
    elapsed[0] += 300
    assert steady.time() == 1_000_603.0 + 2 * HOUR  # it lasted 600 s: believed
    wall[0] -= 2 * HOUR  # stepped back
    elapsed[0] += 10
    assert steady.time() == 1_000_613.0 + 2 * HOUR
    wall[0] += 2 * HOUR + 20  # and forward again before the back-step lasted: nothing moved
    elapsed[0] += 10
    assert steady.time() == wall[0]
