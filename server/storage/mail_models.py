"""The table of mails that came in: every one kept, with what became of it and why.

``padcom-server mail-in`` (and the IMAP poller) write one row per message they
read, in the transaction of whatever the message did (a ticket, a reply), so
a mail is never half processed and never lost: one that could not be used
keeps its reason and its raw bytes (a ``Blob``, by SHA-256: a message delivered
twice is stored once and recognised by its Message-ID, ``mail_id``). ``state`` says what
happened (server/vocabulary.py ``MailState``). A mail from an unknown address
waits as ``triage`` (staff only, no organization) until staff link it to a customer.
"""

from __future__ import annotations

from peewee import AutoField, CharField, ForeignKeyField, TextField

from server.storage.fields import TimeField, utcnow
from server.storage.file_models import Blob
from server.storage.models import BaseModel, Message, Ticket, User


class InboundMail(BaseModel):
    """One message read from the pipe or the mailbox."""

    id = AutoField()
    mail_id = CharField(max_length=300, index=True)  # its Message-ID header
    sender = CharField(max_length=320, index=True)
    subject = CharField(max_length=300, default="")
    state = CharField(max_length=16)
    reason = CharField(max_length=500, default="")
    authentication = CharField(max_length=500, default="")  # Authentication-Results' dkim= etc.
    content = ForeignKeyField(Blob, column_name="content", on_delete="RESTRICT")  # the raw mail
    ticket = ForeignKeyField(Ticket, null=True, on_delete="SET NULL")
    message = ForeignKeyField(Message, null=True, on_delete="SET NULL")
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    text = TextField(default="")  # the text kept for triage (trimmed, as a reply would be)
    received_at = TimeField(default=utcnow, index=True)

    content_id: str
    ticket_id: int | None
    message_id: int | None
    user_id: int | None

    class Meta:
        table_name = "inbound_mail"


class MailboxLease(BaseModel):
    """Which server process polls the mailbox (``PADCOM_IMAP_URL``): one at a time.

    The holder renews ``expires_at``; when a holder dies, another takes over once it passed.
    """

    name = CharField(max_length=100, primary_key=True)
    owner = CharField(max_length=100)
    expires_at = TimeField()

    class Meta:
        table_name = "mailbox_lease"


MAIL_MODELS: list[type[BaseModel]] = [InboundMail, MailboxLease]
