"""``padcom`` (a real process) repeats a write whose answer was lost, and nothing is doubled.

Every write carries an Idempotency-Key; after a dropped connection or a 503 the
CLI sends it once more with the same key, and the server answers the repeat
with the first result.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from server.storage.db import db
from server.storage.models import Message, Ticket
from tests.cli.terminal import PADCOM
from tests.live.proxy import LosingProxy
from tests.support.live import Live, Person
from tests.support.tickets import file_number

GATEWAY_503 = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Retry-After: 0\r\nContent-Length: 62\r\nConnection: close\r\n\r\n"
    b'{"error":{"code":"unavailable","message":"try again shortly"}}'
)
LOSSES = {"cut": b"", "503": GATEWAY_503}


def _padcom(
    url: str, person: Person, tmp_path: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {"PADCOM_URL": url, "PADCOM_TOKEN": person.token, "PADCOM_CONFIG": str(tmp_path / "c")}
    return subprocess.run(
        [PADCOM, *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


def _mine(person: Person) -> list[Ticket]:
    with db.connection_context():
        return list(Ticket.select().where(Ticket.requester == person.id))


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_a_new_ticket_whose_answer_was_lost_is_filed_once(
    live: Live, tmp_path: Path, loss: str
) -> None:
    anna = live.person("customer")
    proxy = LosingProxy(live.thread.port, b"POST", LOSSES[loss])
    try:
        done = _padcom(proxy.url, anna, tmp_path, "ticket", "new", "-s", "Mail down", "-b", "x")
    finally:
        proxy.close()
    assert done.returncode == 0, done.stderr
    assert proxy.lost == 1  # the first answer really was lost
    tickets = _mine(anna)
    assert [t.id for t in tickets] == [int(done.stdout)]


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_a_reply_whose_answer_was_lost_is_stored_once(
    live: Live, tmp_path: Path, loss: str
) -> None:
    ben = live.person("customer")
    number = file_number(ben)
    proxy = LosingProxy(live.thread.port, b"POST", LOSSES[loss])
    try:
        done = _padcom(proxy.url, ben, tmp_path, "ticket", "reply", str(number), "-b", "Still")
    finally:
        proxy.close()
    assert done.returncode == 0, done.stderr
    assert proxy.lost == 1
    with db.connection_context():
        bodies = [m.body for m in Message.select().where(Message.ticket == number)]
    assert bodies == ["Still"]


def test_a_priority_change_whose_answer_was_lost_is_not_a_conflict(
    live: Live, tmp_path: Path
) -> None:
    cleo = live.person("customer")
    number = file_number(cleo)
    version = cleo.api().get(f"/tickets/{number}").json()["version"]
    proxy = LosingProxy(live.thread.port, b"PATCH")
    try:
        done = _padcom(
            proxy.url, cleo, tmp_path, "ticket", "priority", str(number), "urgent", "--json"
        )
    finally:
        proxy.close()
    assert done.returncode == 0, done.stderr  # not exit 5: the "conflict" was its own change
    assert proxy.lost == 1
    shown = json.loads(done.stdout)
    assert (shown["priority"], shown["version"]) == ("urgent", version + 1)
