"""Rules layer: one bulk change on one ticket — its fields as ``PATCH`` sets them, then its tags.

``POST /tickets/bulk`` runs this once per ticket, each in its own transaction.
Fields are checked against the version the agent saw (StaleVersion when the
ticket moved on). Tags alone are not, as for ``POST /tickets/{n}/tags``: adding
and removing commute, and a customer's reply meanwhile must not refuse "tag
these forty tickets outage". With fields and tags together the version check
covers both, so each ticket's change is whole or not at all.
"""

from __future__ import annotations

from typing import Any

from server.helpdesk import tags
from server.helpdesk.sla import SlaTargets
from server.helpdesk.tickets import update_ticket
from server.storage.models import Event, Ticket, User

TAG_CHANGES = ("add_tags", "remove_tags")
"""The bulk words for tags, as a macro's actions name them."""


def change_one(
    user: User, number: int, version: int, changes: dict[str, Any], sla: SlaTargets
) -> tuple[Ticket, list[Event]]:
    """Apply ``changes`` (ticket fields and ``add_tags``/``remove_tags``) to ticket ``number``.

    Raises what ``update_ticket`` and ``tags.change_tags`` raise: Forbidden,
    NotFound, Invalid, StaleVersion.
    """
    fields = {k: v for k, v in changes.items() if k not in TAG_CHANGES}
    add, remove = changes.get("add_tags") or [], changes.get("remove_tags") or []
    ticket: Ticket | None = None
    events: list[Event] = []
    if fields or not (add or remove):
        ticket, events = update_ticket(user, number, version, fields, sla)
    if add or remove:
        ticket, made = tags.change_tags(user, number, add, remove, ticket=ticket)
        events += made
    assert ticket is not None
    return ticket, events
