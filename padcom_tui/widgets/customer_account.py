"""The customer's account beside a ticket: organization, contact and the services they rent."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from padcom_cli.client.jsontypes import Json
from padcom_tui.format import line


def account_text(ticket: Json, services: list[Json]) -> Text:
    org = ticket.get("organization") or {}
    requester = ticket.get("requester") or {}
    text = Text()
    text.append("Organization\n", style="bold")
    text.append(f"  {line(org.get('name'))}  (customer {line(org.get('customer_number'))})\n")
    text.append("Contact\n", style="bold")
    text.append(f"  {line(requester.get('name'))} <{line(requester.get('email'))}>\n")
    text.append("Services\n", style="bold")
    this = (ticket.get("service") or {}).get("id")
    for service in services:
        text.append(f"  {line(service.get('kind')):<11} {line(service.get('label'))}")
        details = [line(service.get(k)) for k in ("plan", "datacenter") if service.get(k)]
        if details:
            text.append(f"  {' · '.join(details)}", style="dim")
        if service.get("id") == this:
            text.append("  ← this ticket", style="bold")
        text.append("\n")
    if not services:
        text.append("  none\n", style="dim")
    return text


class Account(Static):
    def show(self, ticket: Json, services: list[Json]) -> None:
        self.update(account_text(ticket, services))
