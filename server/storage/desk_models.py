"""The tables of the staff's answering tools: tags on tickets, canned replies and macros.

Beside ``models.py`` (which would pass 400 lines with them). All of them are
staff-only: a customer never reads a tag, a canned reply or a macro. A row whose
``owner`` is null is shared (admins manage it); otherwise it is that staff
member's own. ``tables.EVERY_MODEL`` lists them with every other table.
"""

from __future__ import annotations

from peewee import AutoField, CharField, CompositeKey, ForeignKeyField, TextField

from server.storage.fields import JSONField, TimeField, utcnow
from server.storage.models import BaseModel, Ticket, User

TAG_MAX = 32
"""The longest tag, in characters (server/helpdesk/tags.py normalises to it)."""


class TicketTag(BaseModel):
    """One tag on one ticket; ``(tag, ticket)`` serves the ``tag`` filter and the statistics."""

    ticket = ForeignKeyField(Ticket, backref="tag_rows", on_delete="CASCADE")
    tag = CharField(max_length=TAG_MAX)

    ticket_id: int

    class Meta:
        table_name = "ticket_tag"
        primary_key = CompositeKey("ticket", "tag")
        indexes = ((("tag", "ticket"), False),)


class AllowedTag(BaseModel):
    """The admins' allow-list: when it has rows, only these words may be put on a ticket."""

    tag = CharField(max_length=TAG_MAX, primary_key=True)

    class Meta:
        table_name = "allowed_tag"


class CannedReply(BaseModel):
    """A prepared answer with ``{placeholders}``; shared when ``owner`` is null."""

    id = AutoField()
    name = CharField(max_length=100)
    body = TextField()
    owner = ForeignKeyField(User, null=True, on_delete="CASCADE")
    created_at = TimeField(default=utcnow)
    updated_at = TimeField(default=utcnow)

    owner_id: int | None

    class Meta:
        table_name = "canned_reply"


class Macro(BaseModel):
    """A named list of actions applied to a ticket in one step; shared when ``owner`` is null.

    ``actions`` is a JSON list of ``{"action": word, "value": ...}`` (server/helpdesk/macros.py).
    """

    id = AutoField()
    name = CharField(max_length=100)
    actions = JSONField(default=list)
    owner = ForeignKeyField(User, null=True, on_delete="CASCADE")
    created_at = TimeField(default=utcnow)
    updated_at = TimeField(default=utcnow)

    owner_id: int | None


DESK_MODELS: list[type[BaseModel]] = [TicketTag, AllowedTag, CannedReply, Macro]
"""Every table: the fresh database's ``create_tables`` and ``copy-to`` use this list."""
