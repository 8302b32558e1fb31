"""Sign-in for staff without a (valid) token; saves it like ``padcom login`` does."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from padcom_cli.client.api import PadcomClient
from padcom_cli.client.config import ClientConfig, save_config
from padcom_cli.client.errors import NotAuthorized, PadcomError
from padcom_cli.client.vocabulary import STAFF_ROLES
from padcom_tui.background import in_background
from padcom_tui.format import ink
from padcom_tui.widgets.keys_footer import KeysFooter

REFUSED = "This is the staff app: customer accounts cannot sign in here. Customers use `padcom`."


class SignInScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "app.quit", "Quit")]

    def __init__(self, url: str, reason: str = "") -> None:
        super().__init__()
        self.url = url
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="signin"):
            yield Static(Text("Padcom — staff sign-in", style="bold"), classes="title")
            yield Label("Server")
            yield Input(self.url, id="url")
            yield Label("Email")
            yield Input(placeholder="you@example.com", id="email")
            yield Label("Password")
            yield Input(password=True, id="password")
            yield Button("Sign in", variant="primary", id="go")
            yield Static(Text(self.reason, style=ink("bold red")), id="problem")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#email", Input).focus()

    def say(self, problem: str) -> None:
        self.query_one("#problem", Static).update(Text(problem, style=ink("bold red")))

    @on(Input.Submitted)
    @on(Button.Pressed, "#go")
    def sign_in(self) -> None:
        url = self.query_one("#url", Input).value.strip().rstrip("/")
        email = self.query_one("#email", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not (url and email and password):
            self.say("Fill in the server, your email and your password.")
            return
        self.say("Signing in…")

        def attempt() -> tuple[PadcomClient, dict[str, Any]]:
            with PadcomClient(url) as anonymous:
                result = anonymous.login(email, password, token_name="padcom-admin")  # noqa: S106
            client = PadcomClient(url, result["token"])
            if result["user"]["role"] not in STAFF_ROLES:
                client.logout()
                client.close()
                raise NotAuthorized(REFUSED, status=403)
            save_config(ClientConfig(url=url, token=result["token"], email=email))
            return client, result["user"]

        in_background(self, attempt, self._done, failed=self._failed, exclusive=True)

    def _done(self, result: tuple[PadcomClient, dict[str, Any]]) -> None:
        self.app.signed_in(*result)  # type: ignore[attr-defined]

    def _failed(self, error: PadcomError) -> None:
        self.query_one("#password", Input).value = ""
        self.say(error.message)
