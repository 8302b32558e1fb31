"""An outage in the admin app: the incident is one line above the queue with its tickets
folded under it (``i`` unfolds them), the queue narrows to its server with ``w``, the
ticket shows its service's state, place and the incident and is linked (``i``) or
unlinked (``I``) by key, and the incidents list (``!``) follows changes made elsewhere."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual.widgets import DataTable, Input, TextArea

from padcom_tui.app import PadcomAdmin
from padcom_tui.format import utc_now
from padcom_tui.screens.choice import ChoiceScreen
from padcom_tui.screens.declare import DeclareScreen
from padcom_tui.screens.help import shown_bindings
from padcom_tui.screens.incidents import IncidentsScreen
from padcom_tui.screens.ticket import TicketScreen
from padcom_tui.widgets.incident_banner import IncidentBanner
from padcom_tui.widgets.ticket_header import TicketHeader
from tests.hosting.support import hosted
from tests.support.live import Live, Person
from tests.support.tickets import file_number
from tests.tui.conftest import (
    build_app,
    screen_text,
    settle,
    shown_numbers,
    status_line,
    until,
)


async def test_an_outage_is_one_line_and_the_queue_narrows_to_its_server(
    live: Live, agent: Person, admin_app: Callable[..., PadcomAdmin]
) -> None:
    down = hosted(live, agent, "web-77", "down.example")
    fine = hosted(live, agent, "web-78", "fine.example")
    agent.api().patch(f"/services/{down.service['id']}", json={"state": "suspended"})
    early = file_number(down.customer, "Slow since yesterday", service=down.service["id"])
    declared = (
        agent.api()
        .post("/incidents", json={"title": "web-77 lost power", "servers": ["web-77"]})
        .json()
    )
    linked = file_number(down.customer, "Shop down", service=down.service["id"])
    other = file_number(fine.customer, "Question", service=fine.service["id"])

    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        banner = app.screen.query_one(IncidentBanner)
        assert banner.display
        shown = str(banner.render())
        assert f"#{declared['number']} web-77 lost power" in shown and f"#{linked}" in shown
        rows = set(shown_numbers(app))
        assert {early, other} <= rows and linked not in rows  # folded under the incident

        await pilot.press("W")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "enter")  # after "anywhere": the incident's server
        await settle(pilot)
        assert shown_numbers(app) == [early]
        assert "on web-77" in status_line(app)

        await pilot.press("x", "i")
        await settle(pilot)
        await pilot.press("down", "enter")  # the incident: its tickets unfolded
        await settle(pilot)
        assert shown_numbers(app) == [linked]
        assert f"incident #{declared['number']}" in status_line(app)

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        header = str(app.screen.query_one(TicketHeader).render())
        assert "(suspended) on web-77/FRA-1" in header
        assert f"INCIDENT #{declared['number']} web-77 lost power" in header


async def test_staff_declare_update_and_resolve_from_the_admin_app(
    live: Live, agent: Person, admin_app: Callable[..., PadcomAdmin]
) -> None:
    hit = hosted(live, agent, "web-88", "hit.example")
    app = build_app(live.url, agent.token, clock=utc_now)  # the dashboard's period is now
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert isinstance(app.screen, IncidentsScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, DeclareScreen)
        app.screen.query_one("#title", Input).value = "web-88 disk full"
        app.screen.query_one("#servers", Input).value = "web-88"
        app.screen.query_one("#text", TextArea).text = "Sites on web-88 fail to save."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IncidentsScreen)
        mine = [i for i in app.screen.incidents if i["title"] == "web-88 disk full"]
        assert mine and mine[0]["servers"] == ["web-88"]
        number = mine[0]["number"]
        seen = hit.customer.api().get("/incidents").json()
        assert [i["number"] for i in seen] == [number]
        ticket = file_number(hit.customer, "Cannot save", service=hit.service["id"])

        app.screen.query_one(DataTable).move_cursor(row=app.screen.incidents.index(mine[0]))
        await pilot.press("u")
        await settle(pilot)
        app.screen.query_one(TextArea).text = "Cleaning up old backups."
        await pilot.press("ctrl+s")
        await settle(pilot)
        replies = hit.customer.api().get(f"/tickets/{ticket}/messages").json()
        assert "Cleaning up old backups." in replies[-1]["body"]

        await pilot.press("R")
        await settle(pilot)
        app.screen.query_one(TextArea).text = "Space is free again."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert hit.customer.api().get(f"/tickets/{ticket}").json()["status"] == "resolved"
        assert hit.customer.api().get("/incidents").json() == []

        await pilot.press("escape", "d")
        await settle(pilot)
        assert re.search(r"\d+ incidents? \(\d+ tickets?\), resolved in", status_line(app))


async def test_a_ticket_filed_before_the_incident_is_linked_and_unlinked_by_key(
    live: Live, agent: Person, admin_app: Callable[..., PadcomAdmin]
) -> None:
    early = hosted(live, agent, "web-55", "early.example")
    number = file_number(early.customer, "Pages are slow", service=early.service["id"])
    incident = (
        agent.api()
        .post("/incidents", json={"title": "web-56 overloaded", "servers": ["web-56"]})
        .json()["number"]
    )
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_ticket(number)
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        ticket = app.screen
        listed = {(b.key, b.description) for _, b in shown_bindings(ticket)}  # what ? lists
        assert {("i", "Link to an incident"), ("I", "Unlink from an incident")} <= listed

        await pilot.press("I")
        await settle(pilot)
        assert app.screen is ticket  # linked to none: nothing to choose
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert f"#{incident} web-56 overloaded · web-56" in screen_text(app)
        choices = app.screen.options
        await pilot.press(*["down"] * [v for _, v in choices].index(str(incident)), "enter")
        await settle(pilot)
        assert app.screen is ticket
        linked = agent.api().get(f"/incidents/{incident}").json()["tickets"]
        assert [t["number"] for t in linked] == [number]
        header = str(ticket.query_one(TicketHeader).render())  # not its server's: a link
        assert f"Linked incident #{incident} (acknowledged)" in header

        await pilot.press("i")
        await settle(pilot)  # every open incident it is not on: maybe none
        if isinstance(app.screen, ChoiceScreen):
            assert str(incident) not in [v for _, v in app.screen.options]
            await pilot.press("escape")
        await pilot.press("I")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert [v for _, v in app.screen.options] == [str(incident)]
        await pilot.press("enter")
        await settle(pilot)
        assert agent.api().get(f"/incidents/{incident}").json()["tickets"] == []
        assert app.screen is ticket
        assert f"incident #{incident}" not in str(ticket.query_one(TicketHeader).render())


async def test_the_incidents_list_follows_changes_made_elsewhere(
    live: Live, agent: Person, admin_app: Callable[..., PadcomAdmin]
) -> None:
    colleague = live.person("agent")
    app = admin_app(live=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.live_state == "connected")
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert isinstance(app.screen, IncidentsScreen)
        screen = app.screen
        made = colleague.api().post(
            "/incidents", json={"title": "dc FRA-9 power", "datacenters": ["FRA-9"]}
        )
        number = made.json()["number"]
        await until(pilot, lambda: any(i["number"] == number for i in screen.incidents))
        banner = app.screen_stack[-2].query_one(IncidentBanner)  # the queue's, underneath
        await until(pilot, lambda: f"#{number} dc FRA-9 power" in str(banner.render()))
        colleague.api().post(f"/incidents/{number}/updates", json={"body": "Generator on."})
        await until(
            pilot,
            lambda: any(
                u.get("body") == "Generator on."
                for i in screen.incidents
                if i["number"] == number
                for u in i.get("updates", [])
            ),
        )
        colleague.api().post(f"/incidents/{number}/resolve", json={"body": "Mains back."})
        await until(pilot, lambda: all(i["number"] != number for i in screen.incidents))
        await until(pilot, lambda: f"#{number}" not in str(banner.render()))
