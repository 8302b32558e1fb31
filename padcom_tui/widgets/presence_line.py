"""The line under a ticket's header that says who else is on it, and our own presence there.

While the ticket screen is open it tells the server (so every colleague's
screen) that we are viewing it, or writing a reply while the editor is open,
renewing that every ``RENEW_SECONDS``; leaving the screen says ``left``. The
line shows the others, from the app's ``PresenceBoard`` (fed by the stream and
by each announcement's answer), and hides itself when nobody else is there.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from rich.text import Text
from textual.widgets import Static

from padcom_cli.client.errors import PadcomError
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.presence_words import RENEW_SECONDS
from padcom_cli.client.vocabulary import PresenceState
from padcom_tui.background import in_background
from padcom_tui.screens.base import admin_of


class PresenceLine(Static):
    """Who else is on ticket ``number`` now; announces and renews our own presence."""

    def __init__(self, number: int, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.number = number
        self.state: str = PresenceState.VIEWING

    def on_mount(self) -> None:
        self.announce(PresenceState.VIEWING)
        self.set_interval(RENEW_SECONDS, lambda: self.announce(self.state))

    def announce(self, state: str) -> None:
        """Tell the server we are ``state`` here (not while it cannot be reached)."""
        self.state = state
        app = admin_of(self)
        if not app.online:
            return

        def answered(answer: Json) -> None:
            app.presence.take(self.number, answer.get("others") or [])
            self.show()

        in_background(
            self,
            lambda: app.client.presence(self.number, state),
            answered,
            failed=lambda _error: None,  # presence is a courtesy: a failed one is not news
            group="presence",
        )

    def show(self) -> None:
        app = admin_of(self)
        words = app.presence.words(self.number, app.clock())
        self.update(Text(words, style="bold yellow"))
        self.set_class(bool(words), "shown")

    def leave(self) -> None:
        """Say ``left`` without waiting (the screen is closing)."""
        client, number = admin_of(self).client, self.number

        def leave() -> None:
            with contextlib.suppress(PadcomError):
                client.presence(number, PresenceState.LEFT)

        threading.Thread(target=leave, name="padcom-presence-left", daemon=True).start()
