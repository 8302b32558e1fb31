"""HTTP layer: ``GET /audit``, the trail of administration changes, for admins.

Filters like the queue's (who, what, on what, when, words); the rows are written
by the rules themselves (server/helpdesk/audit.py), in the transaction of each change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from server.http.deps import AdminUser
from server.reads.audit_read import AuditFilter, entries

router = APIRouter(tags=["staff"])
BigId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: int | None
    actor_label: str
    action: str
    target_kind: str
    target_id: int | None
    target_label: str
    before: dict[str, Any]
    after: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None


@router.get("/audit", response_model=AuditPage)
def list_audit(
    admin: AdminUser,
    actor: BigId = None,
    action: Annotated[str | None, Query(pattern=r"^[a-z_]{1,20}(\.[a-z_]{1,20})?$")] = None,
    target_kind: Annotated[
        str | None, Query(pattern=r"^(user|organization|token|setting|mail)$")
    ] = None,
    target_id: BigId = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,10}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Administration changes, newest first: who, what, when, before and after."""
    return entries(
        AuditFilter(
            actor=actor,
            action=action,
            target_kind=target_kind,
            target_id=target_id,
            q=q,
            since=since,
            until=until,
            before=int(cursor) if cursor else None,
            limit=limit,
        )
    )
