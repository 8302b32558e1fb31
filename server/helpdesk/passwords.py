"""argon2id password hashing on a small pool of its own, with a bounded queue.

Each hash takes ``memory_cost`` KiB (64 MiB by default) and ~100 ms of a core,
so only ``max_concurrent`` run at once, on threads of their own: a sign-in
waiting for a hash holds none of the threads that serve everyone else's
requests (60 waiting sign-ins once pushed an unrelated ``GET /me`` from 10 ms
to 0.5 s). At most ``max_waiting`` more may queue behind them; the next gets
503 with ``Retry-After`` at once (``admission``). Every argon2 user (sign-in,
password change, new users) goes through the same ``Passwords`` of the app.
Unknown emails are verified against a dummy hash, so they take the same time
as a wrong password.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from server.config import PasswordParams
from server.helpdesk.errors import Unavailable

BUSY_RETRY_SECONDS = 1


HASH_NICENESS = 10
"""How much lower the hashing threads' CPU priority is than the threads answering requests."""


def _yield_to_requests() -> None:
    """Lower this hashing thread's CPU priority (Linux: per thread, inherited by argon2's lanes),
    so that on a busy machine a hash waits for the CPU rather than everyone's requests."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICENESS)


class Passwords:
    """Hash and verify passwords under one set of argon2id parameters."""

    def __init__(self, params: PasswordParams, max_concurrent: int, max_waiting: int = 0) -> None:
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_cost,
            parallelism=params.parallelism,
        )
        self._pool = ThreadPoolExecutor(
            max_concurrent, thread_name_prefix="argon2", initializer=_yield_to_requests
        )
        self._admitted = threading.BoundedSemaphore(max_concurrent + max_waiting)
        self._dummy_hash = self._hasher.hash("padcom-no-such-user")

    @contextmanager
    def admission(self) -> Iterator[None]:
        """A place among the password checks running or queued; Unavailable (503) when full.

        Taken before the sign-in throttle counts the attempt, so a try refused for
        lack of room costs the account nothing.
        """
        if not self._admitted.acquire(blocking=False):
            raise Unavailable(
                "too many sign-ins at once; try again shortly",
                retry_after=BUSY_RETRY_SECONDS,
            )
        try:
            yield
        finally:
            self._admitted.release()

    def _verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash or self._dummy_hash, password) and (
                stored_hash is not None
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def hash(self, password: str) -> str:
        """A new argon2id hash of ``password`` (waits for a slot of the pool)."""
        return self._pool.submit(self._hasher.hash, password).result()

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; ``None`` (unknown user) costs the same and is False."""
        return self._pool.submit(self._verify, stored_hash, password).result()

    async def hash_async(self, password: str) -> str:
        """``hash`` for async code: the caller's event loop and threads stay free meanwhile."""
        return await asyncio.wrap_future(self._pool.submit(self._hasher.hash, password))

    async def verify_async(self, stored_hash: str | None, password: str) -> bool:
        """``verify`` for async code."""
        return await asyncio.wrap_future(self._pool.submit(self._verify, stored_hash, password))

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether the hash was made with other parameters than today's."""
        return self._hasher.check_needs_rehash(stored_hash)
