"""A ticket for a customer on the phone: find them, write what they said, file it for them.

Type part of the customer's email, name or organization and Enter: the matches
are listed (``widgets/customer_lookup.py``, which links triage mail too); Enter on
one picks them and moves on to the subject; Enter there moves to the description; Ctrl+S files the
ticket in the customer's name (they are mailed; the history says who filed it)
and dismisses with its number, which the queue then opens.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Select, Static, TextArea

from padcom_cli.client.api import new_key
from padcom_cli.client.errors import PadcomError
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.vocabulary import MOST_URGENT_FIRST, Priority
from padcom_tui.background import in_background
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.widgets.customer_lookup import CustomerLookup
from padcom_tui.widgets.keys_footer import KeysFooter


class NewTicketScreen(PadcomScreen[int | None]):
    """Dismisses with the new ticket's number, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "file", "File ticket", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.key = new_key()  # one filing, however often Ctrl+S is pressed

    def compose(self) -> ComposeResult:
        with Vertical(id="new-ticket"):
            yield Static(Text("New ticket for a customer", style="bold"), classes="title")
            yield CustomerLookup("customer: email, name or organization; Enter finds")
            yield Input(placeholder="subject: one line; Enter goes on to the text", id="subject")
            priorities = [(str(p), str(p)) for p in MOST_URGENT_FIRST]
            yield Select(priorities, value=str(Priority.NORMAL), allow_blank=False, id="priority")
            yield TextArea(id="text")
        yield KeysFooter()

    @property
    def lookup(self) -> CustomerLookup:
        return self.query_one(CustomerLookup)

    @property
    def customer(self) -> Json | None:
        return self.lookup.customer

    def on_mount(self) -> None:
        self.lookup.focus_search()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "subject":
            self.query_one("#text", TextArea).focus()

    def on_customer_lookup_chosen(self, _event: CustomerLookup.Chosen) -> None:
        self.query_one("#subject", Input).focus()

    def action_file(self) -> None:
        subject = self.query_one("#subject", Input).value.strip()
        body = self.query_one("#text", TextArea).text
        if self.customer is None:
            self._say("Choose the customer first (type and Enter in the first line).")
            self.lookup.focus_search()
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
        self.lookup.say(words)
