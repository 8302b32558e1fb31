"""The admin app driven by Pilot against the module's real server.

``admin_app`` builds ``PadcomAdmin`` around a client signed in as a staff member;
``settle`` waits until every request the app started has come back and been shown.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input

from padcom_cli.client.api import PadcomClient
from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.signin import SignInScreen
from padcom_tui.settings import AdminSettings
from padcom_tui.widgets.ticket_table import TicketTable
from tests.support.live import Live, Person

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


def build_app(
    url: str, token: str | None, clock: Callable[[], datetime] | None = None, **settings: Any
) -> PadcomAdmin:
    values: dict[str, Any] = {"live": False, "retry_seconds": 0.2}
    values.update(settings)
    client = PadcomClient(url, token)
    return PadcomAdmin(client, settings=AdminSettings(**values), clock=clock or fixed_clock)


@pytest.fixture(scope="module")
def agent(live: Live) -> Person:
    return live.person("agent")


@pytest.fixture(scope="module")
def customer(live: Live) -> Person:
    return live.person("customer")


@pytest.fixture
def admin_app(live: Live, agent: Person) -> Callable[..., PadcomAdmin]:
    """A factory: ``admin_app(page_size=5)`` is the app signed in as the module's agent."""
    return lambda **settings: build_app(live.url, agent.token, **settings)


@pytest.fixture
def word() -> str:
    """A word no other test uses, to find this test's tickets with the search."""
    return f"zq{uuid.uuid4().hex[:10]}"


async def settle(pilot: Pilot[Any], rounds: int = 200) -> None:
    """Wait (bounded) until no request the app started is running and the UI has shown the
    results; the live stream's reader, which runs for good, is left alone."""
    for _ in range(rounds):
        busy = [w for w in pilot.app.workers if w.group != "live" and w.is_running]
        if not busy:
            await pilot.pause()
            if not any(w.group != "live" and w.is_running for w in pilot.app.workers):
                return
        for worker in busy:
            await worker.wait()
        await pilot.pause()
    raise AssertionError("the app kept working")


async def until(pilot: Pilot[Any], condition: Callable[[], bool], seconds: float = 20) -> None:
    """Wait (bounded) until ``condition()`` holds, letting the app run meanwhile."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app never got there")


class TableApp(App[None]):
    """Only the queue table, for tests of the table itself."""

    def compose(self) -> ComposeResult:
        yield TicketTable()


def sample_ticket(number: int, subject: str, priority: str = "normal") -> dict[str, Any]:
    """A ticket as the API returns it, with just what the queue table shows (no server)."""
    return {
        "number": number,
        "subject": subject,
        "priority": priority,
        "status": "new",
        "category": "other",
        "organization": {"name": "Org"},
        "assignee": None,
        "created_at": "2026-01-15T10:00:00Z",
        "first_response_due": "2026-01-15T14:00:00Z",
    }


def shown_rows(app: PadcomAdmin) -> list[dict[str, str]]:
    """The queue as the agent reads it: one dict of column -> text per row."""
    table = app.screen.query_one(TicketTable)
    keys = [c.key for c in table.columns_now]
    rows = []
    for index in range(table.row_count):
        cells = table.get_row_at(index)
        rows.append(
            {k: getattr(v, "plain", str(v)).strip() for k, v in zip(keys, cells, strict=True)}
        )
    return rows


def shown_numbers(app: PadcomAdmin) -> list[int]:
    return [int(row["number"].lstrip("✓● ")) for row in shown_rows(app)]


async def sign_in(
    pilot: Pilot[Any], email: str, password: str, url: str | None = None
) -> SignInScreen:
    """Fill in the sign-in screen the app shows (the server too, given ``url``) and submit;
    returns that screen once the app has answered."""
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SignInScreen)
    if url is not None:
        screen.query_one("#url", Input).value = url
    screen.query_one("#email", Input).value = email
    screen.query_one("#password", Input).value = password
    await pilot.press("enter")
    await settle(pilot)
    return screen


def status_line(app: PadcomAdmin) -> str:
    return str(app.screen.query_one("StatusLine").render())


def screen_text(app: PadcomAdmin) -> str:
    """The terminal as the agent sees it, as plain text (what ``export_screenshot`` draws)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, record=True
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False)
