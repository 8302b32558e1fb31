"""Rich renderables for incidents and services' places: ``padcom status``, ``padcom incident``.

Every piece of server text goes through ``plain`` (render.py), never markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.time_words import ago
from padcom_cli.client.vocabulary import IncidentSeverity, IncidentState
from padcom_cli.render import plain

SEVERITY_STYLES: dict[str, str] = {
    IncidentSeverity.CRITICAL: "bold red",
    IncidentSeverity.MAJOR: "red",
    IncidentSeverity.MINOR: "yellow",
}
STATE_WORDS: dict[str, str] = {
    IncidentState.OPEN: "investigating",
    IncidentState.ACKNOWLEDGED: "we are on it",
    IncidentState.RESOLVED: "resolved",
}


def headline(incident: Json) -> Text:
    """``#7 HostDown on web-07 — critical, we are on it (since 10 minutes ago)``."""
    text = Text(f"#{incident['number']} ", style="bold")
    text.append_text(plain(incident.get("title"), "bold", single_line=True))
    text.append(" — ")
    severity = str(incident.get("severity", ""))
    text.append(severity, style=SEVERITY_STYLES.get(severity, ""))
    text.append(f", {STATE_WORDS.get(str(incident.get('state')), incident.get('state'))}")
    text.append(f" (since {ago(incident.get('started_at'))})", style="dim")
    return text


def incident_block(incident: Json, *, staff: bool = False) -> RenderableType:
    """One incident: headline, what is affected, the public text and every update."""
    parts: list[RenderableType] = [headline(incident)]
    places = [*incident.get("servers", []), *incident.get("datacenters", [])]
    mine = [s.get("label") for s in incident.get("affected_services", [])]
    if mine:
        parts.append(
            plain(f"  Affects {'your ' if not staff else ''}services: {', '.join(map(str, mine))}")
        )
    if places:
        parts.append(plain(f"  Where: {', '.join(map(str, places))}"))
    if incident.get("public_text"):
        parts.append(plain(f"  {incident['public_text']}"))
    for update in incident.get("updates", [])[1:]:
        line = Text(f"  {ago(update.get('created_at'))}: ", style="dim")
        if update.get("internal"):
            line.append("[internal] ", style="yellow")
        line.append_text(plain(update.get("body") or update.get("state"), single_line=True))
        parts.append(line)
    if staff:
        tickets = incident.get("tickets", [])
        if tickets:
            numbers = ", ".join(f"#{t['number']}" for t in tickets)
            parts.append(plain(f"  Tickets ({len(tickets)}): {numbers}"))
        if incident.get("internal_notes"):
            parts.append(plain(f"  Notes: {incident['internal_notes']}", "yellow"))
    elif incident.get("subscribed"):
        parts.append(Text("  You are subscribed to its updates.", style="green"))
    return Group(*parts)


def status_view(incidents: list[Json]) -> RenderableType:
    """``padcom status``: every incident that concerns the customer, or an all-clear."""
    if not incidents:
        return Text("All systems normal: no incident affects your services.", style="green")
    blocks: list[RenderableType] = []
    for incident in incidents:
        if blocks:
            blocks.append(Text(""))
        blocks.append(incident_block(incident))
    return Group(*blocks)


def incidents_table(incidents: list[Json]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("#", "Severity", "State", "Title", "Where", "Tickets", "Started"):
        table.add_column(column)
    for i in incidents:
        severity = str(i.get("severity", ""))
        table.add_row(
            Text(str(i["number"])),
            Text(severity, style=SEVERITY_STYLES.get(severity, "")),
            plain(i.get("state")),
            plain(i.get("title"), single_line=True),
            plain(", ".join([*i.get("servers", []), *i.get("datacenters", [])]) or "-"),
            Text(str(len(i.get("tickets", [])))),
            Text(ago(i.get("started_at"))),
        )
    return table
