"""``padcom incident …``: staff declare, update and resolve outages; customers subscribe."""

from __future__ import annotations

from typing import Annotated

import typer

from padcom_cli import text_input
from padcom_cli.client.hosting import Hosting
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.vocabulary import INCIDENT_SEVERITIES, IncidentSeverity, spelled
from padcom_cli.options import AsJson, Body, BodyFile
from padcom_cli.output import emit, note, usage_error
from padcom_cli.session import client

IncidentNumber = Annotated[
    int, typer.Argument(min=1, max=2**31 - 1, metavar="N", help="The incident number.")
]
TicketNumber = Annotated[
    int, typer.Argument(min=1, max=2**31 - 1, metavar="TICKET", help="The ticket number.")
]
Names = Annotated[list[str] | None, typer.Option(help="Repeat for several.")]
UPDATE_HELP = "# Write the update above this line; an empty text cancels."


def _hosting(ctx: typer.Context) -> Hosting:
    return Hosting(client(ctx))


def _show(incident: Json, as_json: bool, message: str = "") -> None:
    def draw() -> object:
        from padcom_cli.render_incidents import incident_block

        return incident_block(incident, staff="internal_notes" in incident)

    emit(incident, as_json, draw)
    if message and not as_json:
        note(message)


def list_incidents(
    ctx: typer.Context,
    state: Annotated[str, typer.Option(help="live, resolved or all.")] = "live",
    as_json: AsJson = False,
) -> None:
    """List incidents, newest first (open ones unless --state says otherwise)."""
    if state not in ("live", "resolved", "all"):
        usage_error("--state must be live, resolved or all")
    found = _hosting(ctx).incidents(state)

    def draw() -> object:
        from rich.text import Text

        from padcom_cli.render_incidents import incidents_table

        return incidents_table(found) if found else Text("No incidents.")

    emit(found, as_json, draw)


def show(ctx: typer.Context, number: IncidentNumber, as_json: AsJson = False) -> None:
    """Show an incident with its updates (and, for staff, its notes and tickets)."""
    _show(_hosting(ctx).incident(number), as_json)


def declare(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", "-t", help="One line.")],
    server: Names = None,
    datacenter: Names = None,
    kind: Annotated[list[str] | None, typer.Option(help="A service kind; repeat.")] = None,
    service: Annotated[list[int] | None, typer.Option(help="A service ID; repeat.")] = None,
    severity: Annotated[
        IncidentSeverity, typer.Option(help=f"{spelled(INCIDENT_SEVERITIES)}.")
    ] = IncidentSeverity.MAJOR,
    text: Annotated[str, typer.Option("--text", help="What customers read.")] = "",
    notes: Annotated[str, typer.Option("--notes", help="Staff-only notes.")] = "",
    public: Annotated[bool, typer.Option(help="Show it to every customer.")] = False,
    as_json: AsJson = False,
) -> None:
    """Declare an incident (staff): what is affected, how bad, what customers read."""
    fields: Json = {
        "title": title,
        "severity": severity.value,
        "public": public,
        "public_text": text,
        "internal_notes": notes,
        "servers": server or [],
        "datacenters": datacenter or [],
        "service_kinds": kind or [],
        "services": service or [],
    }
    made = _hosting(ctx).declare(fields)
    _show(made, as_json, f"Declared incident #{made['number']}.")


def update(
    ctx: typer.Context,
    number: IncidentNumber,
    body: Body = None,
    body_file: BodyFile = None,
    internal: Annotated[bool, typer.Option(help="A staff-only note.")] = False,
    as_json: AsJson = False,
) -> None:
    """Post an update (staff): a public one reaches every linked ticket and subscriber."""
    text = text_input.need_body(body, body_file, UPDATE_HELP)
    changed = _hosting(ctx).post_update(number, text, internal)
    told = len(
        [t for t in changed.get("tickets", []) if t.get("status") not in ("resolved", "closed")]
    )
    _show(
        changed,
        as_json,
        f"Posted on incident #{number}" + ("" if internal else f" ({told} tickets)."),
    )


def resolve(
    ctx: typer.Context,
    number: IncidentNumber,
    body: Body = None,
    keep_tickets: Annotated[
        bool, typer.Option("--keep-tickets", help="Leave the linked tickets open.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Resolve an incident (staff), and its linked tickets with the closing message."""
    changed = _hosting(ctx).resolve(number, body or "", not keep_tickets)
    _show(changed, as_json, f"Resolved incident #{number}.")


def link(
    ctx: typer.Context, number: IncidentNumber, ticket: TicketNumber, as_json: AsJson = False
) -> None:
    """Link a ticket to an incident (staff)."""
    _show(_hosting(ctx).link_ticket(number, ticket), as_json, f"Linked #{ticket}.")


def unlink(ctx: typer.Context, number: IncidentNumber, ticket: TicketNumber) -> None:
    """Unlink a ticket from an incident (staff)."""
    _hosting(ctx).unlink_ticket(number, ticket)
    note(f"Unlinked ticket #{ticket} from incident #{number}.")


def subscribe(ctx: typer.Context, number: IncidentNumber, as_json: AsJson = False) -> None:
    """Get the incident's updates by mail instead of filing a ticket."""
    _show(_hosting(ctx).subscribe(number), as_json, f"Subscribed to incident #{number}.")
