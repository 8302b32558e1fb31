"""The customer's context beside a ticket: their other tickets and their organization's,
open ones first (``sort=status`` is the lifecycle order); enter opens one."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.vocabulary import DONE_STATUSES
from padcom_tui.format import STATUS_STYLE, ink, line, person, word

SHOWN = 20
"""Tickets listed per group (the customer's, the organization's)."""


def related_options(ticket: Json, theirs: list[Json], organization: list[Json]) -> list[Option]:
    """Two groups, open before done, without the ticket shown: each an option with its number."""
    number = int(ticket["number"])
    requester = (ticket.get("requester") or {}).get("id")
    mine = [t for t in theirs if int(t["number"]) != number]
    seen = {int(t["number"]) for t in mine} | {number}
    others = [
        t
        for t in organization
        if int(t["number"]) not in seen and (t.get("requester") or {}).get("id") != requester
    ]
    options: list[Option] = []
    for title, group in (
        (f"{person(ticket.get('requester'))}'s other tickets", mine),
        (f"Others of {line((ticket.get('organization') or {}).get('name'))}", others),
    ):
        options.append(Option(Text(title, style="bold"), disabled=True))
        if not group:
            options.append(Option(Text("  none", style="dim"), disabled=True))
        for item in group[:SHOWN]:
            options.append(Option(_row(item), id=str(item["number"])))
    return options


def _row(ticket: Json) -> Text:
    done = ticket.get("status") in DONE_STATUSES
    text = Text(f"  #{ticket['number']} ", style="dim" if done else "bold")
    text.append_text(word(str(ticket.get("status")), True, STATUS_STYLE))
    text.append(f"  {line(ticket.get('subject'))}", style="dim" if done else "")
    if not done and ticket.get("priority") == "urgent":
        text.append("  URGENT", style=ink("bold red"))
    return text


class RelatedTickets(OptionList):
    """Enter on a row opens that ticket (``PadcomAdmin.open_ticket``)."""

    DEFAULT_CSS = "RelatedTickets { height: auto; max-height: 24; border: none; padding: 0; }"

    def show(self, ticket: Json, theirs: list[Json], organization: list[Json]) -> None:
        self.clear_options()
        self.add_options(related_options(ticket, theirs, organization))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from padcom_tui.screens.base import admin_of

        if event.option.id:
            admin_of(self).open_ticket(int(event.option.id))
