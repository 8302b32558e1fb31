"""The admin app's dashboard (``d``) on a fixed history and a fixed clock: pictures, the
period switch and the period's tags, against the module's real server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.dashboard import DashboardScreen
from padcom_tui.widgets.dashboard_bars import DashboardBars
from server.helpdesk.tokens import issue
from server.storage.db import db
from server.storage.desk_models import TicketTag
from server.storage.models import Organization, Service, Ticket, User
from server.storage.rating_models import TicketRating
from tests.support.live import Live
from tests.tui.conftest import NOW, build_app, settle

H = timedelta(hours=1)
D = timedelta(days=1)


def _seed(live: Live) -> str:
    """Fixed people and fourteen tickets over the 40 days before NOW, some tagged; the
    admin's token."""
    with db.connection_context(), db.atomic():
        org = Organization.create(name="Dune Hosting", customer_number="DASH-1")
        service = Service.create(organization=org, kind="vps", label="vps1.dune.example")
        customer = User.create(
            email="fremen@dune.example", name="Stilgar", role="customer",
            organization=org, password_hash="!",
        )  # fmt: skip
        ada = User.create(email="ada@padcom.test", name="Ada", role="agent", password_hash="!")
        bo = User.create(email="bo@padcom.test", name="Bo", role="agent", password_hash="!")
        admin = User.create(email="boss@padcom.test", name="Boss", role="admin", password_hash="!")
        for i in range(14):
            created = NOW - (2 + 3 * i) * D + (i % 5) * H
            solved = i % 3 != 0
            ticket = Ticket.create(
                subject=f"Case {i}", body="fixed", requester=customer, organization=org,
                service=service, priority=("urgent", "high", "normal", "low")[i % 4],
                category="software", status="closed" if solved else ("open", "waiting")[i % 2],
                assignee=(ada, bo, None)[i % 4 % 3], created_at=created, updated_at=created,
                first_response_at=created + (1 + i % 4) * H if i % 5 else None,
                resolved_at=created + (6 + 2 * i) * H if solved else None,
                first_response_due=created + 4 * H, resolution_due=created + 2 * D,
            )  # fmt: skip
            for tag, on in (("outage", i % 2 == 0), ("fra1", i % 3 == 0), ("billing", i == 1)):
                if on:
                    TicketTag.create(ticket=ticket, tag=tag)
            if solved and i % 5 != 4:  # most resolutions were rated, one in four badly
                TicketRating.create(
                    ticket=ticket, resolved_at=ticket.resolved_at, rater=customer,
                    score="bad" if i % 4 == 1 else "good", agent=ticket.assignee_id,
                    category="software", created_at=ticket.resolved_at + H,
                )  # fmt: skip
        token, _ = issue(admin, timedelta(days=3650))
    return token


@pytest.fixture(scope="module")
def boss_token(live: Live) -> str:
    return _seed(live)


@pytest.fixture
def dashboard_app(live: Live, boss_token: str) -> Callable[[], PadcomAdmin]:
    return lambda: build_app(live.url, boss_token)


async def _open_dashboard(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)


def test_dashboard_at_80x24(snap_compare: Any, dashboard_app: Callable[[], PadcomAdmin]) -> None:
    assert snap_compare(dashboard_app(), terminal_size=(80, 24), run_before=_open_dashboard)


def test_dashboard_at_120x36(snap_compare: Any, dashboard_app: Callable[[], PadcomAdmin]) -> None:
    assert snap_compare(dashboard_app(), terminal_size=(120, 36), run_before=_open_dashboard)


async def test_the_period_switch_asks_for_7_30_and_90_days(
    dashboard_app: Callable[[], PadcomAdmin],
) -> None:
    app = dashboard_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_dashboard(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.data is not None and len(screen.data["daily"]) == 31
        created = screen.data["created"]
        tags = screen.query_one("#tags", DashboardBars)
        assert [(label, words) for label, _, words in tags.rows] == [
            ("outage", "5"), ("fra1", "4"), ("billing", "1")
        ]  # fmt: skip
        await pilot.press("7")
        await settle(pilot)
        assert screen.days == 7 and len(screen.data["daily"]) == 8
        assert screen.data["created"] < created  # 2 of the 14 cases fall in the last week
        this_week = screen.data["satisfaction"]
        assert (this_week["good"], this_week["bad"], this_week["percent"]) == (0, 1, 0.0)
        assert [label for label, _, _ in tags.rows] == ["billing", "fra1", "outage"]  # 1 each
        await pilot.press("9")
        await settle(pilot)
        assert screen.days == 90 and screen.data["created"] == 14
        status = str(screen.query_one("StatusLine").render())
        assert "last 90 days: 14 created" in status
        assert "rated 5 good, 3 bad" in status
        assert screen.data["satisfaction"]["percent"] == 62.5
        await pilot.press("escape")
        assert not isinstance(app.screen, DashboardScreen)
