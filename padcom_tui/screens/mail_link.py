"""Link a triage mail to a customer: find them, Enter, and the mail is filed as their ticket.

The customer is found with the same lookup as a ticket for a caller
(``widgets/customer_lookup.py``). Enter on a match asks once (the customer is
mailed and the ticket is theirs), then ``POST /mail/triage/{id}/link``; the
screen dismisses with the new ticket's number, which the triage then opens.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from padcom_cli.client.errors import PadcomError
from padcom_cli.client.jsontypes import Json
from padcom_tui.background import in_background
from padcom_tui.format import line
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.screens.confirm import ConfirmScreen
from padcom_tui.widgets.customer_lookup import CustomerLookup
from padcom_tui.widgets.keys_footer import KeysFooter


class LinkMailScreen(PadcomScreen[int | None]):
    """Dismisses with the ticket the mail became, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, mail: Json) -> None:
        super().__init__()
        self.mail = mail

    def compose(self) -> ComposeResult:
        with Vertical(id="link-mail"):
            title = Text("Link the mail to a customer: it becomes their ticket", style="bold")
            yield Static(title, classes="title")
            about = Text(f"From {line(self.mail.get('sender'))}: ", style="dim")
            about.append(line(self.mail.get("subject")) or "(no subject)")
            yield Static(about, id="link-about")
            yield CustomerLookup("customer: email, name or organization; Enter finds")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(CustomerLookup).focus_search()

    def on_customer_lookup_chosen(self, event: CustomerLookup.Chosen) -> None:
        customer = event.customer
        org = line((customer.get("organization") or {}).get("name", ""))
        who = f"{line(customer.get('name'))} <{line(customer.get('email'))}> of {org}"
        question = f"File this mail as a ticket of {who}? They get a mail that it was opened."

        def answered(yes: bool | None) -> None:
            if yes:
                self._link(int(customer["id"]))
            else:
                self.query_one(CustomerLookup).focus_search()

        self.app.push_screen(ConfirmScreen(question, yes="File it"), answered)

    def _link(self, customer: int) -> None:
        client, mail_id = self.padcom.client, int(self.mail["id"])
        in_background(
            self,
            lambda: client.mail.link(mail_id, customer),
            self._linked,
            failed=self._refused,
            group="send",
        )

    def _linked(self, ticket: Json) -> None:
        who = line((ticket.get("requester") or {}).get("name", ""))
        self.notify(f"Filed #{ticket['number']} for {who}; they get a mail.", markup=False)
        self.dismiss(int(ticket["number"]))

    def _refused(self, error: PadcomError) -> None:
        self.query_one(CustomerLookup).say(line(str(error)))
        self.padcom.report(error)
