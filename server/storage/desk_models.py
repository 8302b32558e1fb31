"""The tables of the staff's answering tools: tags on tickets, canned replies and macros.

Beside ``models.py`` (which would pass 400 lines with them). All of them are
staff-only: a customer never reads a tag, a canned reply or a macro. A row whose
``owner`` is null is shared (admins manage it); otherwise it is that staff
member's own. ``tables.EVERY_MODEL`` lists them with every other table.
"""

from __future__ import annotations

from peewee import AutoField, CharField, CompositeKey, ForeignKeyField, SmallIntegerField, TextField

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


class SavedView(BaseModel):
    """A named ticket list (filters and a sort) of one agent, or shared (``owner`` NULL)."""

    id = AutoField()
    owner = ForeignKeyField(User, null=True, backref="views", on_delete="CASCADE")
    owner_id: int | None
    name = CharField(max_length=60)
    filters = JSONField(default=dict)  # GET /tickets parameters: {"status": "new,open", ...}
    sort = CharField(max_length=20, default="urgency")
    position = SmallIntegerField(default=0)  # the order of the number keys 1-9
    created_at = TimeField(default=utcnow)

    class Meta:
        table_name = "saved_view"
        indexes = ((("owner", "position"), False),)


DESK_MODELS: list[type[BaseModel]] = [TicketTag, AllowedTag, CannedReply, Macro, SavedView]
"""Every table: the fresh database's ``create_tables`` and ``copy-to`` use this list."""
