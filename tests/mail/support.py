"""Test support for mail coming in: a helpdesk that mails through a real SMTP server and
takes replies through ``padcom-server mail-in`` (a real process, as an MTA's pipe runs it)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from server.helpdesk.mail_in import MailInSettings
from server.outbox.settings import MailSettings, OutboxSettings
from tests.support.live import Live

SUPPORT = "support@padcom.test"
SECRET = "mail-reply-secret-for-tests"
FAST = OutboxSettings(first_retry_seconds=0.1, max_retry_seconds=0.4, poll_seconds=0.2)
SERVER = str(Path(sys.executable).with_name("padcom-server"))


def mail_settings(port: int) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=port, security="none", sender=SUPPORT, staff=())


def mail_in_settings(**overrides: object) -> MailInSettings:
    values: dict[str, object] = {"address": SUPPORT, "reply_secret": SECRET}
    values.update(overrides)
    return MailInSettings(**values)  # type: ignore[arg-type]


def mail(
    sender: str,
    subject: str,
    body: str,
    *,
    to: str = SUPPORT,
    headers: dict[str, str] | None = None,
    files: list[tuple[str, bytes]] | None = None,
) -> bytes:
    """A mail as a mail client writes it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="client.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for name, data in files or []:
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


def mail_in(live: Live, raw: bytes, **env: str) -> subprocess.CompletedProcess[str]:
    """``padcom-server mail-in`` on the live server's database, the mail on its stdin."""
    settings = live.settings
    environment = {
        **os.environ,
        "PADCOM_DATABASE_URL": settings.resolved_database_url,
        "PADCOM_MAIL_FROM": SUPPORT,
        "PADCOM_MAIL_IN_ADDRESS": SUPPORT,
        "PADCOM_MAIL_REPLY_SECRET": SECRET,
        "PADCOM_SMTP_HOST": settings.mail.host,
        "PADCOM_SMTP_PORT": str(settings.mail.port),
        "PADCOM_SMTP_SECURITY": "none",
        "PADCOM_MAIL_STAFF": "",
        **env,
    }
    return subprocess.run(
        [SERVER, "mail-in"], input=raw.decode("latin-1"), capture_output=True, text=True,
        timeout=60, env=environment, encoding="latin-1",
    )  # fmt: skip


def poller_reaches(condition: Callable[[], bool], timeout: float = 30) -> None:
    """Wait (bounded) until ``condition()`` holds while the IMAP poller works."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the poller did not get there in time")
        time.sleep(0.1)
