"""Rules layer: canned replies — prepared answers with ``{placeholders}``, shared or an agent's own.

Shared replies (``owner`` null) are managed by admins and used by every staff
member; personal ones are their owner's alone (to anyone else they do not exist).
Customers have none. A body names ticket values as ``{customer.name}``,
``{ticket.number}`` … (``PLACEHOLDERS``); ``{{`` and ``}}`` are literal braces. An
unknown placeholder is refused when the reply is saved, so a typo never reaches
a customer; ``render`` fills them in from one ticket, for the agent answering it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from peewee import ModelSelect

from server.helpdesk.errors import Forbidden, Invalid, NotFound
from server.helpdesk.visibility import get_ticket
from server.storage.desk_models import CannedReply
from server.storage.fields import utcnow
from server.storage.models import Ticket, User
from server.vocabulary import Role

_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")

Filler = Callable[[Ticket, User], str]


def _service(ticket: Ticket, name: str) -> str:
    service = ticket.service
    return str(getattr(service, name)) if service is not None else ""


PLACEHOLDERS: dict[str, Filler] = {
    "customer.name": lambda t, a: str(t.requester.name),
    "customer.email": lambda t, a: str(t.requester.email),
    "organization.name": lambda t, a: str(t.organization.name),
    "organization.customer_number": lambda t, a: str(t.organization.customer_number),
    "ticket.number": lambda t, a: str(t.id),
    "ticket.subject": lambda t, a: str(t.subject),
    "ticket.status": lambda t, a: str(t.status),
    "ticket.priority": lambda t, a: str(t.priority),
    "ticket.category": lambda t, a: str(t.category),
    "service.label": lambda t, a: _service(t, "label"),
    "service.kind": lambda t, a: _service(t, "kind"),
    "service.plan": lambda t, a: _service(t, "plan"),
    "service.datacenter": lambda t, a: _service(t, "datacenter"),
    "agent.name": lambda t, a: str(a.name),
}
"""Every placeholder a canned reply may name, and how its value is read (a missing service: "")."""


def placeholders_in(body: str) -> list[str]:
    """The placeholders ``body`` names, in order, once each; raises Invalid for an unknown one."""
    found: dict[str, None] = {}
    unknown: dict[str, None] = {}
    for match in _FIELD.finditer(body):
        name = match.group(1)
        if name is None:
            continue  # {{ or }}
        (found if name.strip() in PLACEHOLDERS else unknown)[name] = None
    if unknown:
        names = ", ".join("{" + n + "}" for n in unknown)
        raise Invalid(
            f"unknown placeholder {names}; known: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
            " (write {{ and }} for literal braces)",
            details={"unknown": list(unknown), "known": list(PLACEHOLDERS)},
        )
    return [name.strip() for name in found]


def fill(body: str, ticket: Ticket, agent: User) -> str:
    """``body`` with every placeholder replaced by the ticket's value (checked on save)."""

    def value(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        filler = PLACEHOLDERS.get(match.group(1).strip())
        return filler(ticket, agent) if filler else token

    return _FIELD.sub(value, body)


def usable(user: User) -> ModelSelect[CannedReply]:
    """The replies ``user`` may use: the shared ones and their own (none for a customer)."""
    if not user.is_staff:
        raise Forbidden("canned replies are for support staff only")
    return CannedReply.select().where(CannedReply.owner.is_null() | (CannedReply.owner == user.id))


def find(user: User, reply_id: int) -> CannedReply:
    """One reply ``user`` may use; raises Forbidden (customers), NotFound."""
    found: CannedReply | None = usable(user).where(CannedReply.id == reply_id).first()
    if found is None:
        raise NotFound(f"canned reply {reply_id} not found")
    return found


def _check_manage(user: User, reply: CannedReply | None, shared: bool) -> None:
    if shared and user.role != Role.ADMIN:
        raise Forbidden("only administrators manage shared canned replies")
    if reply is not None and reply.owner_id is not None and reply.owner_id != user.id:
        raise NotFound(f"canned reply {reply.id} not found")


def create(user: User, name: str, body: str, shared: bool) -> CannedReply:
    """A new reply: shared (admins) or the user's own. Raises Forbidden, Invalid."""
    usable(user)  # staff only
    _check_manage(user, None, shared)
    placeholders_in(body)
    now = utcnow()
    reply: CannedReply = CannedReply.create(
        name=name, body=body, owner=None if shared else user.id, created_at=now, updated_at=now
    )
    return reply


def change(user: User, reply_id: int, values: dict[str, Any]) -> CannedReply:
    """Rename or rewrite a reply the user manages. Raises Forbidden, NotFound, Invalid."""
    reply = find(user, reply_id)
    _check_manage(user, reply, reply.owner_id is None)
    if "body" in values:
        placeholders_in(values["body"])
    for key in ("name", "body"):
        if key in values:
            setattr(reply, key, values[key])
    reply.updated_at = utcnow()
    reply.save()
    return reply


def delete(user: User, reply_id: int) -> None:
    """Delete a reply the user manages (macros naming it then fail to apply it). Raises as ``change``."""
    reply = find(user, reply_id)
    _check_manage(user, reply, reply.owner_id is None)
    reply.delete_instance()


def rendered(user: User, reply_id: int, number: int) -> str:
    """Reply ``reply_id`` filled in from ticket ``number`` for ``user``. Raises Forbidden, NotFound."""
    reply = find(user, reply_id)
    return fill(reply.body, get_ticket(user, number), user)
