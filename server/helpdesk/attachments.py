"""Rules layer: files on tickets: taking an upload in, attaching it, and who may read it.

An upload is read once as it arrives (``Incoming``: counted against the cap,
hashed, its first bytes kept to sniff the type, spooled to a temporary file
past 1 MiB), then stored by ``store_upload`` inside a write transaction: its
blob once per content (server/storage/file_models.py), and a pending
``Attachment`` only its uploader can attach. ``attach`` runs in the
transaction of the new ticket, reply or note that carries the files, so the
message and its files commit together. A file is as visible as the message it
is on: an internal note's files are staff-only in every read (the list, the
download, the message JSON that mails, webhooks and streams carry).
"""

from __future__ import annotations

import hashlib
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import IO

from peewee import ModelSelect, fn

from server.helpdesk.errors import Invalid, NotFound, TooLarge
from server.helpdesk.file_limits import FileLimits, mebibytes
from server.helpdesk.sniff import SNIFF_BYTES, sniffed_type
from server.helpdesk.visibility import get_ticket
from server.storage.fields import utcnow
from server.storage.file_models import CHUNK_BYTES, Attachment, Blob, BlobChunk
from server.storage.models import Ticket, User

MAX_FILENAME = 200
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def clean_filename(name: str) -> str:
    """A file name safe to store and to offer: no folder, no control or invisible character,
    no leading dot, at most 200 characters (the extension kept); ``attachment`` if nothing is left."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        " " if unicodedata.category(c) in ("Zs",) else c
        for c in unicodedata.normalize("NFC", base)
        if unicodedata.category(c) not in _UNSAFE_CATEGORIES
    )
    base = base.strip().lstrip(".").strip()
    if len(base) > MAX_FILENAME:
        stem, dot, ext = base.rpartition(".")
        ext = ext[:20] if dot and stem else ""
        base = base[: MAX_FILENAME - len(ext) - 1].rstrip() + ("." + ext if ext else "")
    return base or "attachment"


class Incoming:
    """An upload as it arrives: counted, hashed, its head kept, spooled (memory up to 1 MiB)."""

    def __init__(self, limits: FileLimits) -> None:
        self.limits = limits
        self.size = 0
        self.head = b""
        self._sha = hashlib.sha256()
        self.spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115

    def feed(self, chunk: bytes) -> None:
        """Take the next bytes; raises TooLarge past the per-file cap."""
        self.size += len(chunk)
        if self.size > self.limits.max_file_bytes:
            raise TooLarge(
                f"a file may be at most {mebibytes(self.limits.max_file_bytes)} "
                "(PADCOM_ATTACHMENT_MAX_BYTES)",
                details={"limit": self.limits.max_file_bytes, "limit_name": "file"},
            )
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
        self._sha.update(chunk)
        self.spool.write(chunk)

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    def pieces(self) -> Iterator[bytes]:
        """The bytes again, from the start, ``CHUNK_BYTES`` at a time."""
        self.spool.seek(0)
        while piece := self.spool.read(CHUNK_BYTES):
            yield piece

    def close(self) -> None:
        self.spool.close()


def _pending(user: User) -> Sequence[Attachment]:
    return list(
        Attachment.select().where(Attachment.uploader == user.id, Attachment.ticket.is_null())
    )


def _forget_stale(user: User, limits: FileLimits) -> None:
    """Drop ``user``'s uploads nobody attached in time, and blobs nothing refers to any more."""
    cutoff = utcnow() - timedelta(hours=limits.pending_hours)
    stale = [a for a in _pending(user) if a.created_at < cutoff]
    if not stale:
        return
    Attachment.delete().where(Attachment.id.in_([a.id for a in stale])).execute()
    for sha in {a.blob_id for a in stale}:
        if not Attachment.select().where(Attachment.blob == sha).exists():
            BlobChunk.delete().where(BlobChunk.blob == sha).execute()
            Blob.delete().where(Blob.sha256 == sha).execute()


def store_upload(user: User, filename: str, incoming: Incoming, limits: FileLimits) -> Attachment:
    """Keep an upload as ``user``'s pending attachment (in the caller's write transaction).

    Raises TooLarge when ``user``'s pending uploads would pass the per-ticket cap.
    """
    _forget_stale(user, limits)
    held = sum(a.size for a in _pending(user))
    if held + incoming.size > limits.max_ticket_bytes:
        raise TooLarge(
            f"uploads not yet attached may hold at most {mebibytes(limits.max_ticket_bytes)} "
            "(PADCOM_ATTACHMENT_TICKET_MAX_BYTES); attach or wait for the older ones",
            details={"limit": limits.max_ticket_bytes, "limit_name": "ticket"},
        )
    sha = incoming.sha256
    if not Blob.select().where(Blob.sha256 == sha).exists():
        whole = incoming.size <= SNIFF_BYTES
        Blob.insert(
            sha256=sha,
            size=incoming.size,
            content_type=sniffed_type(incoming.head, whole=whole),
            created_at=utcnow(),
        ).execute()
        for seq, piece in enumerate(incoming.pieces()):
            BlobChunk.insert(blob=sha, seq=seq, data=piece).execute()
    attachment: Attachment = Attachment.create(
        uploader=user.id,
        blob=sha,
        filename=clean_filename(filename),
        size=incoming.size,
        created_at=utcnow(),
    )
    return attachment


def keep_bytes(data: bytes) -> str:
    """Store ``data`` as a blob (once per content); its SHA-256. In the caller's transaction."""
    sha = hashlib.sha256(data).hexdigest()
    if not Blob.select().where(Blob.sha256 == sha).exists():
        head = data[:SNIFF_BYTES]
        Blob.insert(
            sha256=sha,
            size=len(data),
            content_type=sniffed_type(head, whole=len(data) <= SNIFF_BYTES),
            created_at=utcnow(),
        ).execute()
        for seq, start in enumerate(range(0, len(data), CHUNK_BYTES)):
            BlobChunk.insert(blob=sha, seq=seq, data=data[start : start + CHUNK_BYTES]).execute()
    return sha


def blob_bytes(sha256: str) -> bytes:
    """A blob's bytes, whole (a kept mail, to read it again)."""
    pieces = (
        BlobChunk.select(BlobChunk.data).where(BlobChunk.blob == sha256).order_by(BlobChunk.seq)
    )
    return b"".join(bytes(piece.data) for piece in pieces)


def attach_bytes(
    user: User,
    files: Sequence[tuple[str, bytes]],
    ticket: Ticket,
    message_id: int | None,
    limits: FileLimits,
) -> list[str]:
    """Put files that came by mail on ``ticket`` (and message ``message_id``), as far as the
    caps allow; returns a line for each file left out, and why."""
    left_out = []
    on_ticket = int(
        Attachment.select(fn.COALESCE(fn.SUM(Attachment.size), 0))
        .where(Attachment.ticket == ticket.id)
        .scalar()
        or 0
    )
    for index, (name, data) in enumerate(files):
        if index >= limits.max_files_per_message:
            left_out.append(
                f"{clean_filename(name)}: more than {limits.max_files_per_message} files"
            )
        elif len(data) > limits.max_file_bytes:
            left_out.append(f"{clean_filename(name)}: over {mebibytes(limits.max_file_bytes)}")
        elif on_ticket + len(data) > limits.max_ticket_bytes:
            left_out.append(
                f"{clean_filename(name)}: the ticket's files would pass "
                f"{mebibytes(limits.max_ticket_bytes)}"
            )
        else:
            on_ticket += len(data)
            Attachment.create(
                ticket=ticket.id,
                message=message_id,
                uploader=user.id,
                blob=keep_bytes(data),
                filename=clean_filename(name),
                size=len(data),
                internal=False,
                created_at=utcnow(),
            )
    return left_out


def attach(
    user: User,
    ids: Sequence[int],
    ticket: Ticket,
    message_id: int | None,
    internal: bool,
    limits: FileLimits,
) -> list[int]:
    """Put ``user``'s pending uploads ``ids`` on ``ticket`` (and message ``message_id``).

    Runs in the transaction of the ticket or message. Raises Invalid for an id
    that is not the user's pending upload, TooLarge past the per-ticket cap.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    if len(wanted) > limits.max_files_per_message:
        raise Invalid(
            f"at most {limits.max_files_per_message} files at once (PADCOM_ATTACHMENT_MAX_FILES)"
        )
    found = {a.id: a for a in _pending(user) if a.id in wanted}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise Invalid(f"no upload {missing[0]} of yours waits to be attached")
    on_ticket = (
        Attachment.select(fn.COALESCE(fn.SUM(Attachment.size), 0))
        .where(Attachment.ticket == ticket.id)
        .scalar()
    )
    adding = sum(a.size for a in found.values())
    if int(on_ticket or 0) + adding > limits.max_ticket_bytes:
        raise TooLarge(
            f"the files on one ticket may be at most {mebibytes(limits.max_ticket_bytes)} "
            "together (PADCOM_ATTACHMENT_TICKET_MAX_BYTES)",
            details={"limit": limits.max_ticket_bytes, "limit_name": "ticket"},
        )
    Attachment.update(ticket=ticket.id, message=message_id, internal=internal).where(
        Attachment.id.in_(wanted)
    ).execute()
    return wanted


def _visible(user: User, ticket: Ticket) -> ModelSelect[Attachment]:
    query = Attachment.select().where(Attachment.ticket == ticket.id)
    if not user.is_staff:
        query = query.where(Attachment.internal == False)  # noqa: E712
    return query


def visible_attachments(user: User, ticket: Ticket) -> list[Attachment]:
    """The files on ``ticket`` that ``user`` may see, oldest first (customers: no note's files)."""
    return list(_visible(user, ticket).order_by(Attachment.id))


def get_attachment(user: User, number: int, attachment_id: int) -> tuple[Attachment, Blob]:
    """File ``attachment_id`` of ticket ``number`` and its blob, if ``user`` may see both.

    Raises NotFound otherwise (a file of another ticket, or a note's, looks absent).
    """
    ticket = get_ticket(user, number)
    found: Attachment | None = _visible(user, ticket).where(Attachment.id == attachment_id).first()
    if found is None:
        raise NotFound(f"no file {attachment_id} on ticket {number}")
    return found, Blob.get_by_id(found.blob_id)
