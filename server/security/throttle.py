"""Sign-in throttling per email and per client address, shared by every worker.

Failures are counted in the ``login_failure`` table, so several server processes
(and a restart) see the same counts. Each key may fail a few times for free;
after that every further try must wait, and the wait doubles with each failure
up to a ceiling. A throttled try is refused before any password work is done, so
it cannot be used to burn the server's CPU or memory either. The email key is
the address typed, known or not: the throttle reveals nothing about accounts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import Case

from server.config import LoginThrottleParams
from server.db import db
from server.fields import utcnow
from server.models import LoginFailure


@dataclass(frozen=True)
class Keys:
    """The throttle keys of one sign-in attempt with how many failures each gets free."""

    account: str
    address: str


def keys_for(email: str, address: str) -> Keys:
    return Keys(account=f"account:{email.strip().lower()[:254]}", address=f"address:{address}")


class LoginThrottle:
    """Decides whether a sign-in may be tried now, and records how it went."""

    def __init__(self, params: LoginThrottleParams) -> None:
        self.params = params

    def _delay(self, failures: int, free: int) -> float:
        """Seconds to wait after ``failures`` consecutive failures (0 while still free)."""
        if failures < free:
            return 0.0
        doublings = min(failures - free, 30)
        return float(
            min(self.params.base_delay_seconds * 2**doublings, self.params.max_delay_seconds)
        )

    def retry_after(self, keys: Keys, now: datetime | None = None) -> int:
        """Whole seconds until the attempt may be tried; 0 when it may be tried now."""
        now = now or utcnow()
        free = {
            keys.account: self.params.free_per_account,
            keys.address: self.params.free_per_address,
        }
        forgotten = now - timedelta(seconds=self.params.forget_after_seconds)
        with db.connection_context():
            rows = list(
                LoginFailure.select().where(
                    LoginFailure.key.in_(list(free)), LoginFailure.last_failure_at > forgotten
                )
            )
        wait = 0.0
        for row in rows:
            until = row.last_failure_at + timedelta(
                seconds=self._delay(row.failures, free[row.key])
            )
            wait = max(wait, (until - now).total_seconds())
        return math.ceil(wait)

    def failed(self, keys: Keys, now: datetime | None = None) -> None:
        """Count one failure against both keys, and forget failures nobody repeated."""
        now = now or utcnow()
        forgotten = now - timedelta(seconds=self.params.forget_after_seconds)
        restart = Case(
            None, [(LoginFailure.last_failure_at <= forgotten, 1)], LoginFailure.failures + 1
        )
        with db.connection_context(), db.atomic():
            for key in (keys.account, keys.address):
                LoginFailure.insert(key=key, failures=1, last_failure_at=now).on_conflict(
                    conflict_target=[LoginFailure.key],
                    update={LoginFailure.failures: restart, LoginFailure.last_failure_at: now},
                ).execute()
            LoginFailure.delete().where(LoginFailure.last_failure_at <= forgotten).execute()

    def succeeded(self, keys: Keys) -> None:
        """A right password clears the account's count (not the address's: one good
        account must not buy an address fresh guesses at others)."""
        with db.connection_context():
            LoginFailure.delete().where(LoginFailure.key == keys.account).execute()
