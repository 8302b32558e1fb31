"""Find a customer by part of their email, name or organization, and pick one.

One widget for every screen that files something for a customer (a ticket for a
caller on ``N``, a triage mail linked to its sender's account): Enter in the line
asks ``GET /users?role=customer&q=``, the active matches are listed, Enter on one
picks it and posts ``CustomerLookup.Chosen``; the line under the list says whom.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.vocabulary import Role
from padcom_tui.background import in_background
from padcom_tui.format import line
from padcom_tui.screens.base import admin_of

MATCHES = 10


def customer_label(user: Json) -> Text:
    """``Name <email>  Organization``, as plain text (names are the customers' own words)."""
    text = Text(line(user.get("name", "")), style="bold")
    text.append(f" <{line(user.get('email', ''))}>")
    text.append(f"  {line((user.get('organization') or {}).get('name', ''))}", style="dim")
    return text


class CustomerLookup(Vertical):
    """The search line, the matches, and who was chosen (``customer``, None until then)."""

    DEFAULT_CSS = """
    CustomerLookup { height: auto; }
    CustomerLookup OptionList { height: auto; max-height: 10; }
    CustomerLookup #chosen { margin: 0 0 1 0; }
    """

    class Chosen(Message):
        """The agent picked ``customer`` from the matches."""

        def __init__(self, customer: Json) -> None:
            super().__init__()
            self.customer = customer

    def __init__(self, placeholder: str) -> None:
        super().__init__()
        self.placeholder = placeholder
        self.customer: Json | None = None
        self.found: dict[str, Json] = {}

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.placeholder, id="who")
        yield OptionList(id="matches")
        yield Static(Text("No customer chosen yet.", style="dim"), id="chosen")

    def on_mount(self) -> None:
        self.query_one("#matches", OptionList).display = False

    def focus_search(self) -> None:
        self.query_one("#who", Input).focus()

    def say(self, words: str) -> None:
        """A hint or a refusal where the chosen customer is shown."""
        self.query_one("#chosen", Static).update(Text(words, style="yellow"))

    @on(Input.Submitted, "#who")
    def _find(self, event: Input.Submitted) -> None:
        event.stop()
        wanted = event.value.strip()
        if len(wanted) < 2:
            self.say("Type at least two letters of the customer's email, name or organization.")
            return
        client = admin_of(self).client
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
            self.say("No customer matches; try part of the email or the company name.")
            return
        matches.add_options([Option(customer_label(u), id=str(u["id"])) for u in active])
        self.found = {str(u["id"]): u for u in active}
        matches.display = True
        matches.highlighted = 0
        matches.focus()

    @on(OptionList.OptionSelected, "#matches")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        customer = self.found.get(str(event.option.id))
        if customer is None:
            return
        self.customer = customer
        shown = customer_label(customer)
        shown.stylize("green")
        self.query_one("#chosen", Static).update(Text.assemble("For: ", shown))
        self.query_one("#matches", OptionList).display = False
        self.post_message(self.Chosen(customer))
