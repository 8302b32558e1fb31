"""The outbox worker: a background thread that sends due rows and schedules retries.

Woken right after a commit that enqueued something, and otherwise every
``poll_seconds`` (or sooner, when a retry falls due). Delivery is at least
once: a row is marked sent only after the SMTP server or the receiver accepted
it; a crash in between sends it again after its lease ends, with the same
Message-ID / delivery id so the far side can drop the repeat.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

import httpx
from peewee import fn

from server.db import db
from server.fields import utcnow
from server.models import Outbox
from server.outbox import smtp, webhook
from server.outbox.settings import MailSettings, OutboxSettings, WebhookSettings

log = logging.getLogger("padcom.outbox")
BATCH = 50
REFUSED = "target not on the webhook allow-list (PADCOM_WEBHOOK_ALLOW)"


def claim(limit: int, lease_seconds: float) -> list[Outbox]:
    """Reserve up to ``limit`` due rows for this worker (a conditional UPDATE per row,
    so of two workers racing for a row exactly one gets it)."""
    now = utcnow()
    free = Outbox.lease_until.is_null() | (Outbox.lease_until < now)
    due = (Outbox.state == "pending") & (Outbox.next_attempt_at <= now) & free
    until = now + timedelta(seconds=lease_seconds)
    candidates = list(Outbox.select().where(due).order_by(Outbox.id).limit(limit))
    if not candidates:
        return []  # the common case takes no write lock
    claimed = []
    with db.atomic():
        for row in candidates:
            if Outbox.update(lease_until=until).where((Outbox.id == row.id) & due).execute():
                claimed.append(row)
    return claimed


def finish(row: Outbox, error: str | None, policy: OutboxSettings, permanent: bool = False) -> None:
    """Record one attempt: sent, or failed with the next try scheduled (or given up)."""
    now = utcnow()
    attempts = row.attempts + 1
    values: dict[str, Any] = {"attempts": attempts, "lease_until": None}
    if error is None:
        values.update(state="sent", sent_at=now, last_error="")
    else:
        delay = min(policy.max_retry_seconds, policy.first_retry_seconds * 2 ** (attempts - 1))
        gave_up = permanent or attempts >= policy.max_attempts
        values.update(
            state="failed" if gave_up else "pending",
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


def seconds_until_due(cap: float) -> float:
    """Time until the earliest pending row falls due, at most ``cap``."""
    earliest = (
        Outbox.select(fn.MIN(Outbox.next_attempt_at)).where(Outbox.state == "pending").scalar()
    )
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
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="padcom-outbox", daemon=True)
        self._http = httpx.Client(follow_redirects=False, trust_env=False)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        self._http.close()

    def wake(self, _event_ids: list[int] | None = None) -> None:
        """Look at the outbox now (thread-safe; used as an ``on_commit`` listener)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with db.connection_context():
                    self.deliver_due()
                    delay = seconds_until_due(self.policy.poll_seconds)
            except Exception:  # the worker must outlive a database hiccup
                log.exception("outbox round failed")
                delay = self.policy.poll_seconds
            self._wake.wait(delay)
            self._wake.clear()

    def deliver_due(self) -> int:
        """Send every row that is due now; returns how many were attempted."""
        attempted = 0
        while not self._stop.is_set():
            rows = claim(BATCH, self.policy.lease_seconds)
            if not rows:
                break
            attempted += len(rows)
            mails = [r for r in rows if r.channel == "mail"]
            if mails:
                results = smtp.send_all(self.mail, [(r.id, r.target, r.payload) for r in mails])
                for row in mails:
                    finish(row, results[row.id], self.policy)
            for row in rows:
                if row.channel == "webhook":
                    self._send_webhook(row)
        return attempted

    def _send_webhook(self, row: Outbox) -> None:
        if not webhook.allowed(row.target, self.hooks.allow):
            finish(row, REFUSED, self.policy, permanent=True)
            return
        error = webhook.post(self._http, self.hooks, row.target, row.payload, row.dedupe_key)
        finish(row, error, self.policy)
