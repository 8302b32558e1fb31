"""The customers' ratings of resolutions: "how did we do?" (issue 16's satisfaction).

Beside ``models.py`` (which would pass 400 lines with it); ``tables.EVERY_MODEL``
lists it with every other table.
"""

from __future__ import annotations

from peewee import AutoField, CharField, ForeignKeyField, IntegerField, TextField

from server.storage.fields import TimeField
from server.storage.models import BaseModel, Ticket, User


class TicketRating(BaseModel):
    """A customer's "how did we do?" for one resolution (the ticket's ``resolved_at`` then).

    ``agent`` and ``category`` are the ticket's when it was rated, for the statistics.
    """

    id = AutoField()
    ticket = ForeignKeyField(Ticket, on_delete="CASCADE")
    resolved_at = TimeField()
    rater = ForeignKeyField(User, on_delete="RESTRICT")
    score = CharField(max_length=8)  # server.vocabulary.Rating
    comment = TextField(default="")
    agent = IntegerField(null=True)
    category = CharField(max_length=16)
    created_at = TimeField(index=True)

    ticket_id: int
    rater_id: int

    class Meta:
        table_name = "ticket_rating"
        indexes = ((("ticket", "resolved_at"), True),)


RATING_MODELS: list[type[BaseModel]] = [TicketRating]
