"""Live layer: the IMAP poller: mail from a mailbox (``PADCOM_IMAP_URL``), taken in as it arrives.

One server process at a time polls (a ``MailboxLease`` it renews; another
takes over once a dead holder's lease ran out). It reads every message not
yet deleted, takes each in as ``mail-in`` does (server/live/mail_intake.py),
and deletes it from the mailbox only after its transaction committed, so a
crash loses nothing; a temporary failure leaves the message for the next
round. Between rounds it waits in IMAP IDLE (RFC 2177), so a new mail is
taken within a moment, and at most ``IDLE_SECONDS`` when the server is quiet.
``imaps://`` is TLS (port 993), the server's certificate verified against
``PADCOM_IMAP_CA_FILE`` or the system's CAs; ``imap://`` plain (for tests on loopback).
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import select
import socket
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import unquote, urlparse

from peewee import IntegrityError

from server.config import Settings
from server.live.mail_intake import TEMPORARY, take
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.mail_models import MailboxLease
from server.storage.write_path import plain, write

LEASE_SECONDS = 60
IDLE_SECONDS = 25
UNTRUSTED_RETRY_SECONDS = 60
"""How long the poller waits after a server's certificate was not trusted (a new one may come)."""
log = logging.getLogger("padcom.mail")


@dataclass(frozen=True)
class Mailbox:
    """Where the poller reads: host, port, TLS, login and folder, from the URL."""

    host: str
    port: int
    tls: bool
    user: str
    password: str
    folder: str

    @classmethod
    def parse(cls, url: str) -> Mailbox:
        """Raises ValueError for anything but ``imap(s)://user:pass@host[:port]/FOLDER``."""
        parsed = urlparse(url)
        if parsed.scheme not in ("imap", "imaps") or not parsed.hostname or not parsed.username:
            raise ValueError("PADCOM_IMAP_URL must look like imaps://user:pass@host/INBOX")
        tls = parsed.scheme == "imaps"
        return cls(
            host=parsed.hostname,
            port=parsed.port or (993 if tls else 143),
            tls=tls,
            user=unquote(parsed.username),
            password=unquote(parsed.password or ""),
            folder=unquote(parsed.path.lstrip("/")) or "INBOX",
        )


def hold_lease(owner: str, name: str = "imap") -> bool:
    """Claim or renew the poller's lease for ``owner``; whether it holds it now."""

    def change() -> bool:
        now = utcnow()
        until = now + timedelta(seconds=LEASE_SECONDS)
        taken = (
            MailboxLease.update(owner=owner, expires_at=until)
            .where(
                MailboxLease.name == name,
                (MailboxLease.owner == owner) | (MailboxLease.expires_at < now),
            )
            .execute()
        )
        if taken:
            return True
        if MailboxLease.select().where(MailboxLease.name == name).exists():
            return False
        try:
            with db.atomic():
                MailboxLease.create(name=name, owner=owner, expires_at=until)
        except IntegrityError:
            return False
        return True

    return write(plain(change), None, batched=False)


def release_lease(owner: str, name: str = "imap") -> None:
    """Give the lease up at shutdown, so another instance polls at once, not after it ran out."""

    def change() -> None:
        MailboxLease.delete().where(
            MailboxLease.name == name, MailboxLease.owner == owner
        ).execute()

    write(plain(change), None, batched=False)


def tls_context(ca_file: str) -> ssl.SSLContext:
    """A context that verifies the server's certificate and name, against ``ca_file`` (PEM) or
    the system's CAs. imaplib's own default (``ssl._create_stdlib_context``) verifies nothing,
    so anyone on the path could read the mailbox's password. Raises OSError for a missing file."""
    return ssl.create_default_context(cafile=ca_file or None)


def _connect(box: Mailbox, ca_file: str = "") -> imaplib.IMAP4:
    """Signed in, the folder selected; raises ssl.SSLCertVerificationError for a server whose
    certificate is not trusted (before a word of the login is sent), OSError, imaplib.error."""
    imap = (
        imaplib.IMAP4_SSL(box.host, box.port, ssl_context=tls_context(ca_file))
        if box.tls
        else imaplib.IMAP4(box.host, box.port)
    )
    imap.login(box.user, box.password)
    imap.select(box.folder)
    return imap


def take_waiting(imap: imaplib.IMAP4, settings: Settings) -> int:
    """Take every message in the folder; the number taken (and deleted from the mailbox)."""
    status, found = imap.uid("SEARCH", None, "UNDELETED")  # type: ignore[arg-type]
    if status != "OK" or not found or not found[0]:
        return 0
    taken = 0
    for uid in found[0].split():
        status, data = imap.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
        parts = [item for item in data if isinstance(item, tuple)]
        if status != "OK" or not parts:
            continue
        code, outcome = take(bytes(parts[0][1]), settings)
        if code == TEMPORARY:
            log.warning("mail %s left in the mailbox for later: %s", uid.decode(), outcome.reason)
            break
        imap.uid("STORE", uid.decode(), "+FLAGS", r"(\Deleted \Seen)")
        taken += 1
    if taken:
        imap.expunge()
    return taken


def idle(imap: imaplib.IMAP4, seconds: float, stop: threading.Event) -> None:
    """IMAP IDLE until the server says something changed, ``seconds`` pass, or ``stop``.

    Waits with ``select`` on the socket in one-second steps (a socket timeout would
    leave imaplib's buffered reader unusable).
    """
    tag = imap._new_tag().decode()  # imaplib has no IDLE before 3.14
    imap.send(f"{tag} IDLE\r\n".encode())
    if not imap.readline().startswith(b"+"):
        return
    sock = imap.socket()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline and not stop.is_set():
            readable, _, _ = select.select([sock], [], [], 1.0)
            if readable:
                line = imap.readline()
                if b"EXISTS" in line or not line:
                    break
    finally:
        imap.send(b"DONE\r\n")
        while True:
            line = imap.readline()
            if not line or line.startswith(tag.encode()):
                break


class Poller:
    """The poller's thread: lease, connect, take, idle; reconnects after any failure."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.box = Mailbox.parse(settings.mail_in.imap_url)
        self.owner = f"{socket.gethostname()}:{uuid.uuid4().hex[:12]}"
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name="padcom-imap", daemon=True)
        self.rounds = 0
        """Rounds of reading the mailbox so far (tests wait on it)."""

    def start(self) -> Poller:
        self.thread.start()
        return self

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        with contextlib.suppress(Exception):  # the database may be gone: the lease runs out then
            release_lease(self.owner)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                if not hold_lease(self.owner):
                    self.stop.wait(LEASE_SECONDS / 3)
                    continue
                self._serve()
            except ssl.SSLCertVerificationError as exc:  # never sends the password there
                log.error(
                    "IMAP server %s:%d refused: its certificate is not trusted by %s (%s); "
                    "set PADCOM_IMAP_CA_FILE to the CA that signed it; retrying in %d s",
                    self.box.host, self.box.port, self._trusted(), exc.verify_message,
                    UNTRUSTED_RETRY_SECONDS,
                )  # fmt: skip
                self.stop.wait(UNTRUSTED_RETRY_SECONDS)
            except Exception:  # the mailbox or the database went away: retry
                log.exception("IMAP poller failed; retrying in 5 s")
                self.stop.wait(5)

    def _trusted(self) -> str:
        ca_file = self.settings.mail_in.imap_ca_file
        return f"the CAs in {ca_file}" if ca_file else "the system's CAs"

    def _serve(self) -> None:
        imap = _connect(self.box, self.settings.mail_in.imap_ca_file)
        try:
            while not self.stop.is_set() and hold_lease(self.owner):
                imap.response("EXISTS")  # forget what earlier commands were told
                take_waiting(imap, self.settings)
                self.rounds += 1
                if imap.response("EXISTS")[1][0] is not None:
                    continue  # mail arrived while this round ran: take it before idling
                idle(imap, min(IDLE_SECONDS, LEASE_SECONDS / 3), self.stop)
        finally:
            with contextlib.suppress(Exception):  # the connection may already be gone
                imap.logout()
