"""The top of the ticket view: number and subject, then every property in a few lines."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from padcom_cli.client.jsontypes import Json
from padcom_tui.format import (
    PRIORITY_STYLE,
    STATUS_STYLE,
    age,
    ink,
    line,
    organization,
    person,
    sla_due,
    stamp,
)


def header_text(ticket: Json, now: datetime) -> Text:
    text = Text()
    text.append(f"#{ticket['number']} ", style="bold")
    text.append(line(ticket.get("subject")), style="bold")
    text.append("\n")
    for label, value, styles in (
        ("Priority", ticket["priority"], PRIORITY_STYLE),
        ("Status", ticket["status"], STATUS_STYLE),
        ("Category", ticket["category"], {}),
    ):
        text.append(f"{label} ", style="dim")
        text.append(value, style=ink(styles.get(value, "")))
        text.append("  ")
    text.append("Assignee ", style="dim")
    text.append(person(ticket.get("assignee"), "nobody"))
    text.append("  v", style="dim")
    text.append(str(ticket["version"]), style="dim")
    if ticket.get("tags"):  # staff only
        text.append("  " + " ".join(f"#{line(t)}" for t in ticket["tags"]), style=ink("cyan"))
    text.append("\nFrom ", style="dim")
    text.append(f"{person(ticket.get('requester'))} ({organization(ticket)})")
    service = ticket.get("service")
    if service:
        text.append("  Service ", style="dim")
        text.append(f"{line(service.get('kind'))} {line(service.get('label'))}")
    text.append("\nOpened ", style="dim")
    text.append(f"{stamp(ticket.get('created_at'))} ({age(ticket, now)} ago)")
    text.append("  SLA due ", style="dim")
    text.append_text(sla_due(ticket, now))
    if ticket.get("deleted_at"):
        text.append("  DELETED by the customer", style=ink("bold red"))
    return text


class TicketHeader(Static):
    DEFAULT_CSS = "TicketHeader { height: auto; padding: 0 1; }"

    def show(self, ticket: Json, now: datetime) -> None:
        self.update(header_text(ticket, now))
