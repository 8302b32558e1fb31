"""A ticket for a customer on the phone: find them, write what they said, file it for them.

Type part of the customer's email, name or organization and Enter: the matches
are listed (``GET /users?role=customer&q=``); Enter on one picks them and moves
on to the subject; Enter there moves to the description; Ctrl+S files the
ticket in the customer's name (they are mailed; the history says who filed it)
and dismisses with its number, which the queue then opens.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from padcom_cli.client.api import new_key
from padcom_cli.client.errors import PadcomError
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.vocabulary import MOST_URGENT_FIRST, Priority, Role
from padcom_tui.background import in_background
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.widgets.keys_footer import KeysFooter

MATCHES = 10


def _label(user: Json) -> Text:
    org = clean(str((user.get("organization") or {}).get("name", "")), single_line=True)
    text = Text(clean(str(user.get("name", "")), single_line=True), style="bold")
    text.append(f" <{clean(str(user.get('email', '')), single_line=True)}>")
    text.append(f"  {org}", style="dim")
    return text


class NewTicketScreen(PadcomScreen[int | None]):
    """Dismisses with the new ticket's number, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "file", "File ticket", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.customer: Json | None = None
        self.found: dict[str, Json] = {}
        self.key = new_key()  # one filing, however often Ctrl+S is pressed

    def compose(self) -> ComposeResult:
        with Vertical(id="new-ticket"):
            yield Static(Text("New ticket for a customer", style="bold"), classes="title")
            yield Input(placeholder="customer: email, name or organization; Enter finds", id="who")
            yield OptionList(id="matches")
            yield Static(Text("No customer chosen yet.", style="dim"), id="chosen")
            yield Input(placeholder="subject: one line; Enter goes on to the text", id="subject")
            priorities = [(str(p), str(p)) for p in MOST_URGENT_FIRST]
            yield Select(priorities, value=str(Priority.NORMAL), allow_blank=False, id="priority")
            yield TextArea(id="text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#matches", OptionList).display = False
        self.query_one("#who", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "subject":
            self.query_one("#text", TextArea).focus()
            return
        wanted = event.value.strip()
        if len(wanted) < 2:
            self._say("Type at least two letters of the customer's email, name or organization.")
            return
        client = self.padcom.client
        in_background(
            self,
            lambda: client.users(role=Role.CUSTOMER, q=wanted, limit=MATCHES),
            self._matches,
            group="lookup",
            exclusive=True,
        )

    def _matches(self, found: list[Json]) -> None:
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        active = [u for u in found if u.get("active", True)]
        if not active:
            matches.display = False
            self._say("No customer matches; try part of the email or the company name.")
            return
        matches.add_options([Option(_label(u), id=str(u["id"])) for u in active])
        self.found = {str(u["id"]): u for u in active}
        matches.display = True
        matches.highlighted = 0
        matches.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.customer = self.found.get(str(event.option.id))
        if self.customer is None:
            return
        shown = _label(self.customer)
        shown.stylize("green")
        self.query_one("#chosen", Static).update(Text.assemble("For: ", shown))
        self.query_one("#matches", OptionList).display = False
        self.query_one("#subject", Input).focus()

    def action_file(self) -> None:
        subject = self.query_one("#subject", Input).value.strip()
        body = self.query_one("#text", TextArea).text
        if self.customer is None:
            self._say("Choose the customer first (type and Enter in the first line).")
            self.query_one("#who", Input).focus()
            return
        if not subject or not body.strip():
            self._say("A subject and a text, please: the customer gets them by mail.")
            return
        priority = str(self.query_one("#priority", Select).value)
        fields: Json = {
            "subject": subject,
            "body": body,
            "priority": priority,
            "requester": int(self.customer["id"]),
        }
        client, key = self.padcom.client, self.key
        in_background(
            self,
            lambda: client.create_ticket(fields, idempotency_key=key),
            self._filed,
            failed=self._refused,
            group="send",
        )

    def _filed(self, ticket: Json) -> None:
        who = clean(str((ticket.get("requester") or {}).get("name", "")), single_line=True)
        self.notify(f"Filed #{ticket['number']} for {who}; they get a mail.", markup=False)
        self.dismiss(int(ticket["number"]))

    def _refused(self, error: PadcomError) -> None:
        self._say(clean(str(error), single_line=True))
        self.padcom.report(error)

    def _say(self, words: str) -> None:
        self.query_one("#chosen", Static).update(Text(words, style="yellow"))
