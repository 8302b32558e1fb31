"""Two flows of the phone-and-duplicates day in padcom-admin, driven key by key with Pilot:
merging a duplicate into the ticket it repeats (and undoing it), and filing a ticket for a
customer who phoned. The keys pressed here are the keystrokes the report counts."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, OptionList, TextArea

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.confirm import ConfirmScreen
from padcom_tui.screens.merge_dialog import MergeScreen
from padcom_tui.screens.new_ticket import NewTicketScreen
from padcom_tui.screens.ticket import TicketScreen
from tests.support.live import Live, Person
from tests.support.tickets import file_number
from tests.tui.conftest import screen_text, settle, until
from tests.tui.test_ticket import open_ticket, ticket_as


async def test_the_agent_merges_a_duplicate_by_number_and_can_undo_it(
    admin_app: Callable[..., PadcomAdmin], customer: Person, agent: Person, word: str
) -> None:
    target = file_number(customer, "Shop shows error 500")
    duplicate = file_number(customer, f"{word} shop down again")
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_ticket(pilot, word)
        await pilot.press("D")  # 1 key: the merge dialog
        assert isinstance(app.screen, MergeScreen)
        await pilot.press(*str(target), "enter")  # the number, Enter: read the target
        await settle(pilot)
        assert "Shop shows error 500" in screen_text(app)
        assert "Enter merges; the customers are told." in screen_text(app)
        await pilot.press("enter")  # Enter again: merged
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        await until(pilot, lambda: ticket_as(agent, duplicate)["merged_into"] == target)
        assert ticket_as(agent, duplicate)["status"] == "closed"
        assert ticket_as(agent, target)["merged"] == [duplicate]
        await settle(pilot)

        await pilot.press("D")  # on a merged ticket the same key offers the undo
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: ticket_as(agent, duplicate)["merged_into"] is None)
        assert ticket_as(agent, target)["merged"] == []


async def test_the_merge_dialog_warns_before_crossing_organizations(
    admin_app: Callable[..., PadcomAdmin], live: Live, customer: Person, agent: Person, word: str
) -> None:
    stranger = live.person("customer")
    elsewhere = file_number(stranger, "Their outage")
    duplicate = file_number(customer, f"{word} our outage")
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_ticket(pilot, word)
        await pilot.press("D", *str(duplicate), "enter")
        await settle(pilot)
        assert "That is this ticket" in screen_text(app)
        dialog = app.screen.query_one(Input)
        dialog.value = str(elsewhere)
        await pilot.press("enter")
        await settle(pilot)
        assert "Another organization: Enter merges across organizations" in screen_text(app)
        await pilot.press("escape")  # thought better of it
        await settle(pilot)
        assert ticket_as(agent, duplicate)["merged_into"] is None


async def test_the_agent_files_a_ticket_for_a_customer_on_the_phone(
    admin_app: Callable[..., PadcomAdmin], live: Live, agent: Person
) -> None:
    org = live.organization(name=f"Bäckerei Phone {id(agent)}")
    caller = live.person("customer", org=org)
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("N")  # 1 key: the new-ticket screen
        screen = app.screen
        assert isinstance(screen, NewTicketScreen)
        await pilot.press(*"Phone", "enter")  # part of the company's name, Enter: the matches
        await settle(pilot)
        matches = screen.query_one(OptionList)
        assert matches.option_count == 1 and caller.email in str(
            matches.get_option_at_index(0).prompt
        )
        await pilot.press("enter")  # Enter: this customer; the cursor goes to the subject
        assert isinstance(app.focused, Input) and app.focused.id == "subject"
        await pilot.press(*"FTP refused", "enter")  # subject, Enter: on to the text
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"since noon", "ctrl+s")  # the text, Ctrl+S: filed
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)  # the new ticket, open
        number = app.screen.number
        ticket = ticket_as(agent, number)
        assert ticket["requester"]["id"] == caller.id
        assert (ticket["subject"], ticket["body"]) == ("FTP refused", "since noon")
        created = agent.api().get(f"/tickets/{number}/events").json()[0]
        assert created["actor"]["id"] == agent.id
        assert created["changes"]["on_behalf_of"] == caller.id


async def test_filing_needs_a_customer_first(
    admin_app: Callable[..., PadcomAdmin], agent: Person
) -> None:
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await pilot.press(*"zz-nobody-zz", "enter")
        await settle(pilot)
        assert "No customer matches" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Choose the customer first" in screen_text(app)
        assert isinstance(app.screen, NewTicketScreen)
