"""Read model: the audit trail as ``GET /audit`` and the admin app's audit view show it.

Newest first, a keyset page at a time (``before`` is the last id seen), with the
filters of the queue: who, what, on what, when, and words in either name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.storage.db import db
from server.storage.identity_models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    """What to look for; every field left None matches everything."""

    actor: int | None = None
    action: str | None = None
    """A whole action (``user.changed``) or its first word (``user``)."""
    target_kind: str | None = None
    target_id: int | None = None
    q: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before: int | None = None
    limit: int = 100


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at,
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_kind": entry.target_kind,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "before": entry.before,
        "after": entry.after,
    }


def entries(wanted: AuditFilter) -> dict[str, Any]:
    """A page of entries: ``{"items": [...], "next_cursor": "<id>" | None}``."""
    query = AuditEntry.select().order_by(AuditEntry.id.desc()).limit(wanted.limit + 1)
    if wanted.actor is not None:
        query = query.where(AuditEntry.actor == wanted.actor)
    if wanted.action:
        if "." in wanted.action:
            query = query.where(AuditEntry.action == wanted.action)
        else:
            query = query.where(AuditEntry.action.startswith(wanted.action + "."))
    if wanted.target_kind:
        query = query.where(AuditEntry.target_kind == wanted.target_kind)
    if wanted.target_id is not None:
        query = query.where(AuditEntry.target_id == wanted.target_id)
    if wanted.q:
        words = wanted.q.strip()
        query = query.where(
            AuditEntry.target_label.contains(words) | AuditEntry.actor_label.contains(words)
        )
    if wanted.since is not None:
        query = query.where(AuditEntry.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(AuditEntry.at < wanted.until)
    if wanted.before is not None:
        query = query.where(AuditEntry.id < wanted.before)
    with db.connection_context():
        found = list(query)
    more = len(found) > wanted.limit
    items = found[: wanted.limit]
    return {
        "items": [entry_json(e) for e in items],
        "next_cursor": str(items[-1].id) if more and items else None,
    }
