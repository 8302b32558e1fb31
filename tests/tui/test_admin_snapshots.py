"""Layout guards for the administration screen: organizations and people at 80x24 and 120x36.

A small company seeded straight into this module's own database (so ids are the
same on every run), then drawn by the app signed in as its admin.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from server.helpdesk.accounts import INVITED
from server.helpdesk.tokens import issue
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import Organization, Service, User
from tests.support.live import Live
from tests.tui.conftest import build_app, settle

SIZES = [(80, 24), (120, 36)]
COMPANY = [  # organization, customer number, contacts (name, email, invited)
    ("Bäckerei Huber", "C10001", [("Anna Schmidt", "anna@huber.example", False)]),
    ("Nordlicht Media GmbH", "C10002", [("Jonas Becker", "jonas@nordlicht.example", True)]),
    ("Kanzlei Wagner & Partner", "C10003", [("Eva Wagner", "eva@wagner.example", False)]),
]


@pytest.fixture(scope="module")
def admin_token(live: Live) -> str:
    with db.connection_context(), db.atomic():
        admin = User.create(email="ada@padcom.example", name="Ada Admin", role="admin",
                            password_hash="-", created_at=utcnow())  # fmt: skip
        User.create(email="sam@padcom.example", name="Sam Support", role="agent",
                    password_hash="-", created_at=utcnow())  # fmt: skip
        for name, number, contacts in COMPANY:
            org = Organization.create(name=name, customer_number=number)
            Service.create(organization=org, kind="webhosting", label=f"{number.lower()}.example")
            for person, email, invited in contacts:
                User.create(email=email, name=person, role="customer", organization=org,
                            password_hash=INVITED if invited else "-", created_at=utcnow())  # fmt: skip
        return issue(admin, timedelta(hours=1))[0]


def _opened(*keys: str) -> Callable[[Pilot[None]], Any]:
    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.animation_level = "none"  # the tabs' underline slides: draw where it ends
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await pilot.pause(0.3)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_administration_organizations(
    snap_compare: Callable[..., bool], live: Live, admin_token: str, size: tuple[int, int]
) -> None:
    app = build_app(live.url, admin_token)
    assert snap_compare(app, terminal_size=size, run_before=_opened())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_administration_people(
    snap_compare: Callable[..., bool], live: Live, admin_token: str, size: tuple[int, int]
) -> None:
    app = build_app(live.url, admin_token)
    assert snap_compare(app, terminal_size=size, run_before=_opened("2"))
