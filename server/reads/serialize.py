"""Read models: rows to the JSON shapes of people, messages, events and tokens, related rows in batches.

A ticket's JSON has one writer of its own, server/reads/ticket_read.py.

A page of 50 events costs two extra queries (users, organizations), not 100:
``Related`` collects the ids first, then fetches each table once.
Each shape takes the ``viewer`` (``None``: the system, or a staff-only route):
a customer sees staff members by name only (``visibility.shown_email``) and no
organization but their own beside a person (``visibility.sees_organization``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from server.helpdesk.accounts import INVITED
from server.helpdesk.visibility import sees_organization, shown_email
from server.reads.ticket_read import iso
from server.storage.fields import to_ms
from server.storage.file_models import Attachment, Blob
from server.storage.models import Event, Message, Organization, Service, Token, User


def org_json(org: Organization) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "customer_number": org.customer_number}


def service_json(service: Service) -> dict[str, Any]:
    return {
        "id": service.id,
        "kind": service.kind,
        "label": service.label,
        "plan": service.plan,
        "datacenter": service.datacenter,
        "state": service.state,
        "server": service.server,
        "ips": list(service.ips or []),
        "hostnames": list(service.hostnames or []),
    }


def staff_service_json(service: Service) -> dict[str, Any]:
    """A service as staff manage it: with the organization that rents it."""
    return {**service_json(service), "organization": service.organization_id}


class Related:
    """Users and organizations by id, fetched once per response.

    People are shown with their organization only where ``viewer`` may see it
    (``visibility.sees_organization``; no viewer = staff's view).
    """

    def __init__(
        self,
        user_ids: Iterable[int | None] = (),
        org_ids: Iterable[int | None] = (),
        *,
        viewer: User | None,
    ) -> None:
        self.viewer = viewer
        wanted_users = {i for i in user_ids if i is not None}
        self.users = (
            {u.id: u for u in User.select().where(User.id.in_(wanted_users))}
            if wanted_users
            else {}
        )
        wanted_orgs = {i for i in org_ids if i is not None}
        wanted_orgs |= {u.organization_id for u in self.users.values() if u.organization_id}
        self.orgs = (
            {o.id: o for o in Organization.select().where(Organization.id.in_(wanted_orgs))}
            if wanted_orgs
            else {}
        )

    def seen_by(self, viewer: User | None) -> Related:
        """The same rows, shown to ``viewer`` (no second fetch: the live hub shapes one
        round's events for every audience from one ``Related``)."""
        other = object.__new__(Related)
        other.__dict__.update(self.__dict__)
        other.viewer = viewer
        return other

    def org(self, org_id: int | None) -> dict[str, Any] | None:
        return org_json(self.orgs[org_id]) if org_id in self.orgs else None

    def user(self, user_id: int | None) -> dict[str, Any] | None:
        if user_id not in self.users:
            return None
        org_id = self.users[user_id].organization_id
        shown = org_id if sees_organization(self.viewer, org_id) else None
        return user_json(self.users[user_id], self.org(shown), viewer=self.viewer)


def user_json(user: User, org: dict[str, Any] | None, *, viewer: User | None) -> dict[str, Any]:
    """``user`` as ``viewer`` sees them (``None``: the system or a staff-only route, the full view)."""
    return {
        "id": user.id,
        "email": shown_email(viewer, user.role, user.email),
        "name": user.name,
        "role": user.role,
        "organization": org,
    }


def single_user_json(user: User) -> dict[str, Any]:
    """A user with its organization, for one-off responses to that user themself."""
    org = Organization.get_or_none(Organization.id == user.organization_id)
    return user_json(user, org_json(org) if org else None, viewer=user)


def user_admin_json(
    user: User, related: Related, second_factors: frozenset[int] = frozenset()
) -> dict[str, Any]:
    """A person as admins see them; ``second_factors``: the ids of those with TOTP on."""
    data = user_json(user, related.org(user.organization_id), viewer=None)
    data.update(
        active=user.active,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
        invitation_pending=user.password_hash == INVITED,
        totp_enabled=user.id in second_factors,
    )
    return data


def attachment_json(attachment: Attachment, content_type: str) -> dict[str, Any]:
    """A file as lists and messages show it (its bytes: GET .../attachments/{id})."""
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "size": attachment.size,
        "content_type": content_type,
        "message": attachment.message_id,
        "internal": attachment.internal,
        "created_at": attachment.created_at,
    }


def attachments_json(attachments: list[Attachment]) -> list[dict[str, Any]]:
    """Files with their sniffed types (one query for the blobs)."""
    shas = {a.blob_id for a in attachments}
    types = (
        {b.sha256: b.content_type for b in Blob.select().where(Blob.sha256.in_(list(shas)))}
        if shas
        else {}
    )
    return [
        attachment_json(a, types.get(a.blob_id, "application/octet-stream")) for a in attachments
    ]


def messages_json(messages: list[Message], viewer: User | None) -> list[dict[str, Any]]:
    """``messages`` with their files: whoever may see a message sees its files' names."""
    related = Related(user_ids=[m.author_id for m in messages], viewer=viewer)
    files: dict[int, list[dict[str, Any]]] = {}
    if messages:
        query = Attachment.select().where(Attachment.message.in_([m.id for m in messages]))
        for shown in attachments_json(list(query.order_by(Attachment.id))):
            files.setdefault(shown["message"], []).append(shown)
    return [
        {
            "id": m.id,
            "ticket": m.ticket_id,
            "author": related.user(m.author_id),
            "body": m.body,
            "internal": m.internal,
            "created_at": m.created_at,
            "attachments": files.get(m.id, []),
        }
        for m in messages
    ]


def events_json(
    events: list[Event], viewer: User | None, related: Related | None = None
) -> list[dict[str, Any]]:
    """``events`` as ``viewer`` sees them; ``related`` (its actors fetched) saves the fetch."""
    if related is None:
        related = Related(user_ids=[e.actor_id for e in events], viewer=viewer)
    else:
        related = related.seen_by(viewer)
    return [
        {
            "id": e.id,
            "ticket": e.ticket_id,
            "incident": e.incident,
            "kind": e.kind,
            "actor": related.user(e.actor_id),
            "changes": e.changes,
            "internal": e.internal,
            "at": e.at,
        }
        for e in events
    ]


def token_json(token: Token) -> dict[str, Any]:
    return {
        "id": token.id,
        "user": token.user_id,
        "name": token.name,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


def with_wire_times(item: dict[str, Any], *names: str) -> dict[str, Any]:
    """``item`` with its times ``names`` as every JSON answer writes them (``ticket_read.iso``:
    ISO 8601, UTC, ``Z``), for the stream and webhooks, which are written without the API's models."""
    for name in names:
        value = item[name]
        if isinstance(value, datetime):
            item[name] = iso(to_ms(value))
    return item
