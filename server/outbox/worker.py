"""The outbox worker: a background thread that sends due rows and schedules retries.

Woken right after a commit that enqueued something, and otherwise every
``poll_seconds`` (or sooner, when a retry or a probe falls due). Delivery is at
least once: a row is marked sent only after the SMTP server or the receiver
accepted it; a crash in between sends it again once the dead worker's
heartbeat is older than the lease (server/outbox/owner.py), with the same
Message-ID / delivery id so the far side can drop the repeat.

Each row's outcome is recorded as soon as it is known and is that row's alone
(a row whose mail cannot be composed fails at once with the reason). A
destination that cannot be reached is an outage, not a failure of its rows:
they wait untouched while one probe at a time asks whether it is back
(``server.outbox.outage``). Who receives a mail is decided at delivery
(``server.outbox.audience``): asked once when the row is claimed, and again
inside the open SMTP conversation just before that mail is sent.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
from peewee import ColumnBase, fn

from server.outbox import audience, owner, smtp, webhook
from server.outbox.outage import SMTP, Outages
from server.outbox.settings import MailSettings, OutboxSettings, WebhookSettings
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import Outbox
from server.vocabulary import OutboxState

log = logging.getLogger("padcom.outbox")
BATCH = 50
REFUSED = "target not on the webhook allow-list (PADCOM_WEBHOOK_ALLOW)"
WITHHELD = "withheld"
"""The state of a mail not sent because its recipient may no longer see the ticket."""


def not_waiting(outages: Outages) -> ColumnBase | None:
    """A condition leaving out the rows of destinations that are down, or None for all rows.

    Named positively (``channel = 'webhook'``) so the (channel, state, next_attempt_at)
    index skips a backlog of held mail instead of reading it on every wake.
    """
    smtp_waits, urls = outages.waiting_targets()
    held_hooks = Outbox.target.in_(sorted(urls))
    if smtp_waits:
        hooks = Outbox.channel == "webhook"
        return hooks & ~held_hooks if urls else hooks
    if urls:
        mail_or_free_hooks: ColumnBase = (Outbox.channel == "mail") | (
            (Outbox.channel == "webhook") & ~held_hooks
        )
        return mail_or_free_hooks
    return None


def due_now(
    now: datetime, only: ColumnBase | None = None, lease_seconds: float | None = None
) -> ColumnBase:
    """Pending rows due at ``now``, not leased, matching ``only``.

    A row is leased until ``lease_until`` when no owner claimed it, and for as long
    as its owner's heartbeat is fresher than ``lease_seconds`` when one did
    (server/outbox/owner.py): a killed worker's rows come back within the lease.
    """
    ownerless = Outbox.lease_owner.is_null() & (Outbox.lease_until < now)
    free = Outbox.lease_until.is_null() | ownerless
    if lease_seconds is not None:
        owned = Outbox.lease_owner.is_null(False)
        free = free | (owned & Outbox.lease_owner.not_in(owner.live_owners(lease_seconds)))
    due = (Outbox.state == OutboxState.PENDING) & (Outbox.next_attempt_at <= now) & free
    return due if only is None else due & only


def claim(
    limit: int,
    lease_seconds: float,
    only: ColumnBase | None = None,
    *,
    owner_id: str | None = None,
) -> list[Outbox]:
    """Reserve up to ``limit`` due rows (matching ``only``) for this worker (a conditional
    UPDATE per row, so of two workers racing for a row exactly one gets it).

    With ``owner_id`` the rows are held while that owner beats its heart; without, for
    ``lease_seconds`` from now."""
    now = utcnow()
    due = due_now(now, only, lease_seconds)
    until = now + timedelta(seconds=lease_seconds)
    candidates = list(Outbox.select().where(due).order_by(Outbox.id).limit(limit))
    if not candidates:
        return []  # the common case takes no write lock
    claimed = []
    with db.atomic():
        for row in candidates:
            taken = Outbox.update(lease_until=until, lease_owner=owner_id)
            if taken.where((Outbox.id == row.id) & due).execute():
                claimed.append(row)
    return claimed


SCRUBBED = "(removed after delivery: it held a one-time code)"


def finish(row: Outbox, error: str | None, policy: OutboxSettings, permanent: bool = False) -> None:
    """Record one attempt: sent, or failed with the next try scheduled (or given up)."""
    now = utcnow()
    attempts = row.attempts + 1
    values: dict[str, Any] = {"attempts": attempts, "lease_until": None, "lease_owner": None}
    if error is None:
        values.update(state=OutboxState.SENT, sent_at=now, last_error="")
    if row.payload.get("scrub") and (error is None or permanent or attempts >= policy.max_attempts):
        values["payload"] = {**row.payload, "body": SCRUBBED}  # it held a one-time code
    if error is not None:
        delay = min(policy.max_retry_seconds, policy.first_retry_seconds * 2 ** (attempts - 1))
        gave_up = permanent or attempts >= policy.max_attempts
        values.update(
            state=OutboxState.FAILED if gave_up else OutboxState.PENDING,
            next_attempt_at=now + timedelta(seconds=delay),
            last_error=error[:500],
        )
        log.warning(
            "%s to %s failed (attempt %d%s): %s",
            row.channel,
            row.target,
            attempts,
            ", giving up" if gave_up else "",
            error,
        )
    with db.atomic():
        Outbox.update(**values).where(Outbox.id == row.id).execute()


def release(rows: list[Outbox], reason: str) -> None:
    """Hand claimed rows back untried (their destination is down): no attempt is charged."""
    if rows:
        with db.atomic():
            Outbox.update(lease_until=None, lease_owner=None, last_error=reason[:500]).where(
                Outbox.id.in_([row.id for row in rows])
            ).execute()


def withhold(row: Outbox) -> None:
    """Settle a mail whose recipient may no longer see its ticket: it is never sent."""
    reason = "not sent: the recipient may no longer see this ticket"
    with db.atomic():
        Outbox.update(state=WITHHELD, lease_until=None, lease_owner=None, last_error=reason).where(
            Outbox.id == row.id
        ).execute()


def seconds_until_due(cap: float, only: ColumnBase | None = None) -> float:
    """Time until the earliest pending row (matching ``only``) falls due, at most ``cap``."""
    pending = Outbox.state == OutboxState.PENDING
    query = Outbox.select(fn.MIN(Outbox.next_attempt_at))
    earliest: datetime | None = query.where(pending if only is None else pending & only).scalar()
    if earliest is None:
        return cap
    due_in = (earliest - utcnow()).total_seconds()
    return max(0.0, min(cap, due_in))


class OutboxWorker:
    """Sends mails and webhooks from the outbox on a thread of its own."""

    def __init__(self, mail: MailSettings, hooks: WebhookSettings, policy: OutboxSettings) -> None:
        self.mail = mail
        self.hooks = hooks
        self.policy = policy
        self.outages = Outages(policy.first_retry_seconds, policy.outage_probe_max_seconds, log)
        self._smtp_name = f"SMTP server {mail.host}:{mail.port}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="padcom-outbox", daemon=True)
        self._http = httpx.Client(follow_redirects=False, trust_env=False)
        self.owner_id = owner.new_owner_id()
        self.heartbeat = owner.Heartbeat(self.owner_id, policy.lease_seconds)

    def start(self) -> None:
        self.heartbeat.start()
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop, and hand every claimed row back so another server sends it at once.

        A delivery still under way after ``timeout`` (an SMTP server that does not
        answer) is given up: its row may then be sent twice, which delivery at least
        once allows (same Message-ID), while keeping it would delay it by the lease.
        """
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        self._http.close()
        self.heartbeat.stop()
        if self._thread.is_alive():
            log.warning("outbox worker still inside a delivery at shutdown; handing it back")
        try:
            released = owner.hand_back(self.owner_id)
        except Exception:  # the database is away: the lease runs out instead
            log.warning("could not hand back the outbox rows at shutdown", exc_info=True)
            return
        if released:
            log.info("handed back %d outbox rows at shutdown", released)

    def alive(self) -> bool:
        """The worker thread runs and its heartbeat reaches the database (``/readyz``)."""
        return self._thread.is_alive() and self.heartbeat.fresh(time.monotonic())

    def wake(self, _event_ids: list[int] | None = None) -> None:
        """Look at the outbox now (thread-safe; used as an ``on_commit`` listener)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with db.connection_context():
                    self.deliver_due()
                    cap = self.outages.seconds_to_next_probe(self.policy.poll_seconds)
                    delay = seconds_until_due(cap, not_waiting(self.outages))
            except Exception:  # the worker must outlive a database hiccup
                log.exception("outbox round failed")
                delay = self.policy.poll_seconds
            self._wake.wait(delay)
            self._wake.clear()

    def deliver_due(self) -> int:
        """Send every row that is due now and not waiting on an outage; returns how many
        were claimed."""
        attempted = 0
        while not self._stop.is_set():
            # Owned only once the heartbeat is in the database: before, a plain lease.
            mine = self.owner_id if self.heartbeat.fresh(time.monotonic()) else None
            rows = claim(BATCH, self.policy.lease_seconds, not_waiting(self.outages), owner_id=mine)
            if not rows:
                break
            attempted += len(rows)
            mails = [r for r in rows if r.channel == "mail"]
            if mails:
                self._send_mails(mails)
            for row in rows:
                if row.channel == "webhook":
                    self._send_webhook(row)
        return attempted

    def _send_mails(self, rows: list[Outbox]) -> None:
        by_id = {row.id: row for row in rows}

        def addressed(row: Outbox) -> audience.Addressee | None:
            """Whom ``row`` may reach now; a row that may reach nobody is settled here."""
            try:
                to = audience.addressee(row.target, row.payload)
            except Exception as exc:  # a payload of the wrong shape: this row's alone
                finish(row, f"cannot address: {type(exc).__name__}: {exc}", self.policy, True)
                del by_id[row.id]
                return None
            if to is None:
                withhold(row)
                del by_id[row.id]
            return to

        # A first look settles rows nobody may receive without opening a conversation.
        due = [row for row in rows if addressed(row) is not None]
        if not due:
            return

        def outgoing() -> Iterator[smtp.Outgoing]:
            # Asked again just before each mail is sent, inside the open conversation:
            # connecting and the mails before this one take time, and a recipient moved
            # (deactivated, no longer staff) meanwhile must not get it.
            for row in due:
                to = addressed(row)
                if to is not None:
                    yield smtp.Outgoing(row.id, to.address, to.name, row.payload)

        try:
            for row_id, outcome in smtp.send_all(self.mail, outgoing()):
                finish(by_id.pop(row_id), outcome.error, self.policy, outcome.permanent)
        except smtp.Unreachable as exc:
            self.outages.failed(SMTP, self._smtp_name, str(exc))
            release(list(by_id.values()), str(exc))
            return
        self.outages.recovered(SMTP, self._smtp_name)
        release(list(by_id.values()), "SMTP connection lost before sending")

    def _send_webhook(self, row: Outbox) -> None:
        target = webhook.checked(row.target, self.hooks.allow)
        if target is None:
            finish(row, REFUSED, self.policy, permanent=True)
            return
        what = f"webhook receiver {target.destination}"
        if self.outages.waiting(target.destination):
            self.outages.hold(target.destination, row.target)
            release([row], f"{what} is down")
            return
        try:
            error = webhook.post(self._http, self.hooks, target.url, row.payload, row.dedupe_key)
        except webhook.Unreachable as exc:
            self.outages.failed(target.destination, what, str(exc), row.target)
            release([row], str(exc))
            return
        except Exception as exc:  # a payload that cannot be sent: this row's alone
            finish(row, f"cannot send: {type(exc).__name__}: {exc}", self.policy, True)
            return
        self.outages.recovered(target.destination, what)
        finish(row, error, self.policy)
