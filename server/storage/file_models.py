"""The tables of files people attach: each file's bytes once (by SHA-256), and who attached what where.

Files live in the database by default, so they commit with the message that
carries them, are in every backup and ``copy-to``, and every instance reads
the same ones. ``Blob`` is the content, named by its SHA-256 (the same log
attached twice is stored once), split into ``BlobChunk`` rows of at most
``CHUNK_BYTES`` so neither an upload nor a download holds a whole file in
memory. ``Attachment`` is one file on one ticket (``message`` null: on the
ticket's own description), or an upload not yet attached (``ticket`` null),
which only its uploader can use. Another backend (a directory, S3) would
replace ``BlobChunk`` only: ``Blob.sha256`` stays the key it stores under.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    CompositeKey,
    ForeignKeyField,
    IntegerField,
)

from server.storage.fields import TimeField, utcnow
from server.storage.models import BaseModel, Message, Ticket, User

CHUNK_BYTES = 256 * 1024
"""The size of one stored piece of a file: what a read or a write holds at once."""


class Blob(BaseModel):
    """A file's content, once per distinct content."""

    sha256 = CharField(max_length=64, primary_key=True)
    size = BigIntegerField()
    content_type = CharField(max_length=100)  # sniffed from the bytes (server/helpdesk/sniff.py)
    created_at = TimeField(default=utcnow)


class BlobChunk(BaseModel):
    """Piece ``seq`` (from 0) of a blob's bytes."""

    blob = ForeignKeyField(Blob, column_name="blob", on_delete="CASCADE")
    seq = IntegerField()
    data = BlobField()

    blob_id: str

    class Meta:
        table_name = "blob_chunk"
        primary_key = CompositeKey("blob", "seq")


class Attachment(BaseModel):
    """A file on a ticket (or a pending upload); ``internal`` follows the note it is on."""

    id = AutoField()
    ticket = ForeignKeyField(Ticket, null=True, on_delete="CASCADE")
    message = ForeignKeyField(Message, null=True, on_delete="CASCADE")
    uploader = ForeignKeyField(User, on_delete="RESTRICT")
    blob = ForeignKeyField(Blob, column_name="blob", on_delete="RESTRICT")
    filename = CharField(max_length=255)
    size = BigIntegerField()
    internal = BooleanField(default=False)
    created_at = TimeField(default=utcnow)

    ticket_id: int | None
    message_id: int | None
    uploader_id: int
    blob_id: str

    class Meta:
        indexes = (
            (("ticket", "id"), False),
            (("message",), False),
            (("uploader", "ticket"), False),  # a person's pending uploads
        )


FILE_MODELS: list[type[BaseModel]] = [Blob, BlobChunk, Attachment]
