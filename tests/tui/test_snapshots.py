"""Layout guards: the queue and a ticket at 80x24 and 120x36, on fixed data and a fixed clock.

The desk is built through the API like real work, then its times are pinned in the
database, so every run draws the same picture. ``--snapshot-update`` redraws them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from padcom_tui.app import PadcomAdmin
from server.helpdesk.tokens import issue
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import Event, Message, Organization, Service, Ticket, User
from tests.support.files import upload
from tests.support.live import Live
from tests.tui.conftest import NOW, build_app, screen_text, settle, until

SIZES = [(80, 24), (120, 36), (160, 48)]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(120)
DESK = [  # requester, subject, body, category, priority, hours ago, staff work
    (0, "Server unreachable since this morning", "Our VPS does not answer ping or SSH.",
     "hardware", "urgent", 3, "assign+reply+note"),
    (1, "Let's Encrypt certificate not renewed", "The browser warns that it expired today.",
     "software", "high", 26, "assign"),
    (0, "Quota full, cannot upload", "The file manager says the quota is exceeded.",
     "usage", "normal", 50, ""),
    (1, "Suspicious logins on our mailbox", "Logins from countries we never visited.",
     "security", "urgent", 1, ""),
    (0, "Invoice address changed", "Please use our new address from March.",
     "other", "low", 120, "waiting"),
]  # fmt: skip


def _person(name: str, email: str, role: str, org: Organization | None) -> User:
    return User.create(
        email=email, name=name, role=role, organization=org, password_hash="-", created_at=utcnow()
    )


@pytest.fixture(scope="module")
def desk(live: Live) -> str:
    """Two customers of two organizations, an agent, and the five tickets of ``DESK``."""
    with db.connection_context(), db.atomic():
        huber = Organization.create(name="Bäckerei Huber", customer_number="C10001")
        Service.create(organization=huber, kind="webhosting", label="huber-backt.de",
                       plan="M", datacenter="FRA-1")  # fmt: skip
        nordlicht = Organization.create(name="Nordlicht Media GmbH", customer_number="C10002")
        Service.create(organization=nordlicht, kind="vps", label="vps-214.nordlicht-media.de",
                       plan="VPS L", datacenter="NBG-2")  # fmt: skip
        anna = _person("Anna Schmidt", "anna@huber.example", "customer", huber)
        jonas = _person("Jonas Becker", "jonas@nordlicht.example", "customer", nordlicht)
        sam = _person("Sam Support", "sam@padcom.example", "agent", None)
        tokens = [issue(u, timedelta(hours=1))[0] for u in (anna, jonas, sam)]
    staff = httpx.Client(
        base_url=f"{live.url}/api/v1", headers={"Authorization": f"Bearer {tokens[2]}"}
    )
    for who, subject, body, category, priority, _hours, work in DESK:
        with httpx.Client(base_url=f"{live.url}/api/v1",
                          headers={"Authorization": f"Bearer {tokens[who]}"}) as customer:  # fmt: skip
            files = []
            if subject.startswith("Quota"):  # the files dialog's snapshot shows these
                for name, data in (
                    ("quota-report.txt", b"/home 100%\n"),
                    ("upload-error.png", PNG),
                ):
                    files.append(upload(customer, name, data)["id"])
            ticket = customer.post("/tickets", json={"subject": subject, "body": body,
                                                     "category": category, "priority": priority,
                                                     "attachments": files})  # fmt: skip
            ticket.raise_for_status()
        number, version = ticket.json()["number"], ticket.json()["version"]
        if "assign" in work:
            staff.patch(f"/tickets/{number}", json={"assignee": sam.id},
                        headers={"If-Match": f'"{version}"'}).raise_for_status()  # fmt: skip
        if "reply" in work:
            staff.post(f"/tickets/{number}/messages",
                       json={"body": "We are on it: the host lost power, it is booting now."}
                       ).raise_for_status()  # fmt: skip
        if "note" in work:
            staff.post(f"/tickets/{number}/messages",
                       json={"body": "PSU swapped in rack B4; watch the RAID resync.",
                             "internal": True}).raise_for_status()  # fmt: skip
        if "waiting" in work:
            staff.patch(f"/tickets/{number}", json={"status": "waiting"},
                        headers={"If-Match": f'"{version}"'}).raise_for_status()  # fmt: skip
    staff.close()
    _pin_times()
    return tokens[2]


def _pin_times() -> None:
    """Every time on the desk relative to ``NOW``, so ages and deadlines never drift."""
    with db.connection_context(), db.atomic():
        for ticket, (*_, priority, hours, _work) in zip(
            Ticket.select().order_by(Ticket.id), DESK, strict=True
        ):
            opened = NOW - timedelta(hours=hours)
            answered = opened + timedelta(minutes=20) if ticket.first_response_at else None
            target = {"urgent": 4, "high": 24, "normal": 72, "low": 168}[priority]
            Ticket.update(
                created_at=opened, updated_at=opened + timedelta(minutes=30),
                first_response_at=answered, resolution_due=opened + timedelta(hours=target),
                first_response_due=opened + timedelta(hours=target / 4),
            ).where(Ticket.id == ticket.id).execute()  # fmt: skip
            for step, message in enumerate(Message.select().where(Message.ticket == ticket.id)):
                Message.update(created_at=opened + timedelta(minutes=20 + step)).where(
                    Message.id == message.id
                ).execute()
            for step, event in enumerate(Event.select().where(Event.ticket == ticket.id)):
                Event.update(at=opened + timedelta(minutes=step * 10)).where(
                    Event.id == event.id
                ).execute()


def _app(live: Live, token: str) -> Any:
    return build_app(live.url, token)


async def _loaded(pilot: Pilot[None]) -> None:
    await settle(pilot)


async def _first_ticket_open(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_queue(
    snap_compare: Callable[..., bool], live: Live, desk: str, size: tuple[int, int]
) -> None:
    assert snap_compare(_app(live, desk), terminal_size=size, run_before=_loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ticket(
    snap_compare: Callable[..., bool], live: Live, desk: str, size: tuple[int, int]
) -> None:
    assert snap_compare(_app(live, desk), terminal_size=size, run_before=_first_ticket_open)


async def _merge_dialog(pilot: Pilot[None]) -> None:
    """The urgent outage ticket open, D, and ticket 3 (the quota one) read as the target."""
    await _first_ticket_open(pilot)
    await pilot.press("D", "3", "enter")
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, PadcomAdmin)
    await until(pilot, lambda: "Quota full" in screen_text(app))  # the target, read
    await pilot.pause()


async def _new_ticket_lookup(pilot: Pilot[None]) -> None:
    """N, and the customers of "Huber" found for a caller."""
    await settle(pilot)
    await pilot.press("N", *"Huber", "enter")
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, PadcomAdmin)
    await until(pilot, lambda: "anna@huber.example" in screen_text(app))  # the matches
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_merge_dialog(
    snap_compare: Callable[..., bool], live: Live, desk: str, size: tuple[int, int]
) -> None:
    assert snap_compare(_app(live, desk), terminal_size=size, run_before=_merge_dialog)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_new_ticket_for_a_caller(
    snap_compare: Callable[..., bool], live: Live, desk: str, size: tuple[int, int]
) -> None:
    assert snap_compare(_app(live, desk), terminal_size=size, run_before=_new_ticket_lookup)


EDITOR_SIZES = [(80, 24), (160, 48)]


def _canned_replies() -> None:
    """Two shared canned replies for the picker (fixed names, no times shown)."""
    from server.storage.desk_models import CannedReply

    with db.connection_context():
        if not CannedReply.select().exists():
            CannedReply.create(name="Website down: first answer",
                               body="Hello {customer.name}, we are looking at {service.label}.")  # fmt: skip
            CannedReply.create(
                name="Need logs", body="Please send the error log of {service.label}."
            )


async def _answering(pilot: Pilot[None]) -> None:
    await _first_ticket_open(pilot)
    await pilot.press("r")
    await pilot.press(*"We are on it.")
    await settle(pilot)


async def _choosing_canned(pilot: Pilot[None]) -> None:
    _canned_replies()
    await _first_ticket_open(pilot)
    await pilot.press("ctrl+g")
    await settle(pilot)
    await pilot.press(*"down")
    await settle(pilot)


@pytest.mark.parametrize("size", EDITOR_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reply_editor(
    snap_compare: Callable[..., bool], live: Live, desk: str, size: tuple[int, int]
) -> None:
    """The editor beside the conversation (160 columns) or in its place (80)."""
    assert snap_compare(_app(live, desk), terminal_size=size, run_before=_answering)


async def _answering_in_the_cursors_dark_half(pilot: Pilot[None]) -> None:
    """As ``_answering``, the picture taken once the cursor has blinked off (a late one)."""
    await _answering(pilot)
    editor = pilot.app.screen.query_one(TextArea)
    await until(pilot, lambda: not editor._cursor_visible, seconds=3)


def test_a_late_picture_of_the_reply_editor_still_shows_its_cursor(
    snap_compare: Callable[..., bool], live: Live, desk: str
) -> None:
    app = _app(live, desk)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_answering_in_the_cursors_dark_half)


@pytest.mark.parametrize("size", EDITOR_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_canned_picker(
    snap_compare: Callable[..., bool], live: Live, desk: str, size: tuple[int, int]
) -> None:
    assert snap_compare(_app(live, desk), terminal_size=size, run_before=_choosing_canned)


async def _files_of_the_quota_ticket(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("down", "down", "down", "enter")  # most urgent first: Quota is the 4th
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ticket_files(
    snap_compare: Callable[..., bool], live: Live, desk: str, size: tuple[int, int]
) -> None:
    assert snap_compare(_app(live, desk), terminal_size=size, run_before=_files_of_the_quota_ticket)


async def _searched(pilot: Pilot[None]) -> None:
    """``F``, a word of a reply, enter: the hits with their snippets."""
    await settle(pilot)
    await pilot.press("F")
    pilot.app.screen.query_one("#words").insert_text_at_cursor("power")  # type: ignore[attr-defined]
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search(
    snap_compare: Callable[..., bool], live: Live, desk: str, size: tuple[int, int]
) -> None:
    assert snap_compare(_app(live, desk), terminal_size=size, run_before=_searched)
