"""An admin runs the company from padcom-admin alone; an agent may look but not change.

The admin adds an organization with its VPS, invites its customer, sees the
invitation pending, deactivates a person (whose token stops at once), revokes a
leaked token and finds each change in the audit tab. Staff with two-factor
sign-in on are asked for the code at the sign-in screen.
"""

from __future__ import annotations

import time

import httpx
import pyotp
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.administration import AdministrationScreen
from padcom_tui.screens.enrol import EnrolScreen
from padcom_tui.screens.form import FormScreen
from padcom_tui.screens.queue import QueueScreen
from tests.support.live import Live, Person
from tests.tui.conftest import build_app, settle, sign_in


def _cells(app: PadcomAdmin, tab: str) -> list[list[str]]:
    table = app.screen.query_one(f"#table-{tab}", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def _fill(pilot: Pilot[None], values: dict[str, str]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, FormScreen)
    for key, value in values.items():
        screen.query_one(f"#field-{key}", Input).value = value
    screen.query_one("#save", Button).press()
    await settle(pilot)


async def _open(pilot: Pilot[None]) -> AdministrationScreen:
    await settle(pilot)
    await pilot.press("A")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AdministrationScreen)
    return screen


async def test_an_admin_adds_an_organization_with_its_vps_and_invites_its_customer(
    live: Live,
) -> None:
    admin = live.person("admin")
    app = build_app(live.url, admin.token)
    async with app.run_test(size=(120, 36)) as pilot:
        await _open(pilot)
        await pilot.press("n")
        await _fill(pilot, {"name": "Nordlicht Media GmbH", "customer_number": "N-4711"})
        row = next(r for r in _cells(app, "orgs") if r[2] == "Nordlicht Media GmbH")
        table = app.screen.query_one("#table-orgs", DataTable)
        table.move_cursor(row=[r[2] for r in _cells(app, "orgs")].index("Nordlicht Media GmbH"))
        await settle(pilot)
        await pilot.press("4", "n")
        await _fill(pilot, {"kind": "vps", "label": "vps-214.nordlicht.example", "plan": "VPS L"})
        assert _cells(app, "services")[0][1:4] == ["vps", "vps-214.nordlicht.example", "VPS L"]
        await pilot.press("2", "n")
        await _fill(
            pilot, {"email": "jonas@nordlicht.example", "name": "Jonas", "organization": row[0]}
        )
        invited = next(r for r in _cells(app, "people") if r[2] == "jonas@nordlicht.example")
        assert invited[4] == "Nordlicht Media GmbH" and invited[5] == "invited"
        await pilot.press("5")
        await settle(pilot)
        actions = [r[2] for r in _cells(app, "audit")][:3]
        assert actions == ["user.invited", "service.added", "org.added"]


async def test_a_long_name_is_shown_whole_even_when_drawn_before_the_table_settles(
    live: Live,
) -> None:
    admin = live.person("admin")
    app = build_app(live.url, admin.token)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot)
        name = "Bäckerei Huber und Söhne Webdesign"
        screen._show("orgs", [{"id": 7, "customer_number": "C10001", "name": name}])
        table = screen.query_one("#table-orgs", DataTable)
        drawn = table.render_line(1).text  # drawn now, before the table's own idle pass
        assert name in drawn


async def test_an_admin_deactivates_a_person_and_revokes_a_leaked_token(live: Live) -> None:
    admin, leaky = live.person("admin"), live.person("customer")
    app = build_app(live.url, admin.token)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot)
        await pilot.press("2")
        screen.query_one("#admin-search", Input).value = leaky.email
        await pilot.press("slash", "enter")
        await settle(pilot)
        assert [r[2] for r in _cells(app, "people")] == [leaky.email]
        await pilot.press("3")
        await settle(pilot)
        assert [r[6] for r in _cells(app, "tokens")] == ["live"]
        await pilot.press("v")
        await settle(pilot)
        assert [r[6] for r in _cells(app, "tokens")] == ["revoked"]
        assert leaky.api().get("/me").status_code == 401
        await pilot.press("2", "x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert _cells(app, "people")[0][5] == "inactive"
        await pilot.press("5")
        await settle(pilot)
        assert [r[2] for r in _cells(app, "audit")][:2] == ["user.changed", "token.revoked"]


async def test_an_agent_may_look_but_not_change(live: Live) -> None:
    agent = live.person("agent")
    live.organization()
    app = build_app(live.url, agent.token)
    async with app.run_test(size=(120, 36)) as pilot:
        await _open(pilot)
        before = len(_cells(app, "orgs"))
        assert before >= 1
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AdministrationScreen)  # no form opened
        assert "agents may look" in str(app.screen.query_one("#admin-note").render())
        await pilot.press("5")
        await settle(pilot)
        assert "audit trail is for administrators" in str(
            app.screen.query_one("#admin-note").render()
        )
        assert len(_cells(app, "orgs")) == before


async def test_staff_with_two_factor_sign_in_are_asked_for_the_code(live: Live) -> None:
    agent: Person = live.person("agent")
    api = agent.api()
    secret = api.post("/me/totp").json()["secret"]
    assert api.post("/me/totp/confirm", json={"code": pyotp.TOTP(secret).now()}).status_code == 200
    app = build_app(live.url, None)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, agent.email, agent.password)
        assert "Enter the code" in str(screen.query_one("#problem").render())
        code = screen.query_one("#code", Input)
        assert code.display and code.has_focus
        code.value = pyotp.TOTP(secret).at(time.time() + 30)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_an_admin_without_a_second_factor_enrols_at_the_sign_in(live: Live) -> None:
    admin = live.person("admin")
    app = build_app(live.url, None)
    async with app.run_test(size=(100, 50)) as pilot:
        await sign_in(pilot, admin.email, admin.password)
        screen = app.screen
        assert isinstance(screen, EnrolScreen)
        assert "█" in str(screen.query_one("#qr").render())  # the QR code, drawn in text
        code = screen.query_one("#code", Input)
        code.value = "000000"
        await pilot.press("enter")
        await settle(pilot)
        assert "wrong" in str(screen.query_one("#enrol-problem").render())
        code.value = pyotp.TOTP(screen.secret).now()
        await pilot.press("enter")
        await settle(pilot)
        assert len(screen.recovery_codes) == 10
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.client.call("GET", "/users")  # the same token, now a full one
    with httpx.Client(base_url=f"{live.url}/api/v1") as anonymous:
        body = {"email": admin.email, "password": admin.password}
        assert anonymous.post("/auth/login", json=body).json()["error"]["code"] == "totp_required"


async def test_an_admin_requires_two_factor_sign_in_for_agents(live: Live) -> None:
    admin, agent = live.person("admin"), live.person("agent")
    app = build_app(live.url, admin.token)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot)
        assert "required for: admin" in str(screen.query_one("#admin-title").render())
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "required for: agent, admin" in str(screen.query_one("#admin-title").render())
        with httpx.Client(base_url=f"{live.url}/api/v1") as anonymous:
            body = {"email": agent.email, "password": agent.password}
            assert anonymous.post("/auth/login", json=body).json()["scope"] == "enrol"
        await pilot.press("5")
        await settle(pilot)
        assert _cells(app, "audit")[0][2] == "settings.changed"
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "required for: admin" in str(screen.query_one("#admin-title").render())
