"""What PostgreSQL did during one bench run: statements, order-lock hold, backend CPU.

- statements: ``pg_stat_statements`` calls in the bench's database (when the
  server has it loaded: ``--database-url private`` starts one that has);
- order-lock hold: a sampler asks ``pg_locks`` every few milliseconds whether
  the event-order advisory lock is granted; the held fraction times the run's
  length, divided by the creates, is the hold time per create (the method of
  the scale-out report in issue 14, which found it held in 100 % of samples);
- CPU: user + system time of the database's backends, from /proc (the server
  runs on this machine in every bench setup).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import psycopg

from server.live.journal import EVENT_ORDER_LOCK

SAMPLE_SECONDS = 0.005
_HELD = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = %s"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
_BACKENDS = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
_DEADLOCKS = "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
_CALLS = (
    "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
    " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@dataclass(frozen=True)
class Probed:
    statements: int | None
    """Statements run (None without pg_stat_statements)."""
    lock_held_seconds: float
    backend_cpu_seconds: float
    deadlocks: int = 0
    """``deadlock detected`` in the bench's database during the run (pg_stat_database)."""


def _cpu(pid: int) -> float:
    from bench.load import cpu_seconds

    return cpu_seconds(pid)


class Probe:
    """Measure the block of code between ``start`` and ``stop`` on ``database_url``."""

    def __init__(self, database_url: str) -> None:
        self._conn = psycopg.connect(database_url, autocommit=True)
        self._me = self._conn.info.backend_pid
        self._has_statements = bool(
            self._conn.execute(
                "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'"
            ).fetchone()[0]  # type: ignore[index]
        )
        self._stop = threading.Event()
        self._samples = 0
        self._held = 0
        self._thread: threading.Thread | None = None
        self._started = 0.0
        self._cpu: dict[int, float] = {}
        self._calls = 0
        self._deadlocks = 0

    def _deadlock_count(self) -> int:
        return int(self._conn.execute(_DEADLOCKS).fetchone()[0])  # type: ignore[index]

    def _statements(self) -> int:
        return int(self._conn.execute(_CALLS).fetchone()[0])  # type: ignore[index]

    def _backends(self) -> dict[int, float]:
        pids = [int(r[0]) for r in self._conn.execute(_BACKENDS) if int(r[0]) != self._me]
        return {pid: _cpu(pid) for pid in pids}

    def _sample(self, database_url: str) -> None:
        with psycopg.connect(database_url, autocommit=True) as conn:
            while not self._stop.wait(SAMPLE_SECONDS):
                self._held += int(conn.execute(_HELD, (EVENT_ORDER_LOCK,)).fetchone()[0] > 0)  # type: ignore[index]
                self._samples += 1

    def start(self, database_url: str) -> None:
        self._cpu = self._backends()
        self._calls = self._statements() if self._has_statements else 0
        self._deadlocks = self._deadlock_count()
        self._stop.clear()
        self._samples = self._held = 0
        self._thread = threading.Thread(target=self._sample, args=(database_url,), daemon=True)
        self._started = time.monotonic()
        self._thread.start()

    def stop(self) -> Probed:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(10)
        elapsed = time.monotonic() - self._started
        after = self._backends()
        cpu = sum(used - self._cpu.get(pid, 0.0) for pid, used in after.items())
        statements = None
        if self._has_statements:
            # the probe's own sampling statements are not the server's
            statements = self._statements() - self._calls - self._samples - 3
        held = elapsed * self._held / max(1, self._samples)
        return Probed(statements, held, cpu, self._deadlock_count() - self._deadlocks)

    def close(self) -> None:
        self._conn.close()
