"""Read models: the files on a ticket as a viewer may see them, and a file's bytes piece by piece.

Each read opens its own pooled connection (as every read here does); a
download reads one stored piece (``CHUNK_BYTES``) per query, so a large file
is never held in memory whole and no connection is held while the client reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from server.helpdesk.attachments import get_attachment, visible_attachments
from server.helpdesk.visibility import get_ticket
from server.reads.serialize import attachments_json
from server.storage.db import db
from server.storage.file_models import BlobChunk
from server.storage.models import User


@dataclass(frozen=True)
class OpenedFile:
    """What a download needs to answer: the name, the sniffed type, the size, where the bytes are."""

    filename: str
    content_type: str
    size: int
    sha256: str


def ticket_files(user: User, number: int) -> list[dict[str, Any]]:
    """The files on ticket ``number`` that ``user`` may see, oldest first. Raises NotFound."""
    with db.connection_context():
        return attachments_json(visible_attachments(user, get_ticket(user, number)))


def opened_file(user: User, number: int, attachment_id: int) -> OpenedFile:
    """File ``attachment_id`` of ticket ``number``, if ``user`` may see it. Raises NotFound."""
    with db.connection_context():
        attachment, blob = get_attachment(user, number, attachment_id)
        return OpenedFile(attachment.filename, blob.content_type, blob.size, blob.sha256)


def file_bytes(sha256: str) -> Iterator[bytes]:
    """The stored bytes of blob ``sha256``, one piece (one short query) at a time."""
    seq = 0
    while True:
        with db.connection_context():
            row = (
                BlobChunk.select(BlobChunk.data)
                .where(BlobChunk.blob == sha256, BlobChunk.seq == seq)
                .tuples()
                .first()
            )
        if row is None:
            return
        yield bytes(row[0])
        seq += 1
