"""What tests about tickets look at besides HTTP answers: the rows themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import httpx

from server.storage.db import db
from server.storage.models import Event, IdempotencyKey, Message, Ticket


@dataclass(frozen=True)
class Counts:
    """How many rows each ticket table holds; equal Counts mean nothing was written."""

    tickets: int
    messages: int
    events: int
    keys: int


def counts() -> Counts:
    with db.connection_context():
        return Counts(
            Ticket.select().count(),
            Message.select().count(),
            Event.select().count(),
            IdempotencyKey.select().count(),
        )


def stored(number: int) -> dict[str, Any]:
    """The ticket's row as stored, to compare before and after a refused change."""
    with db.connection_context():
        row = Ticket.select().where(Ticket.id == number).dicts().get()
        return cast(dict[str, Any], row)  # peewee's hints type .dicts() rows as models


def event_kinds(number: int) -> list[str]:
    with db.connection_context():
        return [e.kind for e in Event.select().where(Event.ticket == number).order_by(Event.id)]


def all_numbers(api: httpx.Client, **params: Any) -> list[int]:
    """Every ticket number of a list, following cursors to the end."""
    numbers: list[int] = []
    cursor = None
    for _ in range(1000):
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        body = api.get("/tickets", params=query).json()
        numbers += [t["number"] for t in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return numbers
    raise AssertionError("the list never ended")
