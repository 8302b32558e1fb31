"""argon2id password hashing with a bound on how many hashes run at once.

Each hash takes ``memory_cost`` KiB (64 MiB by default), so 200 parallel logins
must queue rather than exhaust memory. Unknown emails are verified against a
dummy hash, so they take the same time as a wrong password.
"""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from server.config import PasswordParams


class Passwords:
    """Hash and verify passwords under one set of argon2id parameters."""

    def __init__(self, params: PasswordParams, max_concurrent: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_cost,
            parallelism=params.parallelism,
        )
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._dummy_hash = self._hasher.hash("padcom-no-such-user")

    def hash(self, password: str) -> str:
        """A new argon2id hash of ``password``."""
        with self._slots:
            return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; ``None`` (unknown user) costs the same and is False."""
        with self._slots:
            try:
                return self._hasher.verify(stored_hash or self._dummy_hash, password) and (
                    stored_hash is not None
                )
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether the hash was made with other parameters than today's."""
        return self._hasher.check_needs_rehash(stored_hash)
