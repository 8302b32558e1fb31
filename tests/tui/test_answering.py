"""Answering well in the admin app: a canned reply beside the conversation, send and set
waiting in one key, quoting, a draft that survives a crash, and macros on one ticket or many.

The "website down" story counts the agent's keystrokes: the issue's goal is fewer
than five after the reply is chosen (it takes one: f2).
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.canned_picker import CannedPicker
from padcom_tui.screens.choice import ChoiceScreen
from padcom_tui.screens.queue import QueueScreen
from padcom_tui.screens.ticket import TicketScreen
from padcom_tui.widgets.conversation import Conversation
from padcom_tui.widgets.reply_pane import ReplyPane
from tests.support.live import Live, Person
from tests.support.tickets import file_ticket
from tests.tui.conftest import screen_text, settle, shown_numbers, until
from tests.tui.test_queue import search
from tests.tui.test_ticket import open_ticket, ticket_as


class Keys:
    """Presses keys and counts them, as the agent's fingers would."""

    def __init__(self, pilot: Pilot[None]) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)
        await settle(self.pilot)


def _shared_reply(admin: Person, name: str, body: str) -> int:
    made = admin.api().post("/canned-replies", json={"name": name, "body": body, "shared": True})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _editor(app: PadcomAdmin) -> ReplyPane:
    return app.screen.query_one(ReplyPane)


async def test_website_down_answered_with_a_canned_reply_and_set_waiting_in_one_key(
    live: Live, admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    admin = live.person("admin")
    _shared_reply(
        admin,
        f"Website down {word}",
        "Hello {customer.name}, we are looking at {service.label} (#{ticket.number}). "
        "Please send the error log.\n{agent.name}",
    )
    ticket = file_ticket(customer, f"{word} website down", body="Our shop shows error 500.")
    app = admin_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await search(pilot, word)  # the queue, narrowed to this test's ticket
        keys = Keys(pilot)
        await keys.press("enter")  # open it
        assert isinstance(app.screen, TicketScreen)
        opened = keys.count
        await keys.press("ctrl+g")  # the editor opens beside the conversation, the picker over it
        assert isinstance(app.screen, CannedPicker)
        await keys.press(*word[:5], "enter")  # a few letters of its name, enter
        await until(pilot, lambda: "Please send the error log." in _editor(app).text)
        chosen = keys.count
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.query_one(Conversation).display  # the customer's words stay in view
        assert "Our shop shows error 500." in screen_text(app)
        await keys.press("f2")  # send and set waiting: done, back to the queue
        await until(pilot, lambda: isinstance(app.screen, QueueScreen))
        after_choice = keys.count - chosen
    assert (opened, chosen - opened, after_choice) == (1, 7, 1)
    now = ticket_as(admin, ticket["number"])
    assert now["status"] == "waiting"
    sent = customer.api().get(f"/tickets/{ticket['number']}/messages").json()[-1]["body"]
    label = ticket["service"]["label"]
    assert sent.startswith(
        f"Hello {customer.user.name}, we are looking at {label} (#{now['number']})"
    )


async def test_on_a_narrow_terminal_the_editor_toggles_with_the_conversation(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    file_ticket(customer, f"{word} narrow", body="The backup did not run last night.")
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(pilot, word)
        await pilot.press("r")
        await settle(pilot)
        assert _editor(app).display and not screen.query_one("TabbedContent").display
        _editor(app).area.insert("Checking the backup job.")
        await pilot.press("ctrl+t")  # peek at the conversation; the draft waits
        assert screen.query_one("TabbedContent").display and not _editor(app).display
        assert "The backup did not run" in screen_text(app)
        await pilot.press("ctrl+t")
        assert _editor(app).display and _editor(app).text == "Checking the backup job."


async def test_the_message_under_the_cursor_is_quoted_into_the_reply(
    admin_app: Callable[..., PadcomAdmin], customer: Person, agent: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} quote", body="The DNS for shop.example is wrong.")
    agent.api().post(f"/tickets/{ticket['number']}/messages", json={"body": "Which record?"})
    app = admin_app()
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_ticket(pilot, word)
        screen.query_one(Conversation).focus()
        await pilot.press("up")  # from the latest message to the customer's request
        await pilot.press("greater_than_sign")
        await settle(pilot)
        text = _editor(app).text
        assert text.startswith(f"{customer.user.name} wrote:\n> The DNS for shop.example is wrong.")
        assert _editor(app).area.has_focus


async def test_a_draft_survives_a_crash_and_is_gone_once_sent(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str, tmp_path: Path
) -> None:
    ticket = file_ticket(customer, f"{word} crash")
    first = admin_app(state_dir=tmp_path)
    async with first.run_test(size=(120, 36)) as pilot:
        await open_ticket(pilot, word)
        await pilot.press("r")
        await pilot.press(*"Half an answer")
        await pilot.pause(0.6)  # the draft reaches the disk a moment after the last key
        files = list((tmp_path / "drafts").iterdir())
        assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "drafts").stat().st_mode) == 0o700
    # the connection dropped: the app is gone without a word; it starts again
    again = admin_app(state_dir=tmp_path)
    async with again.run_test(size=(120, 36)) as pilot:
        await open_ticket(pilot, word)
        assert _editor(again).display and _editor(again).text == "Half an answer"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not list((tmp_path / "drafts").iterdir())
    bodies = [m["body"] for m in customer.api().get(f"/tickets/{ticket['number']}/messages").json()]
    assert bodies == ["Half an answer"]


async def _macro(agent: Person, name: str, actions: list[dict[str, Any]]) -> int:
    made = agent.api().post("/macros", json={"name": name, "actions": actions})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


async def _choose(pilot: Pilot[None], label: str) -> None:
    choice = pilot.app.screen
    assert isinstance(choice, ChoiceScreen)
    index = next(i for i, (text, _v) in enumerate(choice.options) if text.startswith(label))
    await pilot.press(*["down"] * index, "enter")
    await settle(pilot)


async def test_a_macro_on_the_ticket_screen_and_on_a_selection_in_the_queue(
    admin_app: Callable[..., PadcomAdmin], customer: Person, agent: Person, word: str
) -> None:
    name = f"Spam {word}"
    await _macro(agent, name, [{"action": "status", "value": "closed"},
                               {"action": "add_tags", "value": ["spam"]}])  # fmt: skip
    one = file_ticket(customer, f"{word} pills one")
    two, three = (file_ticket(customer, f"{word} pills batch {n}") for n in ("two", "three"))
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_ticket(pilot, f"{word} pills one")
        await pilot.press("M")
        await settle(pilot)
        await _choose(pilot, name)
        assert ticket_as(agent, one["number"])["tags"] == ["spam"]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one("#search", Input).value = f"{word} batch"  # whole words
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(shown_numbers(app)) == sorted([two["number"], three["number"]])
        await pilot.press("space", "down", "space")
        assert "2 selected" in screen_text(app)
        await pilot.press("M")
        await settle(pilot)
        await _choose(pilot, name)
        await until(pilot, lambda: any("Applied to 2" in n.message for n in app._notifications))
    for number in (two["number"], three["number"]):
        now = ticket_as(agent, number)
        assert (now["status"], now["tags"]) == ("closed", ["spam"])


async def test_tags_show_in_the_queue_and_filter_it(
    admin_app: Callable[..., PadcomAdmin], customer: Person, agent: Person, word: str
) -> None:
    tagged = file_ticket(customer, f"{word} outage")
    file_ticket(customer, f"{word} other")
    agent.api().post(f"/tickets/{tagged['number']}/tags", json={"add": [f"t{word}"]})
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await search(pilot, word)
        assert f"#t{word}" in screen_text(app)
        await pilot.press("t")
        await settle(pilot)
        await _choose(pilot, f"t{word}")
        assert shown_numbers(app) == [tagged["number"]]
        assert f"tag t{word}" in screen_text(app)


async def test_an_agent_edits_a_tickets_tags_on_its_screen(
    admin_app: Callable[..., PadcomAdmin], customer: Person, agent: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} tag me")
    agent.api().post(f"/tickets/{ticket['number']}/tags", json={"add": ["old"]})
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_ticket(pilot, word)
        assert "#old" in screen_text(app)
        await pilot.press("t")
        editor = app.screen.query_one("#tags", Input)
        assert editor.value == "old"
        editor.value = "Outage fra1"
        await pilot.press("enter")
        await settle(pilot)
        await until(pilot, lambda: "#fra1 #outage" in screen_text(app))
    assert ticket_as(agent, ticket["number"])["tags"] == ["fra1", "outage"]
    assert "tags" not in ticket_as(customer, ticket["number"])
