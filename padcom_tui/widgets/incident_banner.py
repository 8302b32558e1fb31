"""Above the queue: each open incident as one line, its linked tickets folded under it.

An outage brings its tickets all at once; the agent sees the incident first
(one line instead of forty: the queue leaves its tickets out), unfolds them
with ``i`` and narrows the queue to its server with ``w``. Hidden while nothing is down.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Static

from padcom_cli.client.jsontypes import Json
from padcom_tui.format import ink, line

SEVERITY_STYLE = {"critical": "bold red", "major": "red", "minor": "yellow"}


def banner_text(incidents: list[Json]) -> Text:
    text = Text()
    for incident in incidents:
        if text:
            text.append("\n")
        severity = str(incident.get("severity", ""))
        text.append("INCIDENT ", style=ink(SEVERITY_STYLE.get(severity, "bold")))
        text.append(f"#{incident['number']} {line(incident.get('title'))}", style=ink("bold"))
        where = ", ".join(
            line(p) for p in [*incident.get("servers", []), *incident.get("datacenters", [])]
        )
        if where:
            text.append(f"  {where}", style="dim")
        tickets = incident.get("tickets", [])
        text.append(f"  {len(tickets)} ticket{'s' if len(tickets) != 1 else ''}", style="dim")
        if tickets:
            numbers = " ".join(f"#{t['number']}" for t in tickets[:8])
            text.append(f"  └ {numbers}{' …' if len(tickets) > 8 else ''}", style="dim")
        text.append(f"  {line(incident.get('state'))}", style="dim")
    return text


def places_of(tickets: Iterable[Json]) -> list[tuple[str, str]]:
    """The servers and datacenters of ``tickets``' services, as (kind, name)."""
    found: list[tuple[str, str]] = []
    for ticket in tickets:
        service = ticket.get("service") or {}
        for kind in ("server", "datacenter"):
            if service.get(kind):
                found.append((kind, str(service[kind])))
    return found


class IncidentBanner(Static):
    DEFAULT_CSS = "IncidentBanner { height: auto; padding: 0 1; display: none; }"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.incidents: list[Json] = []

    def show(self, incidents: list[Json]) -> None:
        self.incidents = incidents
        self.update(banner_text(incidents))
        self.display = bool(incidents)

    def places(self) -> list[tuple[str, str]]:
        """The servers and datacenters the open incidents name."""
        found: list[tuple[str, str]] = []
        for incident in self.incidents:
            found += [("server", str(s)) for s in incident.get("servers", [])]
            found += [("datacenter", str(d)) for d in incident.get("datacenters", [])]
        return found
