"""A real SMTP server for tests: aiosmtpd on a loopback port, keeping every mail it accepts."""

from __future__ import annotations

import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1 (openssl); the certificate doubles as its own CA."""
    cert, key = directory / "smtp.pem", directory / "smtp.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class Mailbox:
    """Every mail the SMTP server accepted, per recipient, in arrival order.

    With ``tls`` (certificate, key) it demands STARTTLS, and with ``login`` it
    accepts mail only from a client that signed in with that user and password;
    with ``utf8`` it offers SMTPUTF8 (addresses beyond ASCII).
    """

    def __init__(
        self,
        port: int,
        *,
        tls: tuple[Path, Path] | None = None,
        login: tuple[str, str] | None = None,
        utf8: bool = False,
    ) -> None:
        self.port = port
        self.utf8 = utf8
        self.tls = tls
        self.login = login
        self.logins: list[str] = []
        self.mails: list[tuple[str, EmailMessage]] = []
        self.raw: list[tuple[str, bytes]] = []
        """Every mail exactly as the server received it (``DATA``), per recipient."""
        self.on_ehlo: Callable[[], None] | None = None
        """Called when a client greets (``EHLO``), before the server answers it."""
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname  # what aiosmtpd does itself without this hook
        if self.on_ehlo is not None:
            self.on_ehlo()
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            for rcpt in envelope.rcpt_tos:
                self.mails.append((rcpt, mail))
                self.raw.append((rcpt, envelope.content))
        return "250 OK"

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        user, password = data.login.decode(), data.password.decode()
        ok = self.login is not None and (user, password) == self.login
        if ok:
            self.logins.append(user)
        return AuthResult(success=ok)

    def start(self) -> Mailbox:
        options: dict[str, Any] = {"enable_SMTPUTF8": self.utf8}
        if self.tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*self.tls)
            options.update(tls_context=context, require_starttls=True)
        if self.login is not None:
            options.update(authenticator=self._authenticate, auth_required=True)
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [mail for rcpt, mail in self.mails if rcpt == address]

    def wait_for_raw(self, address: str, count: int) -> list[tuple[str, bytes]]:
        """The first ``count`` raw mails to ``address``, waiting for them to arrive."""
        self.wait_for(address, count)
        with self._lock:
            return [(rcpt, raw) for rcpt, raw in self.raw if rcpt == address][:count]

    def wait_for(self, address: str, count: int, timeout: float = 15) -> list[EmailMessage]:
        """The first ``count`` mails to ``address``, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        while len(self.to(address)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{address} got {len(self.to(address))} of {count} mails")
            time.sleep(0.02)
        return self.to(address)[:count]
