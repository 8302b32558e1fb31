"""An outage in the admin app: the incident is one line above the queue with its tickets
folded under it (``i`` unfolds them), the queue narrows to its server with ``w``, and the
ticket shows its service's state, place and the incident."""

from __future__ import annotations

from collections.abc import Callable

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.choice import ChoiceScreen
from padcom_tui.screens.ticket import TicketScreen
from padcom_tui.widgets.incident_banner import IncidentBanner
from padcom_tui.widgets.ticket_header import TicketHeader
from tests.hosting.support import hosted
from tests.support.live import Live, Person
from tests.support.tickets import file_number
from tests.tui.conftest import settle, shown_numbers, status_line


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

        await pilot.press("w")
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
