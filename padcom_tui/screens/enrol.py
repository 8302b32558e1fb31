"""Two-factor enrolment inside the admin app, for staff whose role requires it.

A password sign-in of such a person gets an enrolment-only token; this screen uses
it to start enrolment, draws the ``otpauth://`` URI as a QR code of text (segno)
beside the secret, confirms the first code from the app, shows the ten recovery
codes once, and then goes on to the queue with the same token, now a full one.
"""

from __future__ import annotations

import io
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from padcom_cli.client import identity
from padcom_cli.client.api import PadcomClient
from padcom_cli.client.errors import PadcomError
from padcom_tui.background import in_background
from padcom_tui.format import ink
from padcom_tui.screens.base import PadcomScreen


def qr_text(uri: str) -> str:
    import segno

    out = io.StringIO()
    segno.make(uri, error="m").terminal(out=out, compact=True)
    return out.getvalue()


class EnrolScreen(PadcomScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "app.quit", "Quit")]

    def __init__(self, client: PadcomClient, user: dict[str, Any]) -> None:
        super().__init__()
        self.client = client
        self.user = user
        self.secret = ""
        self.recovery_codes: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="enrol"):
            yield Static(Text("Two-factor sign-in is required for your role", style="bold"))
            yield Static("", id="qr")
            yield Static("", id="secret")
            with Vertical(id="enrol-confirm"):
                yield Input(placeholder="the 6-digit code from your app", id="code")
            yield Static("", id="enrol-problem")
            yield Button("Continue to the queue", id="continue", classes="hidden")

    def on_mount(self) -> None:
        in_background(self, lambda: identity.totp_enrol(self.client), self._started)

    def _started(self, started: dict[str, Any]) -> None:
        self.secret = str(started["secret"])
        self.query_one("#qr", Static).update(Text(qr_text(started["otpauth_uri"]), no_wrap=True))
        self.query_one("#secret", Static).update(
            Text(f"Scan it with your authenticator app, or type this secret: {self.secret}")
        )
        self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    def _confirm(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        in_background(
            self, lambda: identity.totp_confirm(self.client, code), self._done, failed=self._failed
        )

    def _failed(self, error: PadcomError) -> None:
        self.query_one("#code", Input).value = ""
        self.query_one("#enrol-problem", Static).update(Text(error.message, style=ink("bold red")))

    def _done(self, codes: list[str]) -> None:
        self.recovery_codes = codes
        self.query_one("#qr", Static).update("")
        self.query_one("#enrol-confirm").display = False
        words = [
            "Two-factor sign-in is on. Recovery codes (each works once; keep them safe):",
            *codes,
        ]
        self.query_one("#enrol-problem", Static).update(Text("\n".join(words)))
        button = self.query_one("#continue", Button)
        button.remove_class("hidden")
        button.focus()

    @on(Button.Pressed, "#continue")
    def _go_on(self) -> None:
        self.padcom.signed_in(self.client, self.user)
