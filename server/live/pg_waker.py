"""LISTEN for other server processes' commits on PostgreSQL and wake this process's hub.

A thread of its own with one dedicated autocommit connection (outside the
pool, and outside any pooler: ``PADCOM_LISTEN_DATABASE_URL`` may name the
database directly while the pool goes through PgBouncer, whose transaction
mode cannot hold a LISTEN). After every (re)connect it wakes the hub once, so
commits made while it was away are read from the event log too.

A LISTEN connection only ever receives, so a path that went silent (a
black-holed route, a firewall that forgot the flow) looked "connected"
forever: TCP keepalives and ``tcp_user_timeout`` find a dead peer only when
the kernel sees no acknowledgement, and a middlebox that swallows packets
still acknowledges them. So every ``PROBE_SECONDS`` the waker makes a round
trip of its own (``SELECT 1``) that must be answered within
``PROBE_TIMEOUT_SECONDS``; when it is not, the connection is closed and made
again. Meanwhile nothing is lost: the hub reads the event log every
``live_recheck_seconds`` anyway (server/live/lifespan.py), so a missed
wake-up delays an event by at most that.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg

from server.live.waker import WakerThread
from server.storage.limits import DatabaseLimits
from server.storage.notify import NOTIFY_CHANNEL
from server.storage.postgres import AnsweringConnection, keepalives

log = logging.getLogger("padcom.live")
PROBE_SECONDS = 2.0
"""How often the LISTEN connection proves it still reaches PostgreSQL."""
PROBE_TIMEOUT_SECONDS = 2.0
"""How long that proof may take before the connection counts as dead."""
POOL_OPTIONS = frozenset({"max_connections", "prepare_threshold", "stale_timeout", "timeout"})
"""URL parameters that configure peewee's pool or psycopg, not libpq."""


def libpq_url(database_url: str) -> str:
    """The peewee database URL without its pool options, for a plain psycopg connection."""
    parts = urlsplit(database_url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in POOL_OPTIONS])
    return urlunsplit((parts.scheme.split("+")[0], parts.netloc, parts.path, query, ""))


class PgWaker(WakerThread):
    """Calls ``on_events(ids)`` for every NOTIFY on the events channel."""

    def __init__(
        self,
        database_url: str,
        on_events: Callable[[list[int]], None],
        limits: DatabaseLimits | None = None,
        *,
        on_reconnect: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__("padcom-pg-waker", on_events)
        self.url = libpq_url(database_url)
        self.limits = limits or DatabaseLimits()
        self.on_reconnect = on_reconnect
        """Called on every connect after the first (the ``listen_reconnects`` metric)."""
        self.connects = 0

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

    def _connect(self) -> AnsweringConnection:
        params: dict[str, Any] = {
            "connect_timeout": max(2, round(self.limits.connect_timeout_seconds)),
            "tcp_user_timeout": int(PROBE_TIMEOUT_SECONDS * 1000),
            **keepalives(self.limits),
        }
        conn = AnsweringConnection.connect(self.url, autocommit=True, **params)
        conn.answer_timeout = PROBE_TIMEOUT_SECONDS
        return conn

    def _listen(self) -> None:
        with self._connect() as conn:
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self.connects += 1
            if self.connects > 1:
                log.info("LISTEN connection made again")
                self.on_reconnect()
            self.listening.set()
            self.on_events([])
            probed = time.monotonic()
            while not self._stop.is_set():
                for note in conn.notifies(timeout=0.5):
                    self.on_events([int(note.payload)] if note.payload.isdigit() else [])
                if time.monotonic() - probed >= PROBE_SECONDS:
                    conn.execute("SELECT 1")  # raises after PROBE_TIMEOUT_SECONDS of silence
                    probed = time.monotonic()
