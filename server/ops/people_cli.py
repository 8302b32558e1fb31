"""``padcom-server org|user|token ...``: the operator's administration at the host's shell.

The same rules as the API (server/helpdesk/administration.py, mailed_codes.py,
tokens.py), run as the operator (``Actor.operator()``: the login name and host go
into the audit trail). ``--json`` prints one JSON document to stdout, as ``padcom``
does; errors go to stderr with exit 1 (refused) or 3 (not found).

    padcom-server org list|add|edit
    padcom-server user list|invite|edit|disable|enable|sign-out|reset-2fa|reset-password
    padcom-server token list|revoke
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from server.config import Settings
from server.vocabulary import ROLES

T = TypeVar("T")

orgs = typer.Typer(help="Manage organizations (the hosting customers).", no_args_is_help=True)
tokens = typer.Typer(help="List and revoke API tokens.", no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Person = Annotated[str, typer.Argument(help="The person's email or id.")]
EXIT_REFUSED, EXIT_NOT_FOUND = 1, 3


def _settings() -> Settings:
    from server.storage.db import bind
    from server.storage.migrations import migrate

    settings = Settings.from_env()
    bind(settings.resolved_database_url)
    migrate()
    return settings


def run(change: Callable[[], T]) -> T:
    """``change`` through the one write path; a domain error ends the command in words."""
    from server.helpdesk.errors import DomainError, NotFound
    from server.storage.write_path import plain, write

    try:
        return write(plain(change), None, batched=False)
    except DomainError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(EXIT_NOT_FOUND if isinstance(exc, NotFound) else EXIT_REFUSED) from exc


def read(look: Callable[[], T]) -> T:
    """``look`` on a connection of its own (no write lock), with the same errors as ``run``."""
    from server.storage.db import db

    with db.connection_context():
        return _read(look)


def _read(look: Callable[[], T]) -> T:
    from server.helpdesk.errors import DomainError, NotFound

    try:
        return look()
    except DomainError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(EXIT_NOT_FOUND if isinstance(exc, NotFound) else EXIT_REFUSED) from exc


def show(data: Any, as_json: bool, lines: Callable[[], list[str]]) -> None:
    """The result: JSON alone on stdout, or lines for a person."""
    if as_json:
        json.dump(data, sys.stdout, indent=2, default=str, ensure_ascii=True)
        sys.stdout.write("\n")
        return
    for line in lines():
        typer.echo(line)


def person(ref: str) -> Any:
    """The user named by email or id (in a connection). Raises NotFound."""
    from server.helpdesk.administration import user_by_email, user_by_id

    return user_by_id(int(ref)) if ref.isdigit() else user_by_email(ref)


def organization(ref: str) -> Any:
    """The organization named by id, customer number or name. Raises NotFound."""
    from server.helpdesk.errors import NotFound
    from server.storage.models import Organization

    found = (
        Organization.get_or_none(Organization.id == int(ref)) if ref.isdigit() else None
    ) or Organization.get_or_none(
        (Organization.customer_number == ref) | (Organization.name == ref)
    )
    if found is None:
        raise NotFound(f"no organization {ref}")
    return found


# -- organizations ------------------------------------------------------------------


@orgs.command("list")
def org_list(
    q: Annotated[str | None, typer.Option(help="Only names containing this.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 500,
    as_json: AsJson = False,
) -> None:
    """List organizations by name."""
    from server.reads import people

    _settings()
    found = people.organizations(q, limit)
    show(
        found,
        as_json,
        lambda: [f"{o['id']:>6}  {o['customer_number']:<12} {o['name']}" for o in found],
    )


@orgs.command("add")
def org_add(
    name: Annotated[str, typer.Argument(help="The organization's name.")],
    customer_number: Annotated[str, typer.Option(help="Its number in billing.")],
    as_json: AsJson = False,
) -> None:
    """Add an organization."""
    from server.helpdesk.administration import add_organization
    from server.helpdesk.audit import Actor
    from server.reads.serialize import org_json

    _settings()
    made = run(lambda: org_json(add_organization(name, customer_number, Actor.operator())))
    show(made, as_json, lambda: [f"added organization {made['name']} (id {made['id']})"])


@orgs.command("edit")
def org_edit(
    ref: Annotated[str, typer.Argument(help="Id, customer number or name.")],
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    customer_number: Annotated[str | None, typer.Option(help="A new customer number.")] = None,
    as_json: AsJson = False,
) -> None:
    """Rename an organization or change its customer number."""
    from server.helpdesk.administration import change_organization
    from server.helpdesk.audit import Actor
    from server.reads.serialize import org_json

    _settings()
    values = {k: v for k, v in (("name", name), ("customer_number", customer_number)) if v}

    def change() -> dict[str, Any]:
        return org_json(change_organization(organization(ref).id, values, Actor.operator()))

    made = run(change)
    show(
        made,
        as_json,
        lambda: [f"organization {made['id']}: {made['customer_number']} {made['name']}"],
    )


# -- people ---------------------------------------------------------------------------


def _user_line(u: dict[str, Any]) -> str:
    org = u["organization"]["name"] if u.get("organization") else "-"
    flags = [
        "" if u["active"] else "inactive",
        "invited" if u.get("invitation_pending") else "",
        "2fa" if u.get("totp_enabled") else "",
    ]
    return f"{u['id']:>6}  {u['role']:<8} {u['email']:<36} {org}  {' '.join(f for f in flags if f)}".rstrip()


def user_list(
    role: Annotated[str | None, typer.Option(help="customer, agent, admin or staff.")] = None,
    org: Annotated[
        str | None, typer.Option(help="Only this organization (id, number, name).")
    ] = None,
    q: Annotated[str | None, typer.Option(help="Only emails or names containing this.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 500,
    as_json: AsJson = False,
) -> None:
    """List people, oldest first."""
    from server.reads import people
    from server.storage.db import db

    _settings()
    with db.connection_context():
        org_id = _read(lambda: organization(org).id) if org else None
    found = people.users(role, org_id, limit, q)
    show(found, as_json, lambda: [_user_line(u) for u in found])


def _shown(user_id: int) -> dict[str, Any]:
    from server.reads import people

    return people.user(user_id)


def user_invite(
    email: Annotated[str, typer.Argument(help="Their sign-in email.")],
    role: Annotated[str, typer.Option(help=f"{', '.join(ROLES)}.")] = "customer",
    org: Annotated[str | None, typer.Option(help="Their organization (id, number, name).")] = None,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    as_json: AsJson = False,
) -> None:
    """Invite someone: they get a mail with a one-time code to set their own password.

    Without mail configured (PADCOM_SMTP_HOST) the code is printed here instead,
    for you to hand over by another way.
    """
    from server.helpdesk.audit import Actor
    from server.helpdesk.mailed_codes import invite

    settings = _settings()
    sender = settings.mail.sender if settings.mail.enabled else None

    def change() -> tuple[int, str]:
        org_id = organization(org).id if org else None
        user, code = invite(
            Actor.operator(),
            email=email,
            name=name or email.split("@")[0],
            role=role,
            organization_id=org_id,
            hours=settings.invitation_hours,
            sender=sender,
        )
        return int(user.id), code

    user_id, code = run(change)
    made = _shown(user_id)
    data = {**made, "code": None if sender else code}
    show(data, as_json, lambda: [f"invited {made['role']} {made['email']} (id {user_id})"] + (
        [] if sender else [f"mail is off: hand them this code: {code}"]))  # fmt: skip


def _change(ref: str, values: dict[str, Any], as_json: bool, said: str) -> None:
    from server.helpdesk.administration import change_user
    from server.helpdesk.audit import Actor

    _settings()
    user_id = run(lambda: int(change_user(person(ref).id, values, Actor.operator()).id))
    made = _shown(user_id)
    show(made, as_json, lambda: [f"{said} {made['email']}: {_user_line(made).strip()}"])


def user_edit(
    ref: Person,
    name: Annotated[str | None, typer.Option(help="A new display name.")] = None,
    role: Annotated[str | None, typer.Option(help=f"{', '.join(ROLES)}.")] = None,
    org: Annotated[
        str | None, typer.Option(help="Move to this organization; 'none' for staff.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Change a person's name, role or organization (takes effect at once, streams included)."""
    from server.storage.db import db

    if role is not None and role not in ROLES:
        raise typer.BadParameter(f"role must be one of {', '.join(ROLES)}")
    values: dict[str, Any] = {}
    if name:
        values["name"] = name
    if role:
        values["role"] = role
    if org:
        _settings()
        with db.connection_context():
            values["organization"] = None if org == "none" else _read(lambda: organization(org).id)
    _change(ref, values, as_json, "changed")


def user_disable(ref: Person, as_json: AsJson = False) -> None:
    """Deactivate a person: every token is revoked and open streams end at once."""
    _change(ref, {"active": False}, as_json, "deactivated")


def user_enable(ref: Person, as_json: AsJson = False) -> None:
    """Reactivate a person (they sign in again with their password)."""
    _change(ref, {"active": True}, as_json, "reactivated")


def user_sign_out(ref: Person, as_json: AsJson = False) -> None:
    """Sign a person out everywhere: revoke every token they hold."""
    from server.helpdesk.administration import sign_out_everywhere
    from server.helpdesk.audit import Actor

    _settings()
    count = run(lambda: sign_out_everywhere(person(ref).id, Actor.operator()))
    show({"revoked": count}, as_json, lambda: [f"revoked {count} token(s) of {ref}"])


def user_reset_2fa(ref: Person, as_json: AsJson = False) -> None:
    """Forget a person's second factor (a lost phone) and sign them out everywhere."""
    from server.helpdesk.administration import reset_second_factor
    from server.helpdesk.audit import Actor

    _settings()
    run(lambda: reset_second_factor(person(ref).id, Actor.operator()))
    show(
        {"reset": True},
        as_json,
        lambda: [f"two-factor sign-in of {ref} reset; signed out everywhere"],
    )


def user_reset_password(ref: Person, as_json: AsJson = False) -> None:
    """Mail a person a password-reset code (printed here when mail is off)."""
    from server.helpdesk.mailed_codes import request_reset

    settings = _settings()
    sender = settings.mail.sender if settings.mail.enabled else None
    email = str(read(lambda: person(ref).email))
    code = run(lambda: request_reset(email, settings.reset_code_minutes, sender))
    if code is None:
        typer.echo(f"error: {email} is deactivated", err=True)
        raise typer.Exit(EXIT_REFUSED)
    data = {"email": email, "code": None if sender else code}
    show(data, as_json, lambda: [f"reset code mailed to {email}"] if sender else [
        f"mail is off: hand {email} this code: {code}"])  # fmt: skip


USER_COMMANDS: dict[str, Callable[..., None]] = {
    "list": user_list,
    "invite": user_invite,
    "edit": user_edit,
    "disable": user_disable,
    "enable": user_enable,
    "sign-out": user_sign_out,
    "reset-2fa": user_reset_2fa,
    "reset-password": user_reset_password,
}
"""Added to ``padcom-server user`` beside ``user add`` (server/ops/cli.py)."""


# -- tokens ---------------------------------------------------------------------------


@tokens.command("list")
def token_list(
    user: Annotated[str | None, typer.Option(help="Only this person's (email or id).")] = None,
    every: Annotated[bool, typer.Option("--all", help="Revoked and expired ones too.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 500,
    as_json: AsJson = False,
) -> None:
    """List tokens (never their secrets), newest first."""
    from server.helpdesk.tokens import all_tokens
    from server.reads.serialize import token_json
    from server.storage.db import db

    _settings()
    with db.connection_context():
        user_id = _read(lambda: int(person(user).id)) if user else None
        found = [token_json(t) for t in all_tokens(user_id, not every, limit)]

    def lines() -> list[str]:
        return [
            f"{t['id']:>6}  user {t['user']:<6} {str(t['expires_at'])[:10]}  "
            f"{'revoked' if t['revoked_at'] else 'live':<8} {t['name']}"
            for t in found
        ]

    show(found, as_json, lines)


@tokens.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (from `token list`).", min=1)],
    as_json: AsJson = False,
) -> None:
    """Revoke a token (a leaked one): its open streams end at once."""
    from server.helpdesk.administration import revoke_token
    from server.helpdesk.audit import Actor
    from server.helpdesk.errors import NotFound
    from server.storage.models import Token

    _settings()

    def change() -> None:
        token = Token.get_or_none(Token.id == token_id)
        if token is None:
            raise NotFound(f"no token {token_id}")
        revoke_token(token, Actor.operator())

    run(change)
    show({"revoked": token_id}, as_json, lambda: [f"revoked token {token_id}"])
