"""Test support: a ticket filed the way a customer files one, over the real HTTP API.

The one helper every test and fixture uses to file a ticket it then acts on, so
that "a customer files a ticket" means the same request everywhere and a refused
filing fails the test at once, with the server's answer, instead of later.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.live import Person

Filer = Person | httpx.Client
"""Who files: a person of the test's server, or an HTTP client already signed in as someone."""


def file_ticket(
    who: Filer, subject: str = "Site is down", body: str = "Please help.", **fields: Any
) -> dict[str, Any]:
    """``POST /tickets`` as ``who``; the new ticket's JSON, failing loudly on anything but 201."""
    api = who.api() if isinstance(who, Person) else who
    reply = api.post("/tickets", json={"subject": subject, "body": body, **fields})
    assert reply.status_code == 201, reply.text
    ticket: dict[str, Any] = reply.json()
    return ticket


def file_number(
    who: Filer, subject: str = "Site is down", body: str = "Please help.", **fields: Any
) -> int:
    """As ``file_ticket``, for a test that needs only the new ticket's number."""
    return int(file_ticket(who, subject, body, **fields)["number"])
