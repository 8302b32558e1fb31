"""The queue follows the server: new and changed tickets show up marked, urgent ones ring."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx

from padcom_cli.client.api import PadcomClient
from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.queue import QueueScreen
from padcom_tui.screens.ticket import TicketScreen
from padcom_tui.settings import AdminSettings
from tests.security.sse import read_until
from tests.support.live import Live, Person
from tests.support.tickets import file_ticket
from tests.tui.conftest import (
    fixed_clock,
    screen_text,
    settle,
    shown_rows,
    status_line,
    until,
)
from tests.tui.test_queue import search
from tests.tui.test_ticket import ticket_as


class CountingClient(PadcomClient):
    """The app's client, noting each request it sends: (method, path)."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(url, token)
        self.asked: list[tuple[str, str]] = []

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self.asked.append((method, path))
        return super().request(method, path, **kwargs)


def row_of(app: PadcomAdmin, number: int) -> dict[str, str] | None:
    return next((r for r in shown_rows(app) if r["number"].lstrip("✓● ") == str(number)), None)


async def test_a_new_urgent_ticket_appears_marked_with_a_toast_and_a_bell(
    admin_app: Callable[..., PadcomAdmin], customer: Person
) -> None:
    app = admin_app(live=True)
    bells: list[bool] = []
    app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.live_state == "connected")
        assert "live" in status_line(app)
        ticket = file_ticket(customer, "Everything is down", priority="urgent")
        await until(pilot, lambda: row_of(app, ticket["number"]) is not None)
        row = row_of(app, ticket["number"])
        assert row is not None and row["number"].startswith("●")
        assert shown_rows(app)[0] == row  # most urgent, so on top
        assert any(f"URGENT ticket #{ticket['number']}" in str(n.title) for n in app._notifications)
        assert bells == [True]

        await pilot.press("enter")  # opened: no longer marked
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        row = row_of(app, ticket["number"])
        assert row is not None and not row["number"].startswith("●")


async def test_a_colleagues_change_updates_the_row_and_a_ticket_no_longer_matching_leaves(
    live: Live, admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} slow site")
    colleague = live.person("agent")
    app = admin_app(live=True)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.live_state == "connected")
        colleague.api().patch(
            f"/tickets/{ticket['number']}", json={"status": "open"}, headers={"If-Match": '"1"'}
        ).raise_for_status()
        await until(pilot, lambda: (row_of(app, ticket["number"]) or {}).get("status") == "open")
        assert (row_of(app, ticket["number"]) or {})["number"].startswith("●")
        colleague.api().patch(
            f"/tickets/{ticket['number']}", json={"status": "resolved"}, headers={"If-Match": '"2"'}
        ).raise_for_status()
        await until(pilot, lambda: row_of(app, ticket["number"]) is None)  # not open work now


async def test_a_batch_from_the_stream_is_applied_in_one_go(
    admin_app: Callable[..., PadcomAdmin], customer: Person, agent: Person, word: str
) -> None:
    """The queue's batch method, fed the real events of the stream, asks nothing more."""
    client = CountingClient(agent.base_url, agent.token)
    after = client.latest_event()
    app = PadcomAdmin(client, settings=AdminSettings(live=False), clock=fixed_clock)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        first = file_ticket(customer, f"{word} one", priority="high")
        second = file_ticket(customer, f"{word} two", priority="low")
        events = read_until(
            agent.base_url, agent.token, lambda e: e["ticket"] == second["number"], after=after
        )
        assert {e["ticket"] for e in events} >= {first["number"], second["number"]}
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        asked = len(client.asked)
        screen.apply_events(events)
        await settle(pilot)
        assert client.asked[asked:] == []  # the events carried the tickets
        numbers = [int(r["number"].lstrip("✓● ")) for r in shown_rows(app)]
        assert numbers.index(first["number"]) < numbers.index(second["number"])
        assert {first["number"], second["number"]} <= screen.queue.marked


async def test_an_open_ticket_takes_a_colleagues_reply_and_note_without_asking(
    live: Live, agent: Person, customer: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} mailbox full")
    colleague = live.person("agent")
    client = CountingClient(live.url, agent.token)
    settings = AdminSettings(live=True, retry_seconds=0.2)
    app = PadcomAdmin(client, settings=settings, clock=fixed_clock)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.live_state == "connected")
        await search(pilot, word)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen) and screen.data is not None
        asked = len(client.asked)
        api = colleague.api()
        api.post(f"/tickets/{ticket['number']}/messages", json={"body": "Raised the quota."})
        api.post(
            f"/tickets/{ticket['number']}/messages",
            json={"body": "Upsell bigger plan", "internal": True},
        )
        await until(pilot, lambda: "Upsell bigger plan" in screen_text(app))
        assert "Raised the quota." in screen_text(app)
        assert screen.data.ticket == ticket_as(colleague, ticket["number"])
        assert [k for k in (e["kind"] for e in screen.data.history)][-2:] == ["replied", "note"]
        assert client.asked[asked:] == []  # applied from the events alone


class FiledWhileReading(PadcomClient):
    """A client that, the moment it has read the first queue page, lets a customer file
    a ticket: the change lands after the snapshot and before the stream is open."""

    def __init__(self, url: str, token: str, customer: Person, subject: str) -> None:
        super().__init__(url, token)
        self.customer, self.subject, self.filed = customer, subject, 0

    def list_tickets(self, **kwargs: Any) -> dict[str, Any]:
        page = super().list_tickets(**kwargs)
        if not self.filed:
            self.filed = file_ticket(self.customer, self.subject)["number"]
        return page


async def test_a_ticket_filed_while_the_first_page_loads_is_not_missed(
    live: Live, agent: Person, customer: Person, word: str
) -> None:
    client = FiledWhileReading(live.url, agent.token, customer, f"{word} filed meanwhile")
    app = PadcomAdmin(client, settings=AdminSettings(live=True, retry_seconds=0.2))
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.live_state == "connected")
        await until(pilot, lambda: row_of(app, client.filed) is not None)
        row = row_of(app, client.filed)
        assert row is not None and row["number"].startswith("●")


async def test_a_burst_of_urgent_tickets_is_one_flood_notice_and_one_bell(
    live: Live, admin_app: Callable[..., PadcomAdmin]
) -> None:
    org = live.organization(f"Acme {uuid.uuid4().hex[:6]}")
    flooder = live.person("customer", org=org)
    app = admin_app(live=True, flood_window_seconds=5)
    bells: list[bool] = []
    app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
    shown: list[tuple[str, str]] = []  # every toast, kept after it fades
    notify = app.notify

    def seen(message: str, **options: Any) -> None:
        shown.append((str(options.get("title")), message))
        notify(message, **options)

    app.notify = seen  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.live_state == "connected")
        numbers = [
            file_ticket(flooder, f"down {i}", priority="urgent")["number"] for i in range(12)
        ]
        await until(pilot, lambda: all(row_of(app, n) is not None for n in numbers))
        summary = (f"Flood from {org.name}", f"12 new urgent tickets from {org.name} in 5 s")
        await until(pilot, lambda: summary in shown)
    assert bells == [True]  # the first ticket rang; the other eleven did not
    assert [title for title, _ in shown] == [f"URGENT ticket #{numbers[0]}", summary[0]]
