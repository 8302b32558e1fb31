"""``padcom-server service list|add|edit``: an operator's view of what customers rent, on the host.

The same rules as the staff API (server/helpdesk/services.py), run against the
configured database through the one write path, for the operator who
provisions a server and moves its customers' services there.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from server.config import Settings
from server.vocabulary import SERVICE_KINDS, SERVICE_STATES

services = typer.Typer(help="Manage the services organizations rent.", no_args_is_help=True)
KINDS = ", ".join(SERVICE_KINDS)
STATES = ", ".join(SERVICE_STATES)
Many = Annotated[list[str] | None, typer.Option(help="Repeat for several; replaces the list.")]


def _bound() -> None:
    from server.storage.db import bind
    from server.storage.migrations import migrate

    bind(Settings.from_env().resolved_database_url)
    migrate()


def _line(service: dict[str, Any]) -> str:
    where = "/".join(p for p in (service["server"], service["datacenter"]) if p) or "-"
    return (
        f"{service['id']:>5}  org {service['organization']:<5} {service['kind']:<10} "
        f"{service['state']:<9} {where:<20} {service['label']}"
    )


def _run(change: Any) -> dict[str, Any]:
    from server.helpdesk.errors import DomainError
    from server.reads.serialize import staff_service_json
    from server.storage.write_path import plain, write

    try:
        result: dict[str, Any] = write(
            plain(lambda: staff_service_json(change())), None, batched=False
        )
    except DomainError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    return result


def _org_id(org: str) -> int:
    from server.storage.db import db
    from server.storage.models import Organization

    with db.connection_context():
        found = Organization.get_or_none(
            (Organization.name == org) | (Organization.customer_number == org)
        )
        if found is None and org.isdigit():
            found = Organization.get_or_none(Organization.id == int(org))
    if found is None:
        typer.echo(f"error: no organization {org!r} (a name, customer number or id)", err=True)
        raise typer.Exit(1)
    return int(found.id)


@services.command("list")
def list_services(
    org: Annotated[str | None, typer.Option(help="An organization's name, number or id.")] = None,
    server: Annotated[str | None, typer.Option(help="Only those on this server.")] = None,
    datacenter: Annotated[str | None, typer.Option(help="Only those in this datacenter.")] = None,
    state: Annotated[str | None, typer.Option(help=f"{STATES}.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List services, oldest first."""
    from server.helpdesk.errors import DomainError
    from server.helpdesk.services import find_services
    from server.reads.serialize import staff_service_json
    from server.storage.db import db

    _bound()
    org_id = _org_id(org) if org else None
    try:
        with db.connection_context():
            found = [
                staff_service_json(s) for s in find_services(org_id, server, datacenter, state)
            ]
    except DomainError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(found, indent=2))
        return
    for item in found:
        typer.echo(_line(item))


def _values(
    kind: str | None, label: str | None, plan: str | None, datacenter: str | None,
    state: str | None, server: str | None, ip: list[str] | None, hostname: list[str] | None,
) -> dict[str, Any]:  # fmt: skip
    given = {
        "kind": kind, "label": label, "plan": plan, "datacenter": datacenter,
        "state": state, "server": server, "ips": ip, "hostnames": hostname,
    }  # fmt: skip
    return {k: v for k, v in given.items() if v is not None}


@services.command("add")
def add_service(
    org: Annotated[str, typer.Argument(help="The organization's name, customer number or id.")],
    kind: Annotated[str, typer.Option(help=f"{KINDS}.")],
    label: Annotated[str, typer.Option(help="What the customer calls it (a domain, a host).")],
    plan: Annotated[str | None, typer.Option(help="The product or plan.")] = None,
    server: Annotated[str | None, typer.Option(help="The server it runs on (web-07).")] = None,
    datacenter: Annotated[str | None, typer.Option(help="The datacenter (FRA-1).")] = None,
    state: Annotated[str | None, typer.Option(help=f"{STATES}.")] = None,
    ip: Many = None,
    hostname: Many = None,
) -> None:
    """Add a service to an organization."""
    from server.helpdesk.audit import Actor
    from server.helpdesk.services import add_service as add

    _bound()
    org_id = _org_id(org)
    values = _values(kind, label, plan, datacenter, state, server, ip, hostname)
    typer.echo(f"added {_line(_run(lambda: add(org_id, values, Actor.operator())))}")


@services.command("edit")
def edit_service(
    service_id: Annotated[int, typer.Argument(help="The service's id (see `service list`).")],
    kind: Annotated[str | None, typer.Option(help=f"{KINDS}.")] = None,
    label: Annotated[str | None, typer.Option(help="A new label.")] = None,
    plan: Annotated[str | None, typer.Option(help="The product or plan.")] = None,
    server: Annotated[str | None, typer.Option(help="The server it runs on now.")] = None,
    datacenter: Annotated[str | None, typer.Option(help="The datacenter.")] = None,
    state: Annotated[str | None, typer.Option(help=f"{STATES}.")] = None,
    ip: Many = None,
    hostname: Many = None,
) -> None:
    """Change a service: suspend or reactivate it, move it to another server, its addresses."""
    from server.helpdesk.audit import Actor
    from server.helpdesk.services import change_service

    _bound()
    values = _values(kind, label, plan, datacenter, state, server, ip, hostname)
    if not values:
        typer.echo("error: nothing to change (see --help)", err=True)
        raise typer.Exit(2)
    typer.echo(
        f"changed {_line(_run(lambda: change_service(service_id, values, Actor.operator())))}"
    )
