"""Layout guard for the mail triage (``e``): mails from unknown senders at 80x24 and 120x36.

Two mails come in through ``padcom-server mail-in`` into this module's own database,
their arrival pinned to fixed times, then the app draws the list and the first mail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from textual.pilot import Pilot

from server.helpdesk.tokens import issue
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.mail_models import InboundMail
from server.storage.models import User
from tests.mail.support import mail, mail_in
from tests.support.live import Live
from tests.tui.conftest import NOW, build_app, settle

SIZES = [(80, 24), (120, 36)]
MAILS = [  # sender, subject, text, hours before NOW
    ("jo.huber@web.example", "Shop down since 9:00",
     "Hello,\nour shop at huber-backt.de answers 502 since nine.\n\nJo Huber", 3),
    ("offers@bulk.example", "Your domain expires \x1b[2J today [b]!!![/b]",
     "Renew now at our low price.", 1),
]  # fmt: skip


@pytest.fixture(scope="module")
def agent_token(live: Live) -> str:
    for sender, subject, text, hours in MAILS:
        assert "triage" in mail_in(live, mail(sender, subject, text)).stdout
        with db.connection_context():
            InboundMail.update(received_at=NOW - timedelta(hours=hours)).where(
                InboundMail.sender == sender
            ).execute()
    with db.connection_context(), db.atomic():
        sam = User.create(email="sam@padcom.example", name="Sam Support", role="agent",
                          password_hash="-", created_at=utcnow())  # fmt: skip
        return issue(sam, timedelta(hours=1))[0]


async def _triage(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    await pilot.pause(0.3)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_mail_triage(
    snap_compare: Callable[..., bool], live: Live, agent_token: str, size: tuple[int, int]
) -> None:
    app = build_app(live.url, agent_token)
    assert snap_compare(app, terminal_size=size, run_before=_triage)
