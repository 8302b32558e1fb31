"""Rules layer: what a mail that came in does: a new ticket, a reply, a triage entry, or nothing.

``receive`` runs inside one write transaction with everything the mail
causes, and always leaves an ``InboundMail`` row (the raw bytes kept as a
blob), so a mail is never lost and never processed twice (the same Message-ID
again is a duplicate). In order: unusable mail is refused with its reason;
auto-replies, bounces and lists are ignored (never answered, so no loop);
a sender past ``per_sender`` mails per window is ignored (a loop with a
system that ignores Auto-Submitted stops there); an unknown address waits
in staff-only triage (server/helpdesk/mail_triage.py); a known one replies on the ticket its reply address or
References name (if allowed to see it: else refused) or files a new ticket.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from server.helpdesk import attachments, rate_limit, tickets
from server.helpdesk.errors import DomainError, NotFound
from server.helpdesk.file_limits import FileLimits
from server.helpdesk.limits import Limit
from server.helpdesk.mail_parse import ParsedMail, parse
from server.helpdesk.reply_address import (
    events_of_references,
    ticket_of_addresses,
    ticket_of_references,
)
from server.helpdesk.sla import SlaTargets
from server.helpdesk.visibility import get_ticket
from server.storage.fields import utcnow
from server.storage.mail_models import InboundMail
from server.storage.models import Event, User
from server.vocabulary import MailState

MAX_TEXT = 64 * 1024


@dataclass(frozen=True)
class MailInSettings:
    """Mail coming in: the reply addresses' key, the policy, the per-sender limit."""

    address: str = ""
    """The support address replies go to (``PADCOM_MAIL_IN_ADDRESS``; default the From address)."""
    reply_secret: str = ""
    """HMAC key of per-ticket reply addresses (``PADCOM_MAIL_REPLY_SECRET``); empty = none."""
    require_dkim: bool = False
    """Refuse mail whose Authentication-Results has no ``dkim=pass`` (``PADCOM_MAIL_IN_REQUIRE_DKIM=1``)."""
    per_sender: Limit = field(default_factory=lambda: Limit(10, 600))
    """Mails one address may send before the rest are ignored (``PADCOM_MAIL_IN_PER_SENDER``)."""
    imap_url: str = ""
    """``imaps://user:pass@host/INBOX``: the server polls it (``PADCOM_IMAP_URL``)."""
    imap_ca_file: str = ""
    """The CA certificates an ``imaps://`` server's certificate must chain to
    (``PADCOM_IMAP_CA_FILE``, PEM); empty = the system's trusted CAs."""

    @classmethod
    def from_env(cls, sender: str) -> MailInSettings:
        raw_limit = os.environ.get("PADCOM_MAIL_IN_PER_SENDER")
        return cls(
            address=os.environ.get("PADCOM_MAIL_IN_ADDRESS", sender),
            reply_secret=os.environ.get("PADCOM_MAIL_REPLY_SECRET", ""),
            require_dkim=os.environ.get("PADCOM_MAIL_IN_REQUIRE_DKIM", "") in ("1", "true", "yes"),
            per_sender=Limit.parse(raw_limit) if raw_limit else Limit(10, 600),
            imap_url=os.environ.get("PADCOM_IMAP_URL", ""),
            imap_ca_file=os.environ.get("PADCOM_IMAP_CA_FILE", ""),
        )


@dataclass(frozen=True)
class Outcome:
    """What became of one mail, and whether an MTA should hear it was bad data."""

    state: str
    reason: str = ""
    ticket_id: int | None = None
    bad_data: bool = False


@dataclass(frozen=True)
class Rules:
    """Everything ``receive`` needs from the settings."""

    mail_in: MailInSettings
    sla: SlaTargets
    files: FileLimits


def keep(raw: bytes, parsed: ParsedMail, state: str, reason: str, **links: object) -> InboundMail:
    row: InboundMail = InboundMail.create(
        mail_id=parsed.mail_id[:300] or f"<sha256.{hashlib.sha256(raw).hexdigest()}@padcom>",
        sender=parsed.sender[:320],
        subject=parsed.subject[:300],
        state=state,
        reason=reason[:500],
        authentication=parsed.authentication,
        content=attachments.keep_bytes(raw),
        text=parsed.text[:MAX_TEXT] if state == MailState.TRIAGE else "",
        received_at=utcnow(),
        **links,
    )
    return row


def _threaded(parsed: ParsedMail, settings: MailInSettings) -> int | None:
    """The ticket the mail answers: by our reply address or thread id (tag checked), or by
    the Message-ID of a mail we sent to this very sender. Never by the subject."""
    number = ticket_of_addresses(settings.reply_secret, parsed.recipients)
    number = number or ticket_of_references(settings.reply_secret, parsed.references)
    if number is not None:
        return number
    digest = hashlib.sha256(parsed.sender.encode()).hexdigest()[:16]
    for event_id, sent_to in reversed(events_of_references(parsed.references)):
        if sent_to == digest:
            event = Event.get_or_none(Event.id == event_id)
            if event is not None and event.ticket_id is not None:
                return int(event.ticket_id)
    return None


def text_and_files(parsed: ParsedMail) -> tuple[str, list[tuple[str, bytes]]]:
    """The message text within the limit (a longer one also goes whole as a file), and files."""
    files = list(parsed.files)
    text = parsed.text.strip()
    if len(text) > MAX_TEXT:
        files.append(("mail.txt", parsed.text.encode()))
        text = text[: MAX_TEXT - 200] + "\n\n[cut here: the whole text is attached as mail.txt]"
    return text or "(the mail had no text)", files


def receive(raw: bytes, rules: Rules) -> tuple[Outcome, list[Event]]:
    """Act on one mail, in the caller's write transaction; what became of it and its events."""
    try:
        parsed = parse(raw)
    except ValueError as exc:
        keep(raw, ParsedMail(), MailState.REFUSED, str(exc))
        return Outcome(MailState.REFUSED, str(exc), bad_data=True), []
    if (
        parsed.mail_id
        and InboundMail.select().where(InboundMail.mail_id == parsed.mail_id).exists()
    ):
        return Outcome(MailState.IGNORED, "a duplicate (this Message-ID came in before)"), []
    if parsed.loop_reason:
        keep(raw, parsed, MailState.IGNORED, parsed.loop_reason)
        return Outcome(MailState.IGNORED, parsed.loop_reason), []
    settings = rules.mail_in
    if rate_limit.spend_key(f"mail:{parsed.sender}", settings.per_sender):
        reason = f"{parsed.sender} sent more than {settings.per_sender.count} mails in a window"
        keep(raw, parsed, MailState.IGNORED, reason)
        return Outcome(MailState.IGNORED, reason), []
    if settings.require_dkim and "dkim=pass" not in parsed.authentication.lower():
        reason = "DKIM required (PADCOM_MAIL_IN_REQUIRE_DKIM) and not passed"
        keep(raw, parsed, MailState.REFUSED, reason)
        return Outcome(MailState.REFUSED, reason), []
    user = User.get_or_none(User.email == parsed.sender, User.active == True)  # noqa: E712
    if user is None:
        keep(raw, parsed, MailState.TRIAGE, "unknown sender")
        return Outcome(MailState.TRIAGE, "unknown sender"), []
    number = _threaded(parsed, settings)
    text, files = text_and_files(parsed)
    try:
        if number is not None:
            return _reply(raw, parsed, rules, user, number, text, files)
        return _file(raw, parsed, rules, user, text, files)
    except DomainError as exc:
        keep(raw, parsed, MailState.REFUSED, exc.message, user=user.id)
        return Outcome(MailState.REFUSED, exc.message), []


def _reply(
    raw: bytes,
    parsed: ParsedMail,
    rules: Rules,
    user: User,
    number: int,
    text: str,
    files: list[tuple[str, bytes]],
) -> tuple[Outcome, list[Event]]:
    try:
        get_ticket(user, number)
    except NotFound:
        reason = f"{parsed.sender} may not see ticket {number}"
        keep(raw, parsed, MailState.REFUSED, reason, user=user.id)
        return Outcome(MailState.REFUSED, reason), []
    message, ticket, events = tickets.add_message(user, number, text, internal=False)
    left_out = attachments.attach_bytes(user, files, ticket, message.id, rules.files)
    keep(raw, parsed, MailState.REPLIED, "; ".join(left_out), ticket=ticket.id,
          message=message.id, user=user.id)  # fmt: skip
    return Outcome(MailState.REPLIED, "", ticket.id), events


def _file(
    raw: bytes,
    parsed: ParsedMail,
    rules: Rules,
    user: User,
    text: str,
    files: list[tuple[str, bytes]],
) -> tuple[Outcome, list[Event]]:
    new = tickets.NewTicket(
        subject=parsed.subject or "(no subject)",
        body=text,
        category="other",
        priority="normal",
    )
    ticket, events = tickets.create_ticket(user, new, rules.sla)
    left_out = attachments.attach_bytes(user, files, ticket, None, rules.files)
    keep(raw, parsed, MailState.FILED, "; ".join(left_out), ticket=ticket.id, user=user.id)
    return Outcome(MailState.FILED, "", ticket.id), events
