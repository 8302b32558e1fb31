"""Sending outbox mails over one SMTP conversation with smtplib (STARTTLS, TLS or plain)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from server.outbox.settings import MailSettings


def build_message(settings: MailSettings, to: str, payload: dict[str, Any]) -> EmailMessage:
    """A plain-text mail; ``Message-ID`` comes from the row so receivers can drop repeats."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = payload["subject"]
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = payload["message_id"]
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(payload["body"])
    return message


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
    return smtp


def send_all(
    settings: MailSettings, mails: list[tuple[int, str, dict[str, Any]]]
) -> dict[int, str | None]:
    """Send ``(row id, address, payload)`` mails; returns row id → error (None = sent).

    (``smtplib.SMTPException`` is an ``OSError``, so ``except OSError`` catches both.)

    A failure to connect or log in fails every mail of the batch; a refused
    recipient fails only its own.
    """
    results: dict[int, str | None] = {}
    try:
        smtp = _connect(settings)
    except OSError as exc:
        return {row_id: f"SMTP connection failed: {exc}" for row_id, _, _ in mails}
    try:
        for row_id, to, payload in mails:
            try:
                smtp.send_message(build_message(settings, to, payload), settings.sender, [to])
                results[row_id] = None
            except OSError as exc:
                results[row_id] = f"SMTP send failed: {exc}"
                lost = not isinstance(exc, smtplib.SMTPException)  # a socket error
                if lost or isinstance(exc, smtplib.SMTPServerDisconnected):
                    break
    finally:
        try:
            smtp.quit()
        except OSError:
            smtp.close()
    for row_id, _, _ in mails:
        results.setdefault(row_id, "SMTP connection lost before sending")
    return results
