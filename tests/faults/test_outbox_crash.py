"""A server killed with SIGKILL while it holds outbox rows: another server sends them soon.

Server A claims a new ticket's mail and is killed in the middle of the SMTP
conversation (its SMTP server never says hello). Its lease used to keep the
row for five minutes whatever happened to A; now the lease belongs to A's
heartbeat, so server B takes the row over once A has been silent for
``PADCOM_OUTBOX_LEASE_SECONDS`` and delivers it to a real SMTP server.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.storage.db import db
from server.storage.models import Outbox
from tests.faults.seed import customer_token
from tests.live.mailbox import Mailbox
from tests.live.two_servers import api
from tests.support.ports import free_port
from tests.support.process import ServerProcess

TEAM = "team@padcom.test"
LEASE_SECONDS = "3"
MAX_WAIT_SECONDS = 30


@pytest.fixture
def silent_smtp() -> Iterator[int]:
    """A port that accepts SMTP connections and never answers (the greeting never comes)."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield int(listener.getsockname()[1])
    listener.close()


def _mailing(port: int) -> dict[str, str]:
    return {
        "PADCOM_SMTP_HOST": "127.0.0.1",
        "PADCOM_SMTP_PORT": str(port),
        "PADCOM_SMTP_SECURITY": "none",
        "PADCOM_MAIL_STAFF": TEAM,
        "PADCOM_OUTBOX_LEASE_SECONDS": LEASE_SECONDS,
    }


def _claimed_row(database_url: str) -> Outbox:
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    while True:
        with db.connection_context():
            row: Outbox | None = Outbox.select().where(Outbox.lease_owner.is_null(False)).first()
        if row is not None:
            return row
        assert time.monotonic() < deadline, "server A never claimed the mail"
        time.sleep(0.1)


def _settled(row_id: int) -> tuple[str, str | None]:
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    while True:
        with db.connection_context():
            row = Outbox.get_by_id(row_id)
        if row.state != "pending" or time.monotonic() > deadline:
            return str(row.state), row.lease_owner
        time.sleep(0.1)


def test_the_mail_a_killed_server_held_is_sent_by_another_within_seconds(
    database_url: str, tmp_path: Path, silent_smtp: int
) -> None:
    mailbox = Mailbox(free_port()).start()
    a = ServerProcess(database_url, tmp_path, tmp_path / "a.log", env=_mailing(silent_smtp))
    b = ServerProcess(database_url, tmp_path, tmp_path / "b.log", env=_mailing(mailbox.port))
    try:
        a.start()
        customer = customer_token(database_url)  # binds this process to the database too
        with api(a, customer) as client:
            filed = client.post("/tickets", json={"subject": "Site down", "body": "500s"})
        assert filed.status_code == 201, filed.text
        held = _claimed_row(database_url)
        a.kill()
        b.start()
        mails = mailbox.wait_for(TEAM, 1, timeout=MAX_WAIT_SECONDS)
        assert f"#{filed.json()['number']}" in str(mails[0]["Subject"])
        assert _settled(held.id) == ("sent", None)  # recorded just after the mail was taken
    finally:
        a.stop()
        b.stop()
        mailbox.stop()


def test_a_server_that_stops_hands_its_claimed_mail_back_at_once(
    database_url: str, tmp_path: Path, silent_smtp: int
) -> None:
    a = ServerProcess(database_url, tmp_path, tmp_path / "a.log", env=_mailing(silent_smtp))
    try:
        a.start()
        customer = customer_token(database_url)
        with api(a, customer) as client:
            filed = client.post("/tickets", json={"subject": "Mail bounces", "body": "-"})
        assert filed.status_code == 201, filed.text
        held = _claimed_row(database_url)
        a.stop()  # SIGTERM while its SMTP conversation hangs
        assert a.proc is not None and a.proc.returncode is not None
        with db.connection_context():
            row = Outbox.get_by_id(held.id)
        assert (row.state, row.lease_owner, row.lease_until) == ("pending", None, None)
    finally:
        a.stop()
