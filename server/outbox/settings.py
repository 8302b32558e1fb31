"""Configuration of outgoing mail, webhooks and the outbox worker, read from ``PADCOM_*``.

Kept apart from ``server.config`` so that module stays short; it embeds these.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from server.vocabulary import TICKET_EVENT_KINDS, EventKind

MAIL_SECURITY = ("starttls", "tls", "none")


def env_list(name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A comma-separated environment variable as a tuple; ``default`` when unset."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class MailSettings:
    """Outgoing mail over SMTP; nothing is mailed while ``host`` is empty."""

    host: str = ""
    """SMTP server; empty turns mail off."""
    port: int = 587
    """SMTP port (587 submission with STARTTLS, 465 implicit TLS, 25 plain)."""
    security: str = "starttls"
    """``starttls``, ``tls`` (implicit, port 465) or ``none`` (loopback relays only)."""
    username: str = ""
    """SMTP login; empty = no AUTH."""
    password: str = ""
    """SMTP password (only with ``username``)."""
    sender: str = "padcom@localhost"
    """The From address of every mail."""
    staff: tuple[str, ...] = ("agents",)
    """Who hears of new tickets and customer replies: ``agents`` (every active staff
    member), ``assignee`` (the ticket's assignee, when it has one) and/or addresses."""
    ca_file: str = ""
    """PEM file of a private CA that signed the SMTP server's certificate; empty = the system's."""
    timeout_seconds: float = 15.0
    """Socket timeout of one SMTP conversation."""

    def __post_init__(self) -> None:
        if self.security not in MAIL_SECURITY:
            raise ValueError(f"mail security must be one of {', '.join(MAIL_SECURITY)}")

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_env(cls) -> MailSettings:
        """``PADCOM_SMTP_HOST/PORT/SECURITY/USER/PASSWORD/CA_FILE``, ``PADCOM_MAIL_FROM/STAFF``."""
        return cls(
            host=os.environ.get("PADCOM_SMTP_HOST", ""),
            port=int(os.environ.get("PADCOM_SMTP_PORT", 587)),
            security=os.environ.get("PADCOM_SMTP_SECURITY", "starttls"),
            username=os.environ.get("PADCOM_SMTP_USER", ""),
            password=os.environ.get("PADCOM_SMTP_PASSWORD", ""),
            sender=os.environ.get("PADCOM_MAIL_FROM", "padcom@localhost"),
            staff=env_list("PADCOM_MAIL_STAFF", ("agents",)),
            ca_file=os.environ.get("PADCOM_SMTP_CA_FILE", ""),
        )


@dataclass(frozen=True)
class WebhookSettings:
    """Signed JSON POSTs to chat and on-call tools, only to targets on the allow-list."""

    urls: tuple[str, ...] = ()
    """Where every chosen event is POSTed; none = webhooks off."""
    events: tuple[str, ...] = tuple(
        k.value for k in TICKET_EVENT_KINDS if k not in (EventKind.NOTE, EventKind.PRESENCE)
    )  # presence comes and goes every few seconds: it is for the staff's own screens
    """Event kinds sent (add ``note`` to send internal notes too); ``sla_breached`` pages on-call."""
    secret: str = ""
    """HMAC-SHA256 key for the ``X-Padcom-Signature`` header; required with ``urls``."""
    allow: tuple[str, ...] = ()
    """Hosts (``hooks.example.com``) or URL prefixes (``https://chat.example.com/hooks/``)
    a webhook may be sent to; anything else is refused, so the server cannot be aimed
    at internal addresses."""
    timeout_seconds: float = 10.0
    """Time allowed for one POST."""

    def __post_init__(self) -> None:
        if self.urls and not self.secret:
            raise ValueError("webhook URLs need a signing secret (PADCOM_WEBHOOK_SECRET)")
        unknown = set(self.events) - set(TICKET_EVENT_KINDS)
        if unknown:
            raise ValueError(
                f"unknown webhook event kinds: {', '.join(sorted(unknown))}"
                " (a webhook carries a ticket: incident events are on the stream only)"
            )

    @classmethod
    def from_env(cls) -> WebhookSettings:
        """``PADCOM_WEBHOOK_URLS/EVENTS/SECRET/ALLOW`` (lists comma-separated)."""
        return cls(
            urls=env_list("PADCOM_WEBHOOK_URLS"),
            events=env_list("PADCOM_WEBHOOK_EVENTS", cls.events),
            secret=os.environ.get("PADCOM_WEBHOOK_SECRET", ""),
            allow=env_list("PADCOM_WEBHOOK_ALLOW"),
        )


@dataclass(frozen=True)
class OutboxSettings:
    """How the outbox worker retries: exponential back-off from ``first_retry_seconds``."""

    max_attempts: int = 12
    """Attempts before a delivery is given up (state ``failed``, kept for inspection)."""
    first_retry_seconds: float = 5.0
    """Wait after the first failure; doubles with each further one."""
    max_retry_seconds: float = 3600.0
    """Longest wait between two attempts."""
    poll_seconds: float = 5.0
    """How often the worker looks for due retries when nothing wakes it."""
    lease_seconds: float = 15.0
    """How long a worker's claim outlives its last heartbeat (``PADCOM_OUTBOX_LEASE_SECONDS``):
    each worker beats every third of it, so a killed worker's rows are taken over by another
    within about this long; a worker shutting down hands its rows back at once."""
    outage_probe_max_seconds: float = 10.0
    """Longest wait between two probes of an SMTP server or webhook receiver that is down
    (from ``first_retry_seconds``, doubling); its deliveries wait without using attempts."""

    @classmethod
    def from_env(cls) -> OutboxSettings:
        """The defaults, the lease from ``PADCOM_OUTBOX_LEASE_SECONDS``."""
        return cls(
            lease_seconds=float(os.environ.get("PADCOM_OUTBOX_LEASE_SECONDS", cls.lease_seconds))
        )
