"""The saved views every desk starts with: shared lists an admin may change or remove.

Written by the migration that made the table (and into a fresh database), once: an
admin's later edits stay. "waiting > 3 days" is ``idle=3d``: waiting on the customer
and not touched for three days.
"""

from __future__ import annotations

from typing import Any

from server.storage.desk_models import SavedView

DEFAULT_VIEWS: list[tuple[str, dict[str, Any], str]] = [
    ("mine", {"assignee": "me", "status": "new,open,waiting"}, "urgency"),
    (
        "unassigned urgent",
        {"assignee": "none", "priority": "urgent,high", "status": "new,open"},
        "urgency",
    ),
    ("waiting > 3 days", {"status": "waiting", "idle": "3d"}, "updated"),
    ("security", {"category": "security", "status": "new,open,waiting"}, "urgency"),
]
"""(name, GET /tickets filters, sort) of the shared views a new desk has."""


def seed_default_views() -> None:
    """Add the default shared views unless shared views exist (in the caller's transaction)."""
    if SavedView.select().where(SavedView.owner.is_null()).exists():
        return
    for position, (name, filters, sort) in enumerate(DEFAULT_VIEWS, start=1):
        SavedView.create(owner=None, name=name, filters=filters, sort=sort, position=position)
