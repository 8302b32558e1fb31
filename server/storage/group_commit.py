"""Group commit: the write transactions of many requests share one COMMIT, so one fsync.

With ``synchronous=full`` every COMMIT waits for the disk (1-20 ms on the shared
box), and SQLite lets one writer in at a time, so a commit per request capped
creates near 1/fsync per second. Here one writer thread per process runs every
change waiting in line inside one transaction, each in a savepoint of its own (a
change that raises is rolled back alone and its caller gets the exception),
commits once, and only then answers each caller: an acknowledged change is on
disk before its response, as before. A change whose request has given up by the
time its turn comes (``server/storage/still_wanted.py``) is not run at all.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from server.storage import still_wanted
from server.storage.db import db

log = logging.getLogger("padcom.server")

T = TypeVar("T")
MAX_BATCH = 64
"""Changes per transaction at most; bounds how long the first of them waits."""

_Job = tuple[Callable[[], Any], "Future[Any]", still_wanted.Wanted | None]


class GroupCommit:
    """A writer thread that commits queued changes in batches."""

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self.max_batch = max_batch
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def run(self, change: Callable[[], T]) -> T:
        """Run ``change`` in a write transaction; return its result once committed.

        Raises whatever ``change`` raised (nothing of it is written), or the
        database's error if the commit failed (nothing of the batch is written).
        """
        return self.submit(change, still_wanted.current()).result()

    def submit(
        self, change: Callable[[], T], wanted: still_wanted.Wanted | None = None
    ) -> Future[T]:
        """Queue ``change`` without waiting; the future completes as ``run`` would return.

        With ``wanted``, the change is dropped (Abandoned) if its request gave up first.
        """
        future: Future[T] = Future()
        self._jobs.put((change, future, wanted))
        self._ensure_thread()
        return future

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="padcom-group-commit", daemon=True
                )
                self._thread.start()

    def _loop(self) -> None:
        while True:
            batch = [self._jobs.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
            self._commit(batch)

    def _commit(self, batch: list[_Job]) -> None:
        outcomes: list[tuple[Future[Any], Any, BaseException | None]] = []
        claimed: list[still_wanted.Wanted] = []
        try:
            with db.connection_context(), db.atomic():
                for change, future, wanted in batch:
                    try:
                        if wanted is not None:
                            wanted.claim()  # raises Abandoned once its client is gone
                            claimed.append(wanted)
                        with db.atomic():  # a savepoint: a failing change undoes only itself
                            outcomes.append((future, change(), None))
                    except Exception as exc:
                        outcomes.append((future, None, exc))
        except BaseException as exc:  # the commit itself failed: nothing is durable
            for _, future, _ in batch:
                future.set_exception(exc)
            return
        finally:
            for wanted in claimed:
                wanted.release()
        for future, result, error in outcomes:
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)


_writer = GroupCommit()


def committed(change: Callable[[], T]) -> T:
    """Run ``change`` in this process's group commit; see ``GroupCommit.run``."""
    return _writer.run(change)


def soon(change: Callable[[], object]) -> None:
    """Queue ``change`` in this process's group commit and go on; a failure is only logged.

    For bookkeeping no answer depends on (a token's last use), so a request
    never waits for a commit it does not need.
    """
    _writer.submit(change).add_done_callback(_log_failure)


def _log_failure(future: Future[Any]) -> None:
    if future.exception() is not None:
        log.warning("background write failed: %s", future.exception())
