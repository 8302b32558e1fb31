"""A customer knows the staff who help them by name only: no staff email reaches a customer.

An agent takes a ticket, answers it, changes its status and leaves a note; an
admin answers too. Then everything the customer can read — the ticket (both
read paths), lists, the conversation, the history, the event log, the live
stream, statistics, the answers to their own changes and the mails sent to
them — is searched, raw, for the staff members' addresses. Staff still see them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.storage.db import db
from tests.security.sse import read_until
from tests.support.live import Live, Person, own_server

PADCOM = str(Path(sys.executable).parent / "padcom")


@dataclass
class Scene:
    customer: Person
    agent: Person
    admin: Person
    number: int

    @property
    def staff_emails(self) -> list[str]:
        return [self.agent.email, self.admin.email]


@pytest.fixture(scope="module")
def mailing(database_url: str) -> Iterator[Live]:
    from server.outbox.settings import MailSettings

    mail = MailSettings(host="127.0.0.1", port=9, security="none", staff=("agents",))
    with own_server(database_url, mail=mail) as server:
        yield server


@pytest.fixture(scope="module")
def scene(mailing: Live) -> Scene:
    customer, agent, admin = (mailing.person(r) for r in ("customer", "agent", "admin"))
    api = customer.api()
    number = api.post("/tickets", json={"subject": "Mail down", "body": "since 9"}).json()["number"]
    staff = agent.api()
    version = staff.get(f"/tickets/{number}").json()["version"]
    assigned = staff.patch(
        f"/tickets/{number}", json={"assignee": agent.id}, headers={"If-Match": f'"{version}"'}
    )
    assert assigned.status_code == 200, assigned.text
    staff.post(f"/tickets/{number}/messages", json={"body": "Looking at it"})
    staff.post(f"/tickets/{number}/messages", json={"body": "note", "internal": True})
    admin.api().post(f"/tickets/{number}/messages", json={"body": "Fixed, I think"})
    version = staff.get(f"/tickets/{number}").json()["version"]
    staff.patch(
        f"/tickets/{number}", json={"status": "resolved"}, headers={"If-Match": f'"{version}"'}
    )
    return Scene(customer, agent, admin, number)


def _customer_views(live: Live, scene: Scene) -> dict[str, str]:
    """Every answer the customer gets, raw, by what was asked."""
    api, n = scene.customer.api(), scene.number
    views = {
        path: api.get(path, params=params).text
        for path, params in (
            (f"/tickets/{n}", {}),  # the fast path
            (f"/tickets/{n}?", {"_": "slow"}),  # a query string: the route
            ("/tickets", {}),
            ("/tickets", {"assignee": str(scene.agent.id)}),
            ("/tickets", {"sort": "-updated"}),
            (f"/tickets/{n}/messages", {}),
            (f"/tickets/{n}/events", {}),
            ("/events", {"after": "0", "limit": "500"}),
            ("/events/latest", {}),
            ("/stats", {}),
            ("/stats", {"assignee": str(scene.agent.id)}),
            ("/me", {}),
        )
    }
    version = api.get(f"/tickets/{n}").json()["version"]
    views["PATCH"] = api.patch(
        f"/tickets/{n}", json={"status": "open"}, headers={"If-Match": f'"{version}"'}
    ).text
    posted = api.post(f"/tickets/{n}/messages", json={"body": "Still down"})
    views["POST message"] = posted.text
    last = posted.json()["id"]
    stream = read_until(
        live.url, scene.customer.token, lambda e: e["changes"].get("message") == last
    )
    assert any(e["actor"]["name"] == scene.agent.user.name for e in stream)
    views["stream"] = repr(stream)
    return views


def test_no_customer_view_carries_a_staff_email(mailing: Live, scene: Scene) -> None:
    views = _customer_views(mailing, scene)
    assert "Looking at it" in views[f"/tickets/{scene.number}/messages"]
    for what, text in views.items():
        for email in scene.staff_emails:
            assert email not in text, (what, email)
    shown = scene.customer.api().get(f"/tickets/{scene.number}").json()
    assert shown["assignee"]["name"] == scene.agent.user.name
    assert shown["assignee"]["email"] is None
    assert shown["requester"]["email"] == scene.customer.email  # their own address stays


def test_no_mail_to_the_customer_carries_a_staff_email(mailing: Live, scene: Scene) -> None:
    from server.storage.models import Outbox

    with db.connection_context():
        rows = list(Outbox.select().where(Outbox.target == scene.customer.email))
    assert rows, "the staff replies were mailed to the customer"
    for row in rows:
        for email in scene.staff_emails:
            assert email not in str(row.payload), email


def test_staff_still_see_each_others_addresses(mailing: Live, scene: Scene) -> None:
    api = scene.admin.api()
    ticket = api.get(f"/tickets/{scene.number}").json()
    assert ticket["assignee"]["email"] == scene.agent.email
    messages = api.get(f"/tickets/{scene.number}/messages").text
    assert scene.agent.email in messages and scene.admin.email in messages


def test_padcom_shows_the_customer_staff_names_alone(mailing: Live, scene: Scene) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update({"PADCOM_URL": mailing.url, "PADCOM_TOKEN": scene.customer.token, "COLUMNS": "200"})
    done = subprocess.run(
        [PADCOM, "ticket", "show", str(scene.number), "--history"],
        env=env,
        capture_output=True,
        timeout=60,
    )
    shown = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert scene.agent.user.name in shown and "<None>" not in shown
    for email in scene.staff_emails:
        assert email not in shown
