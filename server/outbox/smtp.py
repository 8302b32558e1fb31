"""Sending outbox mails over one SMTP conversation with smtplib (STARTTLS, TLS or plain).

Each mail's outcome is its own: one that cannot be composed fails at once with
the reason, one the server refuses fails alone, and only a server that cannot
be reached at all (``Unreachable``) concerns the whole batch — that is an
outage, not any mail's fault.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from server.outbox import mime
from server.outbox.settings import MailSettings


class Unreachable(Exception):
    """The SMTP server could not be reached, or refused the TLS handshake or our login."""


@dataclass(frozen=True)
class Outgoing:
    """One mail of the batch: its outbox row, whom it goes to now, and what it says."""

    row_id: int
    to: str
    name: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What became of one mail: sent (no error), or why not and whether retrying can help."""

    error: str | None = None
    permanent: bool = False


SENT = Outcome()


def build_message(settings: MailSettings, mail: Outgoing) -> bytes:
    """The mail's bytes; ``Message-ID`` comes from the row so receivers can drop repeats."""
    return mime.build(
        sender=settings.sender,
        to=mail.to,
        to_name=mail.name,
        subject=mail.payload["subject"],
        body=mail.payload["body"],
        message_id=mail.payload["message_id"],
        reply_to=mail.payload.get("reply_to", ""),
        references=mail.payload.get("references", ""),
    )


def _connect(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=settings.ca_file or None)
    smtp: smtplib.SMTP
    if settings.security == "tls":
        smtp = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout_seconds, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        if settings.security == "starttls":
            smtp.starttls(context=context)
    if settings.username:
        smtp.login(settings.username, settings.password)
    smtp.ehlo_or_helo_if_needed()  # what the server offers (SMTPUTF8) is known from here on
    return smtp


def _utf8_options(smtp: smtplib.SMTP, to: str) -> list[str]:
    """``["SMTPUTF8"]`` for an address that needs it; raises ``Uncomposable`` when the
    server does not offer it (it never will for this mail)."""
    if not mime.needs_smtputf8(to):
        return []
    if not smtp.has_extn("smtputf8"):
        raise mime.Uncomposable(f"the address {to!r} needs SMTPUTF8, which the server lacks")
    return ["SMTPUTF8"]


def _refused_for_good(exc: OSError) -> bool:
    """A 5xx answer is the server's final word on this mail (RFC 5321 4.2.1)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600


def send_all(settings: MailSettings, mails: Iterable[Outgoing]) -> Iterator[tuple[int, Outcome]]:
    """Send ``mails`` over one conversation, yielding each row's outcome as it is known.

    Raises ``Unreachable`` (before yielding anything) when the server cannot be
    reached or logged in to. ``mails`` is iterated only once the conversation is
    open, each mail taken just before it is sent, so a lazy iterable decides each
    recipient at the last moment. A lost connection ends the conversation: the mail
    it hit fails, the rest are not yielded (so not charged an attempt).
    (``smtplib.SMTPException`` is an ``OSError``, so ``except OSError`` catches both.)
    """
    try:
        smtp = _connect(settings)
    except OSError as exc:
        raise Unreachable(f"SMTP connection failed: {exc}") from exc
    try:
        for mail in mails:
            try:
                data = build_message(settings, mail)
                options = _utf8_options(smtp, mail.to)
            except Exception as exc:  # any fault of this row's data: it will never compose
                yield mail.row_id, Outcome(f"cannot compose: {type(exc).__name__}: {exc}", True)
                continue
            try:
                smtp.sendmail(settings.sender, [mail.to], data, mail_options=options)
            except OSError as exc:
                yield mail.row_id, Outcome(f"SMTP send failed: {exc}", _refused_for_good(exc))
                lost = not isinstance(exc, smtplib.SMTPException)  # a socket error
                if lost or isinstance(exc, smtplib.SMTPServerDisconnected):
                    return
            except Exception as exc:  # smtplib's own refusals of this one mail
                yield mail.row_id, Outcome(f"SMTP send failed: {type(exc).__name__}: {exc}", True)
            else:
                yield mail.row_id, SENT
    finally:
        try:
            smtp.quit()
        except OSError:
            smtp.close()
