"""kill -9 in the middle of a stream of writes: nothing acknowledged is lost, nothing doubles.

Four clients file tickets (or reply on one), each write with its own
Idempotency-Key, while the server process is SIGKILLed. After a restart every
ticket or reply that got a 201 is there, and retrying every write (acknowledged
or cut off) with the same key yields exactly one row per key.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from peewee import Field

from server.storage.db import db
from server.storage.models import Message, Ticket
from tests.faults.seed import customer_token
from tests.support.limits import NO_WRITE_LIMITS_ENV as NO_LIMITS  # one customer files fast
from tests.support.process import ServerProcess

CLIENTS = 4
MAX_PER_CLIENT = 200
KILL_AFTER_ACKS = 40
KILL_AFTER_SECONDS = 4.0


@dataclass(frozen=True)
class Write:
    """One kind of write the clients repeat: where it goes and how its row is found."""

    path: str
    text: str
    """The JSON field that carries the key, so each row can be found by it."""
    stored: Field

    def body(self, key: str) -> dict[str, str]:
        text = f"crash test {key}"
        return {"subject": text, "body": "-"} if self.text == "subject" else {"body": text}


WRITES = {
    "create": Write("/tickets", "subject", Ticket.subject),
    "reply": Write("/tickets/{number}/messages", "body", Message.body),
}


def _client(
    url: str, token: str, write: Write, name: str, acked: dict[str, int], cut: set[str]
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=10) as client:
        for i in range(MAX_PER_CLIENT):
            key = f"{name}-{i}"
            try:
                reply = client.post(
                    write.path, json=write.body(key), headers={"Idempotency-Key": key}
                )
            except httpx.HTTPError:
                cut.add(key)
                return
            if reply.status_code != 201:
                cut.add(key)
                return
            acked[key] = reply.json()["number" if write.text == "subject" else "id"]


@pytest.mark.parametrize("kind", sorted(WRITES))
def test_a_killed_server_loses_no_acknowledged_write_and_retries_do_not_double(
    database_url: str, tmp_path: Path, kind: str
) -> None:
    server = ServerProcess(database_url, tmp_path, tmp_path / "server.log", env=NO_LIMITS).start()
    token = customer_token(database_url)
    auth = {"Authorization": f"Bearer {token}"}
    number = httpx.post(
        f"{server.url}/api/v1/tickets", json={"subject": "s", "body": "b"}, headers=auth
    ).json()["number"]
    write = WRITES[kind]
    write = Write(write.path.format(number=number), write.text, write.stored)
    acked: dict[str, int] = {}
    cut: set[str] = set()
    threads = [
        threading.Thread(target=_client, args=(server.url, token, write, f"c{n}", acked, cut))
        for n in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + KILL_AFTER_SECONDS
    while len(acked) < KILL_AFTER_ACKS and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    for thread in threads:
        thread.join(timeout=30)
    assert acked, "no write was acknowledged before the kill"

    restarted = ServerProcess(
        database_url, tmp_path, tmp_path / "server.log", env=NO_LIMITS
    ).start()
    try:
        with httpx.Client(base_url=f"{restarted.url}/api/v1", headers=auth, timeout=10) as api:
            for key in [*acked, *cut]:
                retry = api.post(write.path, json=write.body(key), headers={"Idempotency-Key": key})
                assert retry.status_code == 201, retry.text
                if key in acked:
                    assert retry.json() == _first_answer(api, write, acked[key])
                    assert retry.headers.get("idempotent-replayed") == "true"
        with db.connection_context():
            model = write.stored.model
            for key in [*acked, *cut]:
                text = write.body(key)[write.text]
                assert model.select().where(write.stored == text).count() == 1, key
        print(
            f"\nkill -9 ({kind}): {len(acked)} acknowledged, {len(cut)} cut off, 0 lost, 0 doubled"
        )
    finally:
        restarted.stop()
        db.close_all()


def _first_answer(api: httpx.Client, write: Write, acked_id: int) -> dict[str, object]:
    """The acknowledged row as the API shows it now (a ticket, or a reply in the conversation)."""
    if write.text == "subject":
        ticket: dict[str, object] = api.get(f"/tickets/{acked_id}").json()
        return ticket
    messages = api.get(write.path).json()
    return next(m for m in messages if m["id"] == acked_id)
