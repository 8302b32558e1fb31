"""LISTEN for other server processes' commits on PostgreSQL and wake this process's hub.

A thread of its own with one dedicated autocommit connection (outside the
pool). After every (re)connect it wakes the hub once, so commits made while
it was away are read from the event log too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import psycopg

from server.live.waker import WakerThread
from server.storage.notify import NOTIFY_CHANNEL

log = logging.getLogger("padcom.live")


def libpq_url(database_url: str) -> str:
    """The peewee database URL without its pool options, for a plain psycopg connection."""
    parts = urlsplit(database_url)
    return urlunsplit((parts.scheme.split("+")[0], parts.netloc, parts.path, "", ""))


class PgWaker(WakerThread):
    """Calls ``on_events(ids)`` for every NOTIFY on the events channel."""

    def __init__(self, database_url: str, on_events: Callable[[list[int]], None]) -> None:
        super().__init__("padcom-pg-waker", on_events)
        self.url = libpq_url(database_url)

    def _run(self) -> None:
        delay = 0.5
        while not self._stop.is_set():
            try:
                self._listen()
                delay = 0.5
            except psycopg.Error as exc:
                log.warning("LISTEN connection lost (%s); retrying in %.1fs", exc, delay)
            self.listening.clear()
            self._stop.wait(delay)
            delay = min(delay * 2, 30.0)

    def _listen(self) -> None:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self.listening.set()
            self.on_events([])
            while not self._stop.is_set():
                for note in conn.notifies(timeout=0.5):
                    self.on_events([int(note.payload)] if note.payload.isdigit() else [])
