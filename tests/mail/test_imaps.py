"""The IMAP poller over imaps:// against a real Dovecot with a certificate made for this test:
trusted through ``PADCOM_IMAP_CA_FILE`` it takes the mail; not trusted, it refuses the server
with one clear log line before sending the password, and the mail waits in the mailbox."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live.mailbox import self_signed
from tests.mail.support import mail, mail_in_settings, poller_reaches
from tests.support.dovecot import Dovecot
from tests.support.live import own_server


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("imaps"))


@pytest.fixture(scope="module")
def dovecot(certificate: tuple[Path, Path]) -> Iterator[Dovecot]:
    server = Dovecot(tls=certificate).start()
    yield server
    server.stop()


def _refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "padcom.mail" and "certificate is not trusted" in r.getMessage()
    ]


def test_an_untrusted_certificate_is_refused_with_a_clear_line_and_a_trusted_one_is_read(
    database_url: str,
    dovecot: Dovecot,
    certificate: tuple[Path, Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="padcom.mail")
    dovecot.deliver(mail("someone@example.org", "Hello over TLS", "Is this private?"))
    with own_server(database_url, mail_in=mail_in_settings(imap_url=dovecot.tls_url)):
        poller_reaches(lambda: bool(_refusals(caplog)))  # the system's CAs do not know this one
        time.sleep(0.5)
        assert dovecot.waiting() == 1  # nothing taken
    (line,) = _refusals(caplog)  # one line, then a long wait: no line per second
    assert f"127.0.0.1:{dovecot.tls_port}" in line and "PADCOM_IMAP_CA_FILE" in line
    assert "system's CAs" in line
    assert not [r for r in caplog.records if r.name == "padcom.mail" and r.exc_info]

    trusted = mail_in_settings(imap_url=dovecot.tls_url, imap_ca_file=str(certificate[0]))
    with own_server(database_url, mail_in=trusted) as world:
        poller_reaches(
            lambda: dovecot.waiting() == 0
        )  # the lease was handed over at the first's close
        agent = world.person("agent")
        waiting = agent.api().get("/mail/triage").json()
        assert [m["subject"] for m in waiting] == ["Hello over TLS"]
    assert len(_refusals(caplog)) == 1
