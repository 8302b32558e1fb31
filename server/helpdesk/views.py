"""Rules layer: saved views, the named ticket lists an agent switches with the number keys.

An agent has their own views and sees the shared ones; only an admin makes, changes or
removes a shared view. Another agent's own view does not exist for anyone else (404),
like an invisible ticket. The filters were checked by the caller against the list's
rules (server/reads/listing.py, a layer above this one).
"""

from __future__ import annotations

from typing import Any

from peewee import fn

from server.helpdesk.errors import Forbidden, Invalid, NotFound
from server.storage.desk_models import SavedView
from server.storage.models import User
from server.vocabulary import Role

MAX_OWN = 50
"""An agent's own views at most (the number keys reach nine; the rest by the menu)."""
FIELDS = ("name", "filters", "sort", "position")


def visible_views(user: User) -> list[SavedView]:
    """The user's own views and the shared ones, in the order of the number keys."""
    query = SavedView.select().where((SavedView.owner == user.id) | SavedView.owner.is_null())
    return list(query.order_by(SavedView.position, SavedView.owner.is_null(False), SavedView.id))


def _view(user: User, view_id: int) -> SavedView:
    found = SavedView.get_or_none(
        SavedView.id == view_id, (SavedView.owner == user.id) | SavedView.owner.is_null()
    )
    if found is None:
        raise NotFound(f"view {view_id} not found")
    return found


def _may_change(user: User, view: SavedView) -> None:
    if view.owner_id is None and user.role != Role.ADMIN:
        raise Forbidden("only an admin changes a shared view")


def create_view(user: User, values: dict[str, Any], shared: bool) -> SavedView:
    """A new view of ``user``'s, or a shared one (admins only). Raises Forbidden, Invalid."""
    if shared and user.role != Role.ADMIN:
        raise Forbidden("only an admin shares a view")
    owner = None if shared else user.id
    if not shared and SavedView.select().where(SavedView.owner == user.id).count() >= MAX_OWN:
        raise Invalid(f"at most {MAX_OWN} views of your own: remove one first")
    if not values.get("position"):
        last = SavedView.select(fn.MAX(SavedView.position)).where(
            (SavedView.owner == user.id) | SavedView.owner.is_null()
        )
        values = {**values, "position": int(last.scalar() or 0) + 1}
    return SavedView.create(owner=owner, **{k: v for k, v in values.items() if k in FIELDS})


def change_view(user: User, view_id: int, values: dict[str, Any]) -> SavedView:
    """Rename, refilter, resort or move a view. Raises NotFound, Forbidden."""
    view = _view(user, view_id)
    _may_change(user, view)
    changed = {k: v for k, v in values.items() if k in FIELDS and v is not None}
    if changed:
        SavedView.update(**changed).where(SavedView.id == view.id).execute()
    return _view(user, view_id)


def delete_view(user: User, view_id: int) -> None:
    """Remove a view. Raises NotFound, Forbidden."""
    view = _view(user, view_id)
    _may_change(user, view)
    SavedView.delete().where(SavedView.id == view.id).execute()


def view_json(view: SavedView, viewer: User) -> dict[str, Any]:
    return {
        "id": view.id,
        "name": view.name,
        "filters": dict(view.filters or {}),
        "sort": view.sort,
        "position": view.position,
        "shared": view.owner_id is None,
        "mine": view.owner_id == viewer.id,
    }
