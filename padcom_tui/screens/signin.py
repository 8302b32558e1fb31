"""Sign-in for staff without a (valid) token; saves it like ``padcom login`` does.

When the account has two-factor sign-in on, the server answers ``totp_required``
and the screen shows a field for the code from the authenticator app (or a
recovery code); the password stays filled in. A role that requires a second
factor but has none enrolled goes on to enrol here (``screens/enrol.py``).

The password goes over plain http only where ``padcom login`` would send it: to this
machine, or to the one URL the user accepted (``padcom login --insecure``, kept in the
config file, or ``PADCOM_INSECURE=1``), and then with a warning.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from padcom_cli.client.api import PadcomClient
from padcom_cli.client.config import ClientConfig, load_config, save_config
from padcom_cli.client.errors import InsecureTransport, NotAuthorized, PadcomError
from padcom_cli.client.identity import ENROL_SCOPE, TOTP_REQUIRED
from padcom_cli.client.plaintext import check
from padcom_cli.client.vocabulary import STAFF_ROLES
from padcom_tui.background import in_background
from padcom_tui.format import ink
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.widgets.keys_footer import KeysFooter

ENROL_FIRST = "Your role requires two-factor sign-in: enrol first with `padcom totp enrol`, then sign in here."
REFUSED = "This is the staff app: customer accounts cannot sign in here. Customers use `padcom`."


class SignInScreen(PadcomScreen[None]):
    AUTO_FOCUS = "#email"
    """Focused as the screen opens, so keys typed while it mounts go to the Email field."""
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
            yield Label("Code from your authenticator app", id="code-label", classes="hidden")
            yield Input(placeholder="123456 or a recovery code", id="code", classes="hidden")
            yield Button("Sign in", variant="primary", id="go")
            yield Static(Text(self.reason, style=ink("bold red")), id="problem")
        yield KeysFooter()

    def say(self, problem: str) -> None:
        self.query_one("#problem", Static).update(Text(problem, style=ink("bold red")))

    @on(Input.Submitted)
    @on(Button.Pressed, "#go")
    def sign_in(self) -> None:
        url = self.query_one("#url", Input).value.strip().rstrip("/")
        email = self.query_one("#email", Input).value.strip()
        password = self.query_one("#password", Input).value
        code = self.query_one("#code", Input).value.strip() or None
        if not (url and email and password):
            self.say("Fill in the server, your email and your password.")
            return
        accepted_url = load_config().insecure_url
        try:
            warning = check(url, accepted=accepted_url == url, what="password")
        except InsecureTransport as error:
            self.say(error.message)
            return
        if warning:
            self.notify(warning, title="No encryption", severity="warning", markup=False)
        kept = accepted_url if accepted_url == url else None  # the consent stays with its URL
        self.say("Signing in…")

        def attempt() -> tuple[PadcomClient, dict[str, Any]]:
            with PadcomClient(url) as anonymous:
                result = anonymous.login(email, password, "padcom-admin", code)
            client = PadcomClient(url, result["token"])
            if result["user"]["role"] not in STAFF_ROLES:
                client.logout()
                client.close()
                raise NotAuthorized(REFUSED, status=403)
            save_config(
                ClientConfig(url=url, token=result["token"], email=email, insecure_url=kept)
            )
            return client, {**result["user"], "scope": result.get("scope")}

        in_background(self, attempt, self._done, failed=self._failed, exclusive=True)

    def _done(self, result: tuple[PadcomClient, dict[str, Any]]) -> None:
        client, user = result
        if user.pop("scope", None) == ENROL_SCOPE:
            from padcom_tui.screens.enrol import EnrolScreen

            self.app.push_screen(EnrolScreen(client, user))
            return
        self.padcom.signed_in(client, user)

    def _failed(self, error: PadcomError) -> None:
        code = self.query_one("#code", Input)
        if error.code == TOTP_REQUIRED:
            for widget in (self.query_one("#code-label", Label), code):
                widget.remove_class("hidden")
            code.focus()
            self.say("Enter the code from your authenticator app (or a recovery code).")
            return
        self.query_one("#password", Input).value = ""
        code.value = ""
        self.say(error.message)
