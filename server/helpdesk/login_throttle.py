"""Sign-in throttling per account, per client address and per both, shared by every worker.

Attempts are counted in the ``login_failure`` table, so several server
processes (and a restart) see the same counts. An attempt is *reserved* before
the password is checked, with one atomic ``INSERT ... ON CONFLICT DO UPDATE
... WHERE`` per key that counts it only when the key may try now: requests in
flight at the same moment cannot all pass a check made before any of them was
counted. A right password gives the reservation back.

Each key may fail a few times for free; after that every further try must
wait, and the wait doubles with each failure up to a ceiling. Keys, after
OWASP's authentication guidance ("slow the attacker, not the owner"):

- ``pair`` — this account from this address: few free tries, long waits.
  It is what stops one attacker at one account.
- ``address`` — this address at any account: stops one address spraying many
  (an IPv6 address counts by its /64, which one client usually holds whole).
- ``account`` — this account from everywhere: many free tries and a short
  ceiling, so a distributed attacker is slowed, and the owner, whose own
  ``pair`` is clean, is at worst delayed a little, never locked out.

A throttled try is refused before any password work is done. The email key
is the address typed, known or not: the throttle reveals nothing about
accounts.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import Case

from server.config import LoginThrottleParams
from server.storage.fields import to_ms, utcnow
from server.storage.models import LoginFailure
from server.storage.write_path import plain, write


@dataclass(frozen=True)
class Limit:
    """How many failures a key gets free, and the longest it is ever made to wait."""

    free: int
    ceiling_seconds: int


@dataclass(frozen=True)
class Keys:
    """The throttle keys of one sign-in attempt."""

    account: str
    address: str
    pair: str

    @property
    def all(self) -> tuple[str, str, str]:
        return (self.account, self.pair, self.address)


IPV6_PREFIX = 64
"""One IPv6 client usually holds a whole /64: its addresses count as one."""


def _client_block(address: str) -> str:
    """The address as the throttle counts it: IPv4 alone, IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def keys_for(email: str, address: str) -> Keys:
    typed = email.strip().lower()
    address = _client_block(address)
    return Keys(
        account=f"account:{typed[:254]}",
        address=f"address:{address[:60]}",
        pair=f"pair:{typed[:200]}|{address[:60]}",
    )


class Refused(Exception):
    """The attempt must wait ``retry_after`` whole seconds; nothing was counted."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class LoginThrottle:
    """Reserves sign-in attempts, and gives them back when the password was right."""

    def __init__(self, params: LoginThrottleParams) -> None:
        self.params = params

    def _limits(self, keys: Keys) -> dict[str, Limit]:
        """Each key of the attempt with its limit, in the one order every transaction locks them."""
        p = self.params
        return {
            keys.account: Limit(p.free_per_account_all_addresses, p.max_account_delay_seconds),
            keys.pair: Limit(p.free_per_account, p.max_delay_seconds),
            keys.address: Limit(p.free_per_address, p.max_delay_seconds),
        }

    def _delay(self, failures: int, limit: Limit) -> float:
        """Seconds to wait after ``failures`` consecutive failures (0 while still free)."""
        if failures < limit.free:
            return 0.0
        doublings = min(failures - limit.free, 30)
        return float(min(self.params.base_delay_seconds * 2**doublings, limit.ceiling_seconds))

    def _delay_ms_sql(self, limit: Limit) -> Case:
        """``_delay`` of the stored failure count as SQL, in milliseconds (one CASE, portable)."""
        steps = [(LoginFailure.failures < limit.free, 0)]
        for failures in range(limit.free, limit.free + 31):
            wait = self._delay(failures, limit)
            if wait >= limit.ceiling_seconds:
                break
            steps.append((LoginFailure.failures == failures, int(wait * 1000)))
        return Case(None, steps, limit.ceiling_seconds * 1000)

    def reserve(self, keys: Keys, now: datetime | None = None) -> None:
        """Count this attempt against every key, or against none of them.

        Raises Refused (with the wait) when any key must wait; then nothing is counted.
        """

        def count() -> None:
            at = now or utcnow()  # inside: a writer that went first has an earlier time
            forgotten = at - timedelta(seconds=self.params.forget_after_seconds)
            stale = LoginFailure.last_failure_at <= forgotten
            for key, limit in self._limits(keys).items():
                # Free tries pass whatever the clocks say; a concurrent attempt may have
                # stamped the row a moment later than this one's ``now``.
                ready = (LoginFailure.failures < limit.free) | (
                    LoginFailure.last_failure_at + self._delay_ms_sql(limit) <= to_ms(at)
                )
                counted = (
                    LoginFailure.insert(key=key, failures=1, last_failure_at=at)
                    .on_conflict(
                        conflict_target=[LoginFailure.key],
                        update={
                            LoginFailure.failures: Case(
                                None, [(stale, 1)], LoginFailure.failures + 1
                            ),
                            LoginFailure.last_failure_at: at,
                        },
                        where=stale | ready,
                    )
                    .as_rowcount()
                    .execute()
                )
                if not counted:  # leaving the transaction by raising un-counts the others
                    raise Refused(self._wait(keys, at))
            LoginFailure.delete().where(stale).execute()

        write(plain(count), None, batched=False)

    def _wait(self, keys: Keys, now: datetime) -> int:
        """Whole seconds until every key of the attempt may try again (at least 1)."""
        limits = self._limits(keys)
        forgotten = now - timedelta(seconds=self.params.forget_after_seconds)
        rows = LoginFailure.select().where(
            LoginFailure.key.in_(list(limits)), LoginFailure.last_failure_at > forgotten
        )
        wait = 1.0
        for row in rows:
            until = row.last_failure_at + timedelta(
                seconds=self._delay(row.failures, limits[row.key])
            )
            wait = max(wait, (until - now).total_seconds())
        return math.ceil(wait)

    def succeeded(self, keys: Keys) -> None:
        """A right password clears the account's counts and gives the address its try back
        (not more: one good account must not buy an address fresh guesses at others)."""

        def clear() -> None:
            LoginFailure.delete().where(LoginFailure.key.in_([keys.account, keys.pair])).execute()
            LoginFailure.update(failures=LoginFailure.failures - 1).where(
                LoginFailure.key == keys.address, LoginFailure.failures > 0
            ).execute()

        write(plain(clear), None, batched=False)
