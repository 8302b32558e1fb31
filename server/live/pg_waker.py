"""LISTEN for other server processes' commits on PostgreSQL and wake this process's hub.

A thread of its own with one dedicated autocommit connection (outside the
pool). After every (re)connect it wakes the hub once, so commits made while
it was away are read from the event log too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import psycopg

from server.live.journal import NOTIFY_CHANNEL

log = logging.getLogger("padcom.live")


def libpq_url(database_url: str) -> str:
    """The peewee database URL without its pool options, for a plain psycopg connection."""
    parts = urlsplit(database_url)
    return urlunsplit((parts.scheme.split("+")[0], parts.netloc, parts.path, "", ""))


class PgWaker:
    """Calls ``on_events(ids)`` for every NOTIFY on the events channel."""

    def __init__(self, database_url: str, on_events: Callable[[list[int]], None]) -> None:
        self.url = libpq_url(database_url)
        self.on_events = on_events
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="padcom-pg-waker", daemon=True)
        self.listening = threading.Event()
        """Set while LISTEN is active (tests wait for it)."""

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

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
