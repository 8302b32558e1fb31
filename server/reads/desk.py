"""Read models: the JSON of canned replies, macros and the tags in use (staff-only shapes).

The rules that decide who may see which live in server/helpdesk/canned.py,
macros.py and tags.py; here the rows become the API's shapes.
"""

from __future__ import annotations

from typing import Any, cast

from peewee import fn

from server.helpdesk import canned, macros, tags
from server.storage.db import db
from server.storage.desk_models import CannedReply, Macro, TicketTag
from server.storage.models import User


def canned_json(reply: CannedReply) -> dict[str, Any]:
    return {
        "id": reply.id,
        "name": reply.name,
        "body": reply.body,
        "shared": reply.owner_id is None,
        "owner": reply.owner_id,
        "placeholders": canned.placeholders_in(reply.body),
        "created_at": reply.created_at,
        "updated_at": reply.updated_at,
    }


def canned_list(user: User) -> list[dict[str, Any]]:
    """The replies ``user`` may use, shared first, then by name. Raises Forbidden."""
    with db.connection_context():
        query = canned.usable(user).order_by(
            CannedReply.owner.is_null(False), fn.LOWER(CannedReply.name), CannedReply.id
        )
        return [canned_json(r) for r in query]


def canned_one(user: User, reply_id: int) -> dict[str, Any]:
    with db.connection_context():
        return canned_json(canned.find(user, reply_id))


def canned_rendered(user: User, reply_id: int, number: int) -> dict[str, Any]:
    with db.connection_context():
        reply = canned.find(user, reply_id)
        return {
            "id": reply.id,
            "name": reply.name,
            "ticket": number,
            "body": canned.rendered(user, reply_id, number),
        }


def macro_json(macro: Macro) -> dict[str, Any]:
    return {
        "id": macro.id,
        "name": macro.name,
        "actions": macro.actions,
        "shared": macro.owner_id is None,
        "owner": macro.owner_id,
        "created_at": macro.created_at,
        "updated_at": macro.updated_at,
    }


def macro_list(user: User) -> list[dict[str, Any]]:
    with db.connection_context():
        query = macros.usable(user).order_by(
            Macro.owner.is_null(False), fn.LOWER(Macro.name), Macro.id
        )
        return [macro_json(m) for m in query]


def macro_one(user: User, macro_id: int) -> dict[str, Any]:
    with db.connection_context():
        return macro_json(macros.find(user, macro_id))


def checked_tag_words(add: list[str], remove: list[str]) -> tuple[list[str], list[str]]:
    """A bulk change's tag words as stored, checked once for the whole request
    (``tags.wanted_words``), so a word outside the allow-list refuses the request rather
    than each of its tickets. Raises Invalid."""
    with db.connection_context():
        return tags.wanted_words(add, remove)


def tags_in_use() -> dict[str, Any]:
    """The allow-list and every tag on a ticket with how many carry it, most used first."""
    with db.connection_context():
        count = fn.COUNT(TicketTag.ticket)
        rows = (
            TicketTag.select(TicketTag.tag, count.alias("n"))
            .group_by(TicketTag.tag)
            .order_by(count.desc(), TicketTag.tag)
            .limit(500)
            .tuples()
        )
        pairs = cast(list[tuple[str, int]], list(rows))
        return {
            "allowed": tags.allowed(),
            "used": [{"tag": tag, "tickets": n} for tag, n in pairs],
        }
