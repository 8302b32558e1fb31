"""A real Dovecot IMAP server for tests, from Debian's ``dovecot-imapd``: its own config
directory, mail store and loopback port, started in the foreground and stopped after.

``Dovecot.deliver`` puts a mail into the support mailbox the way an MTA would
(IMAP APPEND), so the poller finds it as it finds real mail.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.ports import free_port

BINARY = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = {uid}
first_valid_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = root
}}
service auth-worker {{
  user = root
}}
service imap-login {{
  chroot =
}}
"""


class Dovecot:
    """Dovecot on ``port`` with one account, ``user``/``password``."""

    def __init__(
        self,
        user: str = "support",
        password: str = "imap-secret",
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        """``tls`` (certificate, key): IMAPS on ``tls_port`` too, beside the plain port."""
        # a folder of its own under /tmp that Dovecot's unprivileged processes can enter
        # (pytest's tmp_path lies below a 0700 folder of root's)
        self.root = Path(tempfile.mkdtemp(prefix="padcom-dovecot-"))
        self.root.chmod(0o755)
        self.user, self.password = user, password
        self.port = free_port()
        self.tls = tls
        self.tls_port = free_port() if tls else 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"

    @property
    def tls_url(self) -> str:
        return f"imaps://{self.user}:{self.password}@127.0.0.1:{self.tls_port}/INBOX"

    def start(self) -> Dovecot:
        if not Path(BINARY).exists():
            pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
        for folder in ("run", "state", "mail", "home"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        (self.root / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        uid, gid = os.getuid(), os.getgid()
        if uid == 0:  # Dovecot never keeps mail as root: the package's own user does
            found = pwd.getpwnam("dovecot")
            uid, gid = found.pw_uid, found.pw_gid
            for folder in ("mail", "home"):
                os.chown(self.root / folder, uid, gid)
        config = self.root / "dovecot.conf"
        ssl = "ssl = no"
        if self.tls is not None:
            ssl = f"ssl = yes\nssl_cert = <{self.tls[0]}\nssl_key = <{self.tls[1]}"
        config.write_text(
            CONFIG.format(
                root=self.root, port=self.port, tls_port=self.tls_port, uid=uid, gid=gid, ssl=ssl
            )
        )
        self.process = subprocess.Popen(
            [BINARY, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                self.client().logout()
                return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    log = (
                        (self.root / "dovecot.log").read_text()
                        if (self.root / "dovecot.log").exists()
                        else ""
                    )
                    self.stop()
                    raise RuntimeError(f"dovecot did not start: {log[-2000:]}") from None
                time.sleep(0.1)

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port)
        imap.login(self.user, self.password)
        return imap

    def deliver(self, raw: bytes) -> None:
        imap = self.client()
        try:
            imap.append("INBOX", "", imaplib.Time2Internaldate(time.time()), raw)
        finally:
            imap.logout()

    def waiting(self) -> int:
        """Messages still in the mailbox (not taken by the poller)."""
        imap = self.client()
        try:
            imap.select("INBOX")
            status, found = imap.search(None, "UNDELETED")
            return len(found[0].split()) if status == "OK" and found[0] else 0
        finally:
            imap.logout()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)
