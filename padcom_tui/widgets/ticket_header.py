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

SERVICE_STATE_STYLE = {"active": "", "suspended": "bold yellow", "cancelled": "bold red"}


def _service(text: Text, service: Json) -> None:
    """``Service webhosting shop.example (suspended) on web-07/FRA-1``."""
    text.append("  Service ", style="dim")
    text.append(f"{line(service.get('kind'))} {line(service.get('label'))}")
    state = str(service.get("state") or "active")
    if state != "active":
        text.append(f" ({state})", style=ink(SERVICE_STATE_STYLE.get(state, "")))
    where = "/".join(line(p) for p in (service.get("server"), service.get("datacenter")) if p)
    if where:
        text.append(f" on {where}", style="dim")


def _incidents(text: Text, incidents: list[Json]) -> None:
    for incident in incidents:
        text.append("\nINCIDENT ", style=ink("bold red"))
        text.append(f"#{incident['number']} {line(incident.get('title'))}", style=ink("bold"))
        text.append(
            f"  {line(incident.get('severity'))}, {line(incident.get('state'))}", style="dim"
        )
        text.append(f"  {len(incident.get('tickets', []))} tickets", style="dim")


def _links(text: Text, links: list[Json], incidents: list[Json]) -> None:
    """Its links; an incident only when the INCIDENT lines (its service's) do not show it:
    a resolved one, or one it was linked to by hand (another server's)."""
    above = {int(i["number"]) for i in incidents}
    shown = []
    for link in links:
        incident = link.get("incident")
        if link.get("ticket"):
            shown.append(f"#{link['ticket']['number']} ({line(link.get('kind'))})")
        elif incident and int(incident["number"]) not in above:
            shown.append(f"incident #{incident['number']} ({line(incident.get('state'))})")
    if shown:
        text.append("\nLinked ", style="dim")
        text.append(", ".join(shown))


def header_text(
    ticket: Json,
    now: datetime,
    incidents: list[Json] | None = None,
    links: list[Json] | None = None,
) -> Text:
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
        _service(text, service)
    text.append("\nOpened ", style="dim")
    text.append(f"{stamp(ticket.get('created_at'))} ({age(ticket, now)} ago)")
    text.append("  SLA ", style="dim")
    due = sla_due(ticket, now)
    if due.plain[:1].isdigit() and not due.plain.endswith("late"):
        text.append("due in ", style="dim")  # "SLA due in 3h", "SLA 2h late", "SLA paused"
    text.append_text(due)
    if ticket.get("deleted_at"):
        text.append(
            f"\nDELETED by the customer {stamp(ticket['deleted_at'])}", style=ink("bold red")
        )
        text.append(" · out of the queue, its SLA clock stopped", style="dim")
    _incidents(text, incidents or [])
    _links(text, links or [], incidents or [])
    _merge_and_rating(text, ticket)
    return text


def _merge_and_rating(text: Text, ticket: Json) -> None:
    """Where this duplicate went (``D`` undoes), what was merged here, the customer's rating."""
    into = ticket.get("merged_into")
    if isinstance(into, int):
        text.append(f"  MERGED into #{into} (D undoes)", style=ink("bold yellow"))
    merged = [n for n in ticket.get("merged") or [] if isinstance(n, int)]
    if merged:
        text.append("  Duplicates ", style="dim")
        text.append(", ".join(f"#{n}" for n in merged))
    rated = ticket.get("satisfaction")
    if isinstance(rated, dict):
        good = rated.get("rating") == "good"
        text.append("  Rated ", style="dim")
        text.append(line(rated.get("rating")), style=ink("green" if good else "red"))


class TicketHeader(Static):
    DEFAULT_CSS = "TicketHeader { height: auto; padding: 0 1; }"

    def show(
        self,
        ticket: Json,
        now: datetime,
        incidents: list[Json] | None = None,
        links: list[Json] | None = None,
    ) -> None:
        self.update(header_text(ticket, now, incidents, links))
