"""What the scale-out stories check afterwards: the database's own record of events and tickets."""

from __future__ import annotations

import time

import httpx
import psycopg


def event_ids(database_url: str) -> list[int]:
    """Every stored event id, in order."""
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        return [int(row[0]) for row in conn.execute("SELECT id FROM event ORDER BY id")]


def ticket_ids(database_url: str) -> set[int]:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        return {int(row[0]) for row in conn.execute("SELECT id FROM ticket")}


def file_ticket(url: str, token: str, attempts: int = 60) -> int:
    """File one ticket through the balancer, retrying (bounded) while the cluster recovers."""
    for _ in range(attempts):
        try:
            reply = httpx.post(
                f"{url}/api/v1/tickets",
                json={"subject": "after the fault", "body": "still there?"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            if reply.status_code == 201:
                return int(reply.json()["number"])
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("the cluster took no ticket after the fault")


def wait_until(done: object, timeout: float = 60) -> None:
    """Poll ``done()`` (bounded) until it is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting")
