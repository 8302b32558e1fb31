"""Rules layer: the audit trail of administration: who changed what about people and accounts.

Every rule that changes a person, an organization, a service or a token calls
``record`` inside its own write transaction, so the entry and the change are
committed together or not at all. ``before`` and ``after`` hold only the fields
that changed (never a password hash, a secret or a code). The actor is the
signed-in person, or, for ``padcom-server`` on the host, ``Actor.operator()``.
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass
from typing import Any

from server.storage.identity_models import AuditEntry
from server.storage.models import User
from server.vocabulary import AuditAction


@dataclass(frozen=True)
class Actor:
    """Who made a change: a person of the helpdesk, or the operator at the host's shell."""

    user_id: int | None
    label: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(int(user.id), str(user.email))

    @classmethod
    def operator(cls) -> Actor:
        """``padcom-server`` run on the host: the login name and the machine."""
        try:
            who = getpass.getuser()
        except (KeyError, OSError):
            who = "unknown"
        return cls(None, f"operator {who}@{socket.gethostname()}"[:254])


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, from each side."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    actor: Actor,
    action: AuditAction,
    target_kind: str,
    target_id: int | None,
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One entry, in the caller's write transaction."""
    AuditEntry.create(
        actor=actor.user_id,
        actor_label=actor.label,
        action=action.value,
        target_kind=target_kind,
        target_id=target_id,
        target_label=target_label[:254],
        before=before or {},
        after=after or {},
    )
