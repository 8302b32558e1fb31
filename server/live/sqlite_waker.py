"""Wake this process's hub when any connection commits to the SQLite file it serves.

SQLite has no LISTEN/NOTIFY, and a commit in another server process (a second
worker of ``serve --workers 2``, or another server on the same file) used to
reach this process's streams only when an unrelated write happened here.
``PRAGMA data_version`` on a connection of our own changes whenever any
*other* connection commits — in this process or another — so a thread polls it
every few milliseconds. Why polling and not a signal written after each commit:
it needs nothing from the writer (a migration, ``padcom-server user add``, a
process that dies right after its COMMIT all count), it cannot be lost, and one
read of a counter in the shared-memory WAL index costs a few microseconds (the
thread's wake-ups cost ~13 ms of CPU a second at 5 ms, so it slows down while
no stream is open here). The hub's own periodic look
(``Settings.live_recheck_seconds``) backs it up.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from server.live.waker import WakerThread

log = logging.getLogger("padcom.live")
IDLE_SECONDS = 0.1
"""The poll's pace while no stream is open here (a new stream reads the log anyway)."""


class DataVersionWaker(WakerThread):
    """Calls ``on_events([])`` ("look anyway") after every commit to the database at ``path``."""

    def __init__(
        self,
        path: str,
        on_events: Callable[[list[int]], None],
        interval: float = 0.005,
        *,
        wanted: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__("padcom-sqlite-waker", on_events)
        self.path = path
        self.interval = interval
        self.wanted = wanted
        """Whether anyone listens (open streams): otherwise it looks only every ``IDLE_SECONDS``."""

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._poll()
            except sqlite3.Error as exc:  # the file went away or is locked exclusively
                log.warning("data_version poll failed (%s); retrying", exc)
            self.listening.clear()
            self._stop.wait(1.0)

    def _poll(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            version = connection.execute("PRAGMA data_version").fetchone()[0]
            self.listening.set()
            self.on_events([])  # whatever was committed before we looked
            while not self._stop.wait(self.interval if self.wanted() else IDLE_SECONDS):
                now = connection.execute("PRAGMA data_version").fetchone()[0]
                if now != version:
                    version = now
                    self.on_events([])
        finally:
            connection.close()
