"""``padcom admin ...``: the staff side of administration over the API, for remote admins.

The same as ``padcom-server org|user|token`` on the host, through the API and
its rules: agents may list, only admins change. ``--json`` everywhere.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from padcom_cli.client import admin as calls
from padcom_cli.client.sanitize import clean
from padcom_cli.options import AsJson
from padcom_cli.output import emit
from padcom_cli.session import client

orgs = typer.Typer(help="List, add and change organizations.", no_args_is_help=True)
users = typer.Typer(
    help="List, invite and change people; deactivate, sign out, reset 2FA.", no_args_is_help=True
)
tokens = typer.Typer(help="List and revoke API tokens.", no_args_is_help=True)
Ref = Annotated[str, typer.Argument(help="The person's email or id.")]
Limit = Annotated[int, typer.Option(min=1, max=500, help="At most this many.")]


def _lines(rows: list[str]) -> str:
    return "\n".join(clean(r) for r in rows) if rows else "Nothing found."


@orgs.command("list")
def org_list(
    ctx: typer.Context,
    q: Annotated[str | None, typer.Option(help="Only names containing this.")] = None,
    limit: Limit = 200,
    as_json: AsJson = False,
) -> None:
    """List organizations by name."""
    found = calls.organizations(client(ctx), q, limit)
    emit(
        found,
        as_json,
        lambda: _lines([f"{o['id']:>6}  {o['customer_number']:<12} {o['name']}" for o in found]),
    )


@orgs.command("add")
def org_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The organization's name.")],
    customer_number: Annotated[str, typer.Option(help="Its number in billing.")],
    as_json: AsJson = False,
) -> None:
    """Add an organization."""
    made = calls.add_organization(client(ctx), name, customer_number)
    emit(made, as_json, lambda: clean(f"Added organization {made['name']} (id {made['id']})."))


@orgs.command("edit")
def org_edit(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Id, customer number or name.")],
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    customer_number: Annotated[str | None, typer.Option(help="A new customer number.")] = None,
    as_json: AsJson = False,
) -> None:
    """Rename an organization or change its customer number."""
    api = client(ctx)
    values = {k: v for k, v in (("name", name), ("customer_number", customer_number)) if v}
    made = calls.change_organization(api, calls.find_organization(api, ref)["id"], values)
    emit(
        made,
        as_json,
        lambda: clean(f"Organization {made['id']}: {made['customer_number']} {made['name']}."),
    )


def _user_line(u: dict[str, Any]) -> str:
    org = u["organization"]["name"] if u.get("organization") else "-"
    flags = [f for f, on in (("inactive", not u["active"]), ("invited", u.get("invitation_pending")),
                             ("2fa", u.get("totp_enabled"))) if on]  # fmt: skip
    return f"{u['id']:>6}  {u['role']:<8} {u['email']:<36} {org}  {' '.join(flags)}".rstrip()


@users.command("list")
def user_list(
    ctx: typer.Context,
    role: Annotated[str | None, typer.Option(help="customer, agent, admin or staff.")] = None,
    q: Annotated[str | None, typer.Option(help="Only emails or names containing this.")] = None,
    limit: Limit = 200,
    as_json: AsJson = False,
) -> None:
    """List people, oldest first."""
    found = calls.users(client(ctx), role=role, q=q, limit=limit)
    emit(found, as_json, lambda: _lines([_user_line(u) for u in found]))


@users.command("invite")
def user_invite(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Their sign-in email.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[str, typer.Option(help="customer, agent or admin.")] = "customer",
    org: Annotated[
        str | None, typer.Option(help="Their organization (id, number or name).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Invite someone: they get a mail with a one-time code to set their password."""
    api = client(ctx)
    org_id = calls.find_organization(api, org)["id"] if org else None
    made = calls.invite(api, email, name, role, org_id)
    emit(
        made,
        as_json,
        lambda: clean(f"Invited {made['email']} (id {made['id']}); the mail is on its way."),
    )


@users.command("edit")
def user_edit(
    ctx: typer.Context,
    ref: Ref,
    name: Annotated[str | None, typer.Option(help="A new display name.")] = None,
    role: Annotated[str | None, typer.Option(help="customer, agent or admin.")] = None,
    org: Annotated[
        str | None, typer.Option(help="Move to this organization; 'none' for staff.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Change a person's name, role or organization (at once, streams included)."""
    api = client(ctx)
    values: dict[str, Any] = {k: v for k, v in (("name", name), ("role", role)) if v}
    if org:
        values["organization"] = None if org == "none" else calls.find_organization(api, org)["id"]
    made = calls.change_user(api, calls.find_user(api, ref)["id"], values)
    emit(made, as_json, lambda: clean(_user_line(made)))


def _set_active(ctx: typer.Context, ref: str, active: bool, as_json: bool) -> None:
    api = client(ctx)
    made = calls.change_user(api, calls.find_user(api, ref)["id"], {"active": active})
    emit(made, as_json, lambda: clean(_user_line(made)))


@users.command("disable")
def user_disable(ctx: typer.Context, ref: Ref, as_json: AsJson = False) -> None:
    """Deactivate a person: their tokens are revoked and streams end at once."""
    _set_active(ctx, ref, False, as_json)


@users.command("enable")
def user_enable(ctx: typer.Context, ref: Ref, as_json: AsJson = False) -> None:
    """Reactivate a person."""
    _set_active(ctx, ref, True, as_json)


@users.command("sign-out")
def user_sign_out(ctx: typer.Context, ref: Ref, as_json: AsJson = False) -> None:
    """Sign a person out everywhere."""
    api = client(ctx)
    found = calls.find_user(api, ref)
    calls.sign_out(api, found["id"])
    emit(
        {"signed_out": found["id"]},
        as_json,
        lambda: clean(f"Signed {found['email']} out everywhere."),
    )


@users.command("reset-2fa")
def user_reset_2fa(ctx: typer.Context, ref: Ref, as_json: AsJson = False) -> None:
    """Forget a person's second factor (a lost phone) and sign them out."""
    api = client(ctx)
    found = calls.find_user(api, ref)
    calls.reset_totp(api, found["id"])
    emit(
        {"reset": found["id"]},
        as_json,
        lambda: clean(f"Two-factor sign-in of {found['email']} reset."),
    )


@tokens.command("list")
def token_list(
    ctx: typer.Context,
    user: Annotated[str | None, typer.Option(help="This person's (email or id; admins).")] = None,
    as_json: AsJson = False,
) -> None:
    """List tokens (never their secrets): yours, or a person's."""
    api = client(ctx)
    found = calls.tokens(api, calls.find_user(api, user)["id"] if user else None)

    def lines() -> str:
        return _lines([f"{t['id']:>6}  user {t['user']:<6} {str(t['expires_at'])[:10]}  "
                       f"{'revoked' if t['revoked_at'] else 'live':<8} {t['name']}" for t in found])  # fmt: skip

    emit(found, as_json, lines)


@tokens.command("revoke")
def token_revoke(
    ctx: typer.Context,
    token_id: Annotated[int, typer.Argument(help="The token's id.", min=1)],
    as_json: AsJson = False,
) -> None:
    """Revoke a token (a leaked one): its streams end at once."""
    calls.revoke_token(client(ctx), token_id)
    emit({"revoked": token_id}, as_json, lambda: f"Revoked token {token_id}.")


def _diff(entry: dict[str, Any]) -> str:
    import json

    before, after = entry["before"], entry["after"]
    shown = [
        f"{k}: {json.dumps(before[k]) if k in before else '-'} -> {json.dumps(v)}"
        for k, v in after.items()
    ]
    return "; ".join(shown)


def audit(
    ctx: typer.Context,
    action: Annotated[
        str | None, typer.Option(help="An action (user.changed) or its kind (user).")
    ] = None,
    q: Annotated[
        str | None, typer.Option(help="Words in the actor's or the target's name.")
    ] = None,
    target_kind: Annotated[
        str | None, typer.Option(help="user, organization, token, setting or mail.")
    ] = None,
    limit: Limit = 50,
    as_json: AsJson = False,
) -> None:
    """Show who changed what in administration, newest first."""
    page = calls.audit(client(ctx), action=action, q=q, target_kind=target_kind, limit=limit)
    items = page["items"]

    def lines() -> str:
        return _lines([f"{str(e['at'])[:19]}  {e['actor_label']:<28} {e['action']:<20} "
                       f"{e['target_label']}  {_diff(e)}" for e in items])  # fmt: skip

    emit(items, as_json, lines)
