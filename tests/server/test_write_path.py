"""One write path: a change, its events, their outbox rows and the wake-up go together or not at all.

And the rules it runs are plain Python: a script that loads the rules, the read
models and the write path does not load the web stack.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from itertools import count

import pytest

from server.helpdesk.accounts import create_user
from server.helpdesk.errors import Forbidden
from server.helpdesk.tickets import NewTicket, create_ticket
from server.live.consequences import Consequences
from server.outbox.settings import WebhookSettings
from server.storage.db import bind, db
from server.storage.migrations import migrate
from server.storage.models import Event, Organization, Outbox, Ticket, User
from server.storage.write_path import plain, write
from tests.support.live import test_settings as settings_for

HOOK = "http://127.0.0.1:9/hook"
_serial = count(1)


@pytest.fixture
def customer(database_url: str) -> Iterator[User]:
    bind(database_url)
    migrate()

    n = next(_serial)

    def add() -> User:
        org = Organization.create(name=f"Bakery Kranz {n}", customer_number=f"C77{n}")
        return create_user(
            email=f"anna{n}@kranz.test",
            name="Anna",
            role="customer",
            password_hash="!",
            organization_id=org.id,
        )

    yield write(plain(add), None)
    db.close_all()


def _counts() -> tuple[int, int, int]:
    with db.connection_context():
        return Ticket.select().count(), Event.select().count(), Outbox.select().count()


def test_a_filed_ticket_its_event_and_its_webhook_row_commit_together_then_wake(
    customer: User, database_url: str
) -> None:
    settings = settings_for(
        database_url, webhooks=WebhookSettings(urls=(HOOK,), secret="s", allow=("127.0.0.1",))
    )
    heard: list[list[int]] = []
    before = _counts()
    ticket = write(
        lambda: create_ticket(
            customer, NewTicket("Mail down", "since 9", "software", "high"), settings.sla
        ),
        Consequences(settings, [heard.append]),
    )
    with db.connection_context():
        event = Event.get(Event.ticket == ticket.id)
    assert heard == [[event.id]]  # after the COMMIT, with the ids written
    after = _counts()  # one ticket, its "created" event, its webhook row
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 1]


def test_a_refused_change_writes_nothing_and_wakes_nobody(
    customer: User, database_url: str
) -> None:
    settings = settings_for(database_url)
    heard: list[list[int]] = []
    staff = User(id=customer.id, role="agent", organization=None)  # staff file no tickets
    before = _counts()
    with pytest.raises(Forbidden):
        write(
            lambda: create_ticket(staff, NewTicket("x", "y", "other", "normal"), settings.sla),
            Consequences(settings, [heard.append]),
        )
    assert heard == []
    assert _counts() == before


def test_a_change_that_writes_events_without_a_journal_is_not_written(
    customer: User, database_url: str
) -> None:
    settings = settings_for(database_url)
    before = _counts()
    with pytest.raises(RuntimeError, match="needs a journal"):
        write(
            lambda: create_ticket(customer, NewTicket("x", "y", "other", "normal"), settings.sla),
            None,
        )
    assert _counts() == before


RULES = [
    "server.helpdesk.tickets",
    "server.helpdesk.administration",
    "server.helpdesk.accounts",
    "server.helpdesk.sla_watch",
    "server.helpdesk.login_throttle",
    "server.reads.pages",
    "server.reads.people",
    "server.stats.report",
    "server.storage.write_path",
    "server.storage.migrations",
]


def test_a_script_using_the_rules_loads_no_web_framework() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {RULES!r}: importlib.import_module(name)\n"
        "web = sorted({m.split('.')[0] for m in sys.modules} & {'fastapi', 'starlette', 'pydantic'})\n"
        "web += sorted(m for m in sys.modules if m.startswith('server.http'))\n"
        "print(','.join(web))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == ""
