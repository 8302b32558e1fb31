"""The line above the footer: the connection, who is signed in, and what the screen shows."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from padcom_tui.format import ink, person

LIVE_DOWN = {"connecting": "connecting…", "reconnecting": "reconnecting…"}
"""What the status line says of a live stream that is not delivering changes."""


class StatusLine(Static):
    """Reads the app's state on every refresh; screens set ``detail``."""

    DEFAULT_CSS = "StatusLine { height: 1; padding: 0 1; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.detail = ""

    def set_detail(self, detail: str) -> None:
        self.detail = detail
        self.refresh()

    def render(self) -> Text:
        app: Any = self.app
        text = Text()
        if app.online:
            text.append("● online", style=ink("green"))
            if app.live_state == "connected":
                text.append(" · live", style=ink("green"))
            elif app.settings.live:  # never "live" while changes are not arriving
                text.append(f" · {LIVE_DOWN.get(app.live_state, 'not live')}", style=ink("yellow"))
        else:
            text.append(f"○ OFFLINE: {app.problem} (retrying)", style=ink("bold red"))
        if app.me:
            text.append(f"  {person(app.me)}", style="dim")
        if self.detail:
            text.append(f"  {self.detail}")
        return text
