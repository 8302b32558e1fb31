"""Group commit: the write transactions of many requests share one COMMIT, so one fsync.

With ``synchronous=full`` every COMMIT waits for the disk (1-20 ms on the shared
box), and SQLite lets one writer in at a time, so a commit per request capped
creates near 1/fsync per second. Here one writer thread per process runs every
change waiting in line inside one transaction, each in a savepoint of its own (a
change that raises is rolled back alone and its caller gets the exception),
commits once, and only then answers each caller: an acknowledged change is on
disk before its response, as before. A change whose request has given up by the
time its turn comes (``server/storage/still_wanted.py``) is not run at all.

On PostgreSQL, several batches run at once (``WRITERS_POSTGRES`` threads per
process, and several processes), so the locks they take
must not form a cycle. The event-order lock is taken last, by the batch's
``commit_tail.finish`` (see there), never between two changes; bookkeeping
that no answer depends on (``soon``: a token's last use, stream leases) is
written after the batch's COMMIT, one short transaction each, so it never holds
a row lock while a batch waits for the order lock. Two batches may still lock
the same two rows in opposite order (replies on tickets 5 and 6 in one batch,
on 6 and 5 in another's): each change takes its locks in one order, but a batch
holds the locks of all its changes so far. So every change after a batch's
first waits for a row lock at most ``LOCK_WAIT_MS`` (less than PostgreSQL's
``deadlock_timeout``, so no wait lives long enough to be called a deadlock);
past it, its savepoint is rolled back (which releases its locks) and it runs
again first in the next batch, where it may wait as long as it needs: the first
change of a batch holds no one else's locks. A change cancelled by a deadlock
or a serialization failure runs again the same way (``RETRIES`` times), so its
caller sees no error.

A savepoint costs PostgreSQL two round trips per change (SAVEPOINT, RELEASE),
a quarter of a created ticket's statements, and almost every change succeeds.
So on PostgreSQL a batch runs its changes without savepoints while none has
failed lately; when one raises, the whole transaction is rolled back and the
whole batch runs again first in the next one, with savepoints, so every change
gets exactly the outcome it would have had (the failure alone, the others
committed). After a failure the next ``CAREFUL_BATCHES`` batches keep their
savepoints, so a stream of failing requests (a client flooding past its rate
limit) costs what it did, not twice as much.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from server.storage import commit_tail, still_wanted
from server.storage.db import db, is_postgres

log = logging.getLogger("padcom.server")

T = TypeVar("T")
MAX_BATCH = 64
"""Changes per transaction at most; bounds how long the first of them waits."""

RETRIES = 5
"""How often a change cancelled by a deadlock or serialization failure runs again."""
RETRY_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
"""Deadlock victim, serialization failure, lock wait past ``LOCK_WAIT_MS``."""
LOCK_WAIT_MS = 200
"""How long a change after a batch's first may wait for a row lock (PostgreSQL)."""
WRITERS_POSTGRES = 4
"""Writer threads (each one batch, one connection at a time) per process on PostgreSQL.

SQLite lets one writer in at a time, so one thread commits all of a process's
batches. PostgreSQL runs transactions side by side, and a batch there is a
dozen round trips, each a wait for another process to be scheduled: on a busy
machine one writer spent its time waiting (60 creates/s at 0.4 of a core).
Several batches at once are what several processes already do, with the same
guards (the bounded lock waits below, the retries, the order lock last)."""
CAREFUL_BATCHES = 20
"""Batches that run each change in a savepoint after one failed (PostgreSQL)."""


class _RunAgain(Exception):
    """A change failed in a batch without savepoints: roll it all back, run it carefully."""


class _Job:
    __slots__ = ("after_commit", "attempts", "change", "future", "wanted")

    def __init__(
        self,
        change: Callable[[], Any],
        future: Future[Any],
        wanted: still_wanted.Wanted | None,
        after_commit: bool,
    ) -> None:
        self.change, self.future, self.wanted = change, future, wanted
        self.after_commit = after_commit
        self.attempts = 0


def _lock_wait(ms: int) -> None:
    """Bound (or, with 0, unbound) the transaction's waits for locks from here on."""
    db.execute_sql(f"SET LOCAL lock_timeout = {int(ms)}")


def _retryable(exc: BaseException) -> bool:
    """A deadlock victim or serialization failure: the change itself was fine, run it again."""
    while exc is not None:
        if getattr(exc, "sqlstate", None) in RETRY_SQLSTATES:
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


class GroupCommit:
    """A writer thread that commits queued changes in batches."""

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._start = threading.Lock()
        self._one_at_a_time = threading.Lock()
        """SQLite: one batch at a time per process, whichever writer thread runs it."""
        self._careful = 0
        """Batches still to run with a savepoint per change (after a failure)."""

    def run(self, change: Callable[[], T]) -> T:
        """Run ``change`` in a write transaction; return its result once committed.

        Raises whatever ``change`` raised (nothing of it is written), or the
        database's error if the commit failed (nothing of the batch is written).
        """
        return self.submit(change, still_wanted.current()).result()

    def submit(
        self,
        change: Callable[[], T],
        wanted: still_wanted.Wanted | None = None,
        *,
        after_commit: bool = False,
    ) -> Future[T]:
        """Queue ``change`` without waiting; the future completes as ``run`` would return.

        With ``wanted``, the change is dropped (Abandoned) if its request gave up first.
        ``after_commit``: on PostgreSQL, run it after the batch's COMMIT in a
        transaction of its own (bookkeeping; see the module docstring).
        """
        future: Future[T] = Future()
        self._jobs.put(_Job(change, future, wanted, after_commit))
        self._ensure_thread()
        return future

    def _ensure_thread(self) -> None:
        if self._threads and all(thread.is_alive() for thread in self._threads):
            return
        with self._start:
            self._threads = [thread for thread in self._threads if thread.is_alive()]
            while len(self._threads) < (WRITERS_POSTGRES if is_postgres() else 1):
                thread = threading.Thread(
                    target=self._loop, name="padcom-group-commit", daemon=True
                )
                thread.start()
                self._threads.append(thread)

    def _loop(self) -> None:
        again: list[_Job] = []  # this thread's own: what failed for a lock runs first here
        while True:
            batch, again = again, []
            if not batch:
                batch.append(self._jobs.get())
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
            if is_postgres():
                again = self._commit(batch)
            else:
                with self._one_at_a_time:
                    again = self._commit(batch)

    def _commit(self, batch: list[_Job]) -> list[_Job]:
        """Run ``batch`` in one transaction; returns the changes to run again first."""
        postgres = is_postgres()
        later = [job for job in batch if job.after_commit and postgres]
        now = [job for job in batch if not (job.after_commit and postgres)]
        careful = not postgres or self._careful > 0
        self._careful = max(0, self._careful - 1)
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        claimed: list[still_wanted.Wanted] = []
        failed = False
        try:
            with db.connection_context():
                if now:
                    with db.atomic():
                        for n, job in enumerate(now):
                            if n == 1 and postgres:
                                _lock_wait(LOCK_WAIT_MS)  # this batch now holds locks
                            if not self._claim(job, claimed, outcomes):
                                continue
                            outcome = self._run_one(job, savepoint=careful)
                            if outcome[2] is not None and not careful:
                                raise _RunAgain from outcome[2]
                            failed = failed or outcome[2] is not None
                            outcomes.append(outcome)
                        # the event-order lock, last; drawing the ids lifts the lock-wait
                        # bound (its wait is for a commit, never a cycle: event_horizon.py)
                        commit_tail.finish()
                for job in later:  # autocommit: one short transaction each
                    if self._claim(job, claimed, outcomes):
                        outcomes.append(self._run_one(job, savepoint=False))
        except _RunAgain:  # rolled back: the whole batch runs again, first, with savepoints
            commit_tail.discard()
            self._careful = CAREFUL_BATCHES
            return batch
        except BaseException as exc:  # the commit itself failed: nothing is durable
            commit_tail.discard()
            for job in batch:
                if not job.future.done():
                    job.future.set_exception(exc)
            return []
        finally:
            for wanted in claimed:
                wanted.release()
        if failed:
            self._careful = CAREFUL_BATCHES
        again: list[_Job] = []
        for job, result, error in outcomes:
            if error is None:
                job.future.set_result(result)
            elif _retryable(error) and job.attempts < RETRIES:
                job.attempts += 1
                again.append(job)  # its locks went with its savepoint: first next batch
            else:
                job.future.set_exception(error)
        return again

    @staticmethod
    def _claim(
        job: _Job,
        claimed: list[still_wanted.Wanted],
        outcomes: list[tuple[_Job, Any, BaseException | None]],
    ) -> bool:
        """Whether the change is still wanted (claimed until the batch ends); else its outcome
        is Abandoned, and it is not run."""
        if job.wanted is None:
            return True
        try:
            job.wanted.claim()  # raises Abandoned once its client is gone
        except still_wanted.Abandoned as exc:
            outcomes.append((job, None, exc))
            return False
        claimed.append(job.wanted)
        return True

    @staticmethod
    def _run_one(job: _Job, *, savepoint: bool = True) -> tuple[_Job, Any, BaseException | None]:
        """Run one change (in a savepoint: a failing change undoes only itself)."""
        position = commit_tail.mark()
        try:
            if not savepoint:
                return job, job.change(), None
            with db.atomic():
                return job, job.change(), None
        except Exception as exc:
            commit_tail.undo(position)
            return job, None, exc


_writer = GroupCommit()


def committed(change: Callable[[], T]) -> T:
    """Run ``change`` in this process's group commit; see ``GroupCommit.run``."""
    return _writer.run(change)


def soon(change: Callable[[], object]) -> None:
    """Queue ``change`` in this process's group commit and go on; a failure is only logged.

    For bookkeeping no answer depends on (a token's last use), so a request
    never waits for a commit it does not need. On PostgreSQL it runs after the
    batch's COMMIT, outside the ordered transaction (see the module docstring).
    """
    _writer.submit(change, after_commit=True).add_done_callback(_log_failure)


def _log_failure(future: Future[Any]) -> None:
    if future.exception() is not None:
        log.warning("background write failed: %s", future.exception())
