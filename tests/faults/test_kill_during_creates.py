"""kill -9 in the middle of a stream of creates: nothing acknowledged is lost, nothing doubles.

Four clients file tickets, each with its own Idempotency-Key, while the server
process is SIGKILLed. After a restart every ticket whose create got a 201 is
there, and retrying every create (acknowledged or cut off) with the same key
yields exactly one ticket per key.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from server.db import db
from server.models import Ticket
from tests.faults.process import ServerProcess
from tests.faults.seed import customer_token
from tests.support.limits import NO_WRITE_LIMITS_ENV as NO_LIMITS  # one customer files fast

CLIENTS = 4
MAX_PER_CLIENT = 200
KILL_AFTER_ACKS = 40
KILL_AFTER_SECONDS = 4.0


def _body(key: str) -> dict[str, str]:
    return {"subject": f"crash test {key}", "body": f"filed with key {key}"}


def _client(url: str, token: str, name: str, acked: dict[str, int], cut: set[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=10) as client:
        for i in range(MAX_PER_CLIENT):
            key = f"{name}-{i}"
            try:
                reply = client.post("/tickets", json=_body(key), headers={"Idempotency-Key": key})
            except httpx.HTTPError:
                cut.add(key)
                return
            if reply.status_code != 201:
                cut.add(key)
                return
            acked[key] = reply.json()["number"]


def test_a_killed_server_loses_no_acknowledged_ticket_and_retries_do_not_double(
    database_url: str, tmp_path: Path
) -> None:
    server = ServerProcess(database_url, tmp_path, tmp_path / "server.log", env=NO_LIMITS).start()
    token = customer_token(database_url)
    acked: dict[str, int] = {}
    cut: set[str] = set()
    threads = [
        threading.Thread(target=_client, args=(server.url, token, f"c{n}", acked, cut))
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
    assert acked, "no create was acknowledged before the kill"

    restarted = ServerProcess(
        database_url, tmp_path, tmp_path / "server.log", env=NO_LIMITS
    ).start()
    try:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"{restarted.url}/api/v1", headers=headers, timeout=10) as api:
            for key, number in acked.items():
                shown = api.get(f"/tickets/{number}")
                assert shown.status_code == 200 and shown.json()["subject"] == _body(key)["subject"]
            for key in [*acked, *cut]:
                retry = api.post("/tickets", json=_body(key), headers={"Idempotency-Key": key})
                assert retry.status_code == 201, retry.text
                if key in acked:
                    assert retry.json()["number"] == acked[key]
                    assert retry.headers.get("idempotent-replayed") == "true"
        with db.connection_context():
            for key in [*acked, *cut]:
                assert Ticket.select().where(Ticket.subject == _body(key)["subject"]).count() == 1
        print(f"\nkill -9: {len(acked)} acknowledged, {len(cut)} cut off, 0 lost, 0 doubled")
    finally:
        restarted.stop()
        db.close_all()
