"""Working a ticket: read it, answer the customer, leave a note, triage it, survive a conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import TextArea

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.choice import ChoiceScreen
from padcom_tui.screens.confirm import ConfirmScreen
from padcom_tui.screens.conflict import ConflictScreen
from padcom_tui.screens.queue import QueueScreen
from padcom_tui.screens.ticket import TicketScreen
from padcom_tui.widgets.reply_pane import ReplyPane
from tests.live.proxy import LosingProxy
from tests.support.live import Live, Person
from tests.support.tickets import file_ticket
from tests.tui.conftest import build_app, screen_text, settle, shown_rows
from tests.tui.test_queue import search


async def open_ticket(pilot: Pilot[None], word: str) -> TicketScreen:
    await settle(pilot)
    await search(pilot, word)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TicketScreen)
    return screen


def ticket_as(person: Person, number: int) -> dict[str, Any]:
    return person.api().get(f"/tickets/{number}").json()  # type: ignore[no-any-return]


async def choose(pilot: Pilot[None], key: str, label: str) -> None:
    """Press ``key`` and pick ``label`` in the list it opens."""
    await pilot.press(key)
    choice = pilot.app.screen
    assert isinstance(choice, ChoiceScreen)
    labels = [label for label, _value in choice.options]
    current = next((i for i, (_l, v) in enumerate(choice.options) if v == choice.current), 0)
    target = next(i for i, text in enumerate(labels) if text.startswith(label))
    step = "down" if target >= current else "up"
    await pilot.press(*[step] * abs(target - current), "enter")
    await settle(pilot)


async def test_the_agent_reads_the_whole_ticket(
    admin_app: Callable[..., PadcomAdmin], customer: Person, agent: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} site down", body="Our shop shows error 500.")
    agent.api().post(
        f"/tickets/{ticket['number']}/messages",
        json={"body": "Checked the logs, PHP memory limit.", "internal": True},
    ).raise_for_status()
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_ticket(pilot, word)
        text = screen_text(app)
        assert f"#{ticket['number']}" in text and f"{word} site down" in text
        assert "Our shop shows error 500." in text
        assert "INTERNAL NOTE" in text and "Checked the logs" in text
        await pilot.press("2")  # the Customer tab
        await pilot.pause()
        text = screen_text(app)
        assert customer.user.name in text and customer.email in text
        assert "webhosting" in text
        await pilot.press("3")  # History
        await pilot.pause()
        assert f"filed: {word} site down" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert screen.number in [int(r["number"].lstrip("✓● ")) for r in shown_rows(app)]


async def test_reply_and_internal_note_reach_the_server(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} mail bounces")
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(pilot, word)
        await pilot.press("r")
        app.screen.query_one(TextArea).insert("We raised the quota, please try again.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("n")
        app.screen.query_one(TextArea).insert("Quota was at 100%, raised to 10 GB.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "INTERNAL NOTE" in screen_text(app)

    seen_by_customer = customer.api().get(f"/tickets/{ticket['number']}/messages").json()
    assert [m["body"] for m in seen_by_customer] == ["We raised the quota, please try again."]


async def test_leaving_the_editor_keeps_the_draft(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} draft")
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(pilot, word)
        await pilot.press("r")
        app.screen.query_one(TextArea).insert("half a thought")
        await pilot.press("escape")  # back to the conversation: nothing is thrown away
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert not app.screen.query_one(ReplyPane).display
        await pilot.press("r")  # keep writing
        assert app.screen.query_one(TextArea).text == "half a thought"
    assert customer.api().get(f"/tickets/{ticket['number']}/messages").json() == []


async def test_status_priority_category_and_assignee_change_by_key(
    admin_app: Callable[..., PadcomAdmin], customer: Person, agent: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} triage")
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(pilot, word)
        await choose(pilot, "s", "waiting")
        await choose(pilot, "p", "urgent")
        await choose(pilot, "c", "security")
        await choose(pilot, "a", "me")
        assert "Assignee " + agent.user.name in screen_text(app)
    now = ticket_as(agent, ticket["number"])
    assert (now["status"], now["priority"], now["category"]) == ("waiting", "urgent", "security")
    assert now["assignee"]["id"] == agent.id
    assert now["version"] == ticket["version"] + 4


async def test_closing_asks_first(
    admin_app: Callable[..., PadcomAdmin], customer: Person, agent: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} close me")
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(pilot, word)
        await pilot.press("s", "end", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert ticket_as(agent, ticket["number"])["status"] == "new"
        await pilot.press("s", "end", "enter", "y")
        await settle(pilot)
    assert ticket_as(agent, ticket["number"])["status"] == "closed"


async def test_a_conflict_shows_what_changed_and_reapplies(
    live: Live, admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} contested")
    colleague = live.person("agent")
    app = admin_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_ticket(pilot, word)
        colleague.api().patch(  # between our load and our save
            f"/tickets/{ticket['number']}",
            json={"priority": "high"},
            headers={"If-Match": f'"{ticket["version"]}"'},
        ).raise_for_status()
        await choose(pilot, "s", "open")
        assert isinstance(app.screen, ConflictScreen)
        text = screen_text(app)
        assert colleague.user.name in text
        assert "priority: normal → high" in text
        assert "status → open" in text
        await pilot.press("a")  # re-apply mine on top of theirs
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
    now = ticket_as(colleague, ticket["number"])
    assert (now["status"], now["priority"]) == ("open", "high")


async def test_a_conflict_can_be_left_to_the_other_change(
    live: Live, admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} theirs")
    colleague = live.person("agent")
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ticket(pilot, word)
        colleague.api().patch(
            f"/tickets/{ticket['number']}",
            json={"status": "waiting"},
            headers={"If-Match": f'"{ticket["version"]}"'},
        ).raise_for_status()
        await choose(pilot, "p", "low")
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("k")
        await settle(pilot)
        assert "Status waiting" in screen_text(app)
    now = ticket_as(colleague, ticket["number"])
    assert (now["status"], now["priority"]) == ("waiting", "normal")


async def test_sending_a_draft_again_after_lost_answers_posts_it_once(
    live: Live, agent: Person, customer: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} lost answers")
    replies = f"POST /api/v1/tickets/{ticket['number']}/messages".encode()  # not presence
    proxy = LosingProxy(live.thread.port, replies, times=2)  # the send and the client's retry
    app = build_app(proxy.url, agent.token)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_ticket(pilot, word)
            await pilot.press("r")
            app.screen.query_one(TextArea).insert("Restarted the mail server.")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert proxy.lost == 2  # both answers lost: the app cannot know it was stored
            # the draft is still in the editor (and on disk); send it again
            assert app.screen.query_one(TextArea).text == "Restarted the mail server."
            await pilot.press("ctrl+s")
            await settle(pilot)
    finally:
        proxy.close()
    seen_by_customer = customer.api().get(f"/tickets/{ticket['number']}/messages").json()
    assert [m["body"] for m in seen_by_customer] == ["Restarted the mail server."]
