"""A real SMTP server for tests: aiosmtpd on a loopback port, keeping every mail it accepts."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    """Every mail the SMTP server accepted, per recipient, in arrival order."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.mails: list[tuple[str, EmailMessage]] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            for rcpt in envelope.rcpt_tos:
                self.mails.append((rcpt, mail))  # type: ignore[arg-type]
        return "250 OK"

    def start(self) -> Mailbox:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [mail for rcpt, mail in self.mails if rcpt == address]

    def wait_for(self, address: str, count: int, timeout: float = 15) -> list[EmailMessage]:
        """The first ``count`` mails to ``address``, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        while len(self.to(address)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{address} got {len(self.to(address))} of {count} mails")
            time.sleep(0.02)
        return self.to(address)[:count]
