"""The staff desk in the admin app, as an agent uses it without the mouse: jump to #N,
move with vim keys, switch saved views, select many tickets and change them in one go,
read the customer's other tickets, and find what a customer deleted."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.bulk_tags import BulkTagDialog
from padcom_tui.screens.confirm import ConfirmScreen
from padcom_tui.screens.goto import GotoScreen
from padcom_tui.screens.help import HelpScreen
from padcom_tui.screens.queue import QueueScreen
from padcom_tui.screens.ticket import TicketScreen
from padcom_tui.widgets.conversation import Conversation
from padcom_tui.widgets.related_tickets import RelatedTickets
from padcom_tui.widgets.ticket_table import TicketTable
from tests.support.live import Live, Person
from tests.support.tickets import file_ticket
from tests.tui.conftest import screen_text, settle, shown_numbers, shown_rows, status_line, until
from tests.tui.test_queue import search


async def _goto(pilot: object, key: str, typed: str) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    await pilot.press(key)  # type: ignore[attr-defined]
    assert isinstance(app.screen, GotoScreen)
    app.screen.query_one("#goto", Input).insert_text_at_cursor(typed)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_hash_or_g_then_a_number_opens_that_ticket_from_anywhere(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    first = file_ticket(customer, f"{word} first")["number"]
    second = file_ticket(customer, f"{word} second")["number"]
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _goto(pilot, "number_sign", str(first))
        assert isinstance(app.screen, TicketScreen) and app.screen.number == first
        await _goto(pilot, "g", f"#{second}")  # from the ticket screen, as people write it
        assert isinstance(app.screen, TicketScreen) and app.screen.number == second
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)  # back goes to the queue, not to #first

        await _goto(pilot, "g", "2147483000")
        assert isinstance(app.screen, QueueScreen)
        assert any("no ticket #2147483000" in n.message for n in app._notifications)
        await pilot.press("g")
        app.screen.query_one("#goto", Input).insert_text_at_cursor("four")
        await pilot.press("enter")
        assert isinstance(app.screen, GotoScreen)  # refused in the dialog: no request
        assert "no ticket number" in screen_text(app)
        await pilot.press("escape")
        offered = {c.title for c in app.get_system_commands(app.screen)}
        assert "Go to #" in offered  # and in the command palette


async def test_vim_keys_home_and_end_move_in_the_queue_and_help_names_q(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    for i in range(4):
        file_ticket(customer, f"{word} row {i}")
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search(pilot, word)
        table = app.screen.query_one(TicketTable)
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("end")
        assert table.cursor_row == 3
        await pilot.press("home")
        assert table.cursor_row == 0
        footer = screen_text(app).splitlines()[-1]
        assert footer.startswith(" q Quit ? Help") or footer.startswith("q Quit ? Help")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_lines = screen_text(app).splitlines()
        assert any(" q " in f" {ln} " and "Quit" in ln for ln in help_lines)
        assert not any("ctrl+q" in ln for ln in help_lines)


async def test_a_ticket_opens_at_its_first_line_and_ends_without_a_blank_line(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    log = "\n".join(f"line {i} of the log" for i in range(1, 201)) + "\n\n"
    number = file_ticket(customer, f"{word} long log", log)["number"]
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _goto(pilot, "g", str(number))
        await pilot.pause(0.2)
        conversation = app.screen.query_one(Conversation)
        assert conversation.scroll_y == 0
        assert "line 1 of the log" in screen_text(app)
        body = conversation.children[0].render()
        assert str(body).endswith("line 200 of the log")


async def test_number_keys_switch_saved_views_and_w_saves_one(
    admin_app: Callable[..., PadcomAdmin], live: Live, agent: Person, customer: Person, word: str
) -> None:
    urgent = file_ticket(customer, f"{word} urgent", priority="urgent")["number"]
    file_ticket(customer, f"{word} low", priority="low")
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # the shared default "unassigned urgent"
        await settle(pilot)
        assert "view unassigned urgent" in status_line(app)
        assert urgent in shown_numbers(app)
        assert all(r["priority"] in ("URG", "high") for r in shown_rows(app))
        await search(pilot, word)
        await pilot.press("w")
        app.screen.query_one("#prompt", Input).insert_text_at_cursor(f"{word} fires")
        await pilot.press("enter")
        await settle(pilot)
    saved = [v for v in agent.api().get("/views").json() if v["name"] == f"{word} fires"]
    assert saved and saved[0]["filters"]["q"] == word and saved[0]["mine"]
    position = saved[0]["position"]
    again = admin_app()  # another machine: the view came along from the server
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        if position <= 9:
            await pilot.press(str(position))
            await settle(pilot)
            assert shown_numbers(again) == [urgent]


async def test_twelve_tickets_of_one_outage_are_assigned_in_one_go(
    admin_app: Callable[..., PadcomAdmin], live: Live, agent: Person, customer: Person, word: str
) -> None:
    numbers = [file_ticket(customer, f"{word} outage {i}")["number"] for i in range(12)]
    colleague = live.person("agent")
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await search(pilot, word)
        await pilot.press("space", "shift+down")  # three by hand: one, then two more
        assert "3 selected" in status_line(app)
        await pilot.press("escape")  # esc unselects
        assert "selected" not in status_line(app)
        await pilot.press("asterisk")  # then all twelve matching
        await settle(pilot)
        assert "12 selected" in status_line(app)
        # a colleague changes one of them meanwhile: its version moves on
        colleague.api().patch(
            f"/tickets/{numbers[5]}", json={"priority": "high"}, headers={"If-Match": '"1"'}
        ).raise_for_status()
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(
            "home", "enter"
        )  # "me" is offered first ("nobody", as now, is highlighted)
        assert isinstance(app.screen, ConfirmScreen)
        assert "12 tickets" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: any("1 refused" in n.message for n in app._notifications))
        (text,) = [n.message for n in app._notifications if "refused" in n.message]
        assert "11 tickets assignee" in text and f"#{numbers[5]} changed by someone" in text
        assert "1 selected" in status_line(app)  # the refused one stays selected for a retry
    for number in numbers:
        ticket = agent.api().get(f"/tickets/{number}").json()
        assigned = (ticket["assignee"] or {}).get("id")
        assert assigned == (None if number == numbers[5] else agent.id), number


async def test_the_tickets_of_one_outage_are_tagged_in_one_go_whatever_changed_meanwhile(
    admin_app: Callable[..., PadcomAdmin], agent: Person, customer: Person, word: str
) -> None:
    numbers = [file_ticket(customer, f"{word} tag {i}")["number"] for i in range(3)]
    agent.api().post(f"/tickets/{numbers[0]}/tags", json={"add": ["spam"]}).raise_for_status()
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await search(pilot, word)
        await pilot.press("asterisk")
        await settle(pilot)
        assert "3 selected (T: tag, M: macro)" in status_line(app)
        customer.api().post(f"/tickets/{numbers[1]}/messages", json={"body": "Any news?"})
        await pilot.press("T")
        assert isinstance(app.screen, BulkTagDialog)
        assert "on them now: spam (1)" in screen_text(app)
        await pilot.press(*"Outage fra1", "tab", *"spam", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Add outage, fra1; remove spam on 3 tickets" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: any("tagged" in n.message for n in app._notifications))
        (text,) = [n.message for n in app._notifications if "tagged" in n.message]
        assert text == "3 tickets tagged (add outage, fra1; remove spam)"  # the reply refused none
        assert "selected" not in status_line(app)
        assert {row["subject"] for row in shown_rows(app)} == {
            f"{word} tag {i} #fra1 #outage" for i in range(3)
        }
        await pilot.press("T", *("x" * 40), "enter", "y")  # the ticket under the cursor
        await settle(pilot)
        await until(pilot, lambda: any("at most 32" in n.message for n in app._notifications))
    for number in numbers:
        assert agent.api().get(f"/tickets/{number}").json()["tags"] == ["fra1", "outage"]


async def test_the_customer_tab_lists_their_other_tickets_open_first_and_jumps(
    admin_app: Callable[..., PadcomAdmin], live: Live, agent: Person, word: str
) -> None:
    org = live.organization()
    anna, ben = live.person("customer", org=org), live.person("customer", org=org)
    done = file_ticket(anna, f"{word} old question")["number"]
    agent.api().patch(
        f"/tickets/{done}", json={"status": "resolved"}, headers={"If-Match": '"1"'}
    ).raise_for_status()
    still = file_ticket(anna, f"{word} still open")["number"]
    colleague = file_ticket(ben, f"{word} colleague's")["number"]
    shown = file_ticket(anna, f"{word} this one")["number"]
    app = admin_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _goto(pilot, "g", str(shown))
        await pilot.press("2")
        related = app.screen.query_one(RelatedTickets)
        ids = [related.get_option_at_index(i).id for i in range(related.option_count)]
        numbers = [int(i) for i in ids if i]
        assert numbers == [still, done, colleague]  # hers open first, then the organization's
        related.focus()
        related.highlighted = ids.index(str(colleague))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.number == colleague


async def test_a_deleted_ticket_leaves_the_queue_and_is_found_under_the_filter(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    kept = file_ticket(customer, f"{word} kept")["number"]
    gone = file_ticket(customer, f"{word} taken back")["number"]
    customer.api().delete(f"/tickets/{gone}").raise_for_status()
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await search(pilot, word)
        assert shown_numbers(app) == [kept]
        assert "1 ticket ·" in status_line(app)
        await pilot.press("f", "down", "down", "down", "down", "enter")  # deleted by the customer
        await settle(pilot)
        assert shown_numbers(app) == [gone]
        assert "deleted by the customer" in status_line(app)
        assert shown_rows(app)[0]["sla"] == "-"  # its clock stopped
        await pilot.press("enter")
        await settle(pilot)
        assert "DELETED by the customer" in screen_text(app)
