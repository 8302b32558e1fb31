"""Server settings, read once from the environment at start-up and passed down.

Every field has a default that works on a fresh machine: an SQLite file in the
data directory, loopback only. Tests build ``Settings`` directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from server.helpdesk.file_limits import FileLimits
from server.helpdesk.limits import StatsLimits, WriteLimits
from server.helpdesk.mail_in import MailInSettings
from server.helpdesk.sla import SlaTargets
from server.live.settings import StreamLimits
from server.outbox.settings import MailSettings, OutboxSettings, WebhookSettings
from server.storage.limits import DatabaseLimits


def default_data_dir() -> Path:
    """Where the SQLite database and backups live unless ``PADCOM_DATA_DIR`` says otherwise."""
    env = os.environ.get("PADCOM_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "padcom"


@dataclass(frozen=True)
class PasswordParams:
    """argon2id cost; RFC 9106's second recommendation by default (64 MiB, t=3, p=4)."""

    time_cost: int = 3
    memory_cost: int = 65536
    parallelism: int = 4


@dataclass(frozen=True)
class LoginThrottleParams:
    """Failed sign-ins allowed per email and per address before each next try must wait.

    ``free_per_account`` counts an email's failures from one client address;
    ``free_per_address`` one address's failures at any email; and the softer
    ``free_per_account_all_addresses`` an email's failures from everywhere, whose
    wait stops at ``max_account_delay_seconds`` so a distributed attacker slows
    the owner down a little but never locks them out. The wait doubles with every
    further failure, from ``base_delay_seconds`` up to ``max_delay_seconds``;
    failures older than ``forget_after_seconds`` are forgiven.
    """

    free_per_account: int = 5
    free_per_address: int = 20
    base_delay_seconds: int = 2
    max_delay_seconds: int = 15 * 60
    forget_after_seconds: int = 60 * 60
    free_per_account_all_addresses: int = 50
    max_account_delay_seconds: int = 60

    @classmethod
    def from_env(cls) -> LoginThrottleParams:
        """The defaults, each overridable by ``PADCOM_LOGIN_<FIELD>`` (an integer)."""
        given = {
            n: int(os.environ[f"PADCOM_LOGIN_{n.upper()}"])
            for n in cls.__dataclass_fields__
            if os.environ.get(f"PADCOM_LOGIN_{n.upper()}")
        }
        return cls(**given)


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to know, with a safe default for each."""

    database_url: str = ""
    """peewee URL: ``sqlite:///path`` or ``postgresql://user@host/db``; empty = SQLite in data_dir."""
    listen_database_url: str = ""
    """PostgreSQL: where the LISTEN connection goes; empty = ``database_url``. Behind a pooler
    in transaction mode (PgBouncer) name the database directly here: a pooler cannot hold a
    LISTEN (``PADCOM_LISTEN_DATABASE_URL``)."""
    metrics_token: str = ""
    """Bearer token a Prometheus scraper must send to ``GET /metrics``; empty = metrics off
    (``PADCOM_METRICS_TOKEN``)."""
    data_dir: Path = field(default_factory=default_data_dir)
    """Directory of the default SQLite database."""
    token_ttl_hours: int = 24 * 30
    """How long a login token lives."""
    max_request_bytes: int = 256 * 1024
    """Largest request body accepted; larger is a 413."""
    passwords: PasswordParams = field(default_factory=PasswordParams)
    """argon2id parameters; a login with older parameters rehashes."""
    max_concurrent_hashes: int = 2
    """argon2 hashes at once (each takes memory_cost KiB); more requests wait."""
    idempotency_ttl_hours: int = 48
    """How long an Idempotency-Key is remembered (at least 24 h)."""
    sla: SlaTargets = field(default_factory=SlaTargets)
    """First-response and resolution targets per priority (``PADCOM_SLA=urgent=1h/4h,...``)."""
    sla_check_seconds: float = 30.0
    """How often the server looks for newly missed SLA targets; 0 turns the check off."""
    login_throttle: LoginThrottleParams = field(default_factory=LoginThrottleParams)
    """When failed sign-ins start to wait, and for how long."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses/networks of reverse proxies whose X-Forwarded-For is believed; none by default."""
    mail: MailSettings = field(default_factory=MailSettings)
    """Outgoing mail (SMTP); off until a host is set."""
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    """Signed webhook POSTs; off until URLs are set."""
    outbox: OutboxSettings = field(default_factory=OutboxSettings)
    """Retry and back-off of mail and webhook deliveries."""
    live_heartbeat_seconds: float = 15.0
    """Seconds between heartbeat comments on an idle event stream."""
    live_recheck_seconds: float = 1.0
    """How often each process looks for new events and re-checks every stream's token even
    without a wake-up (a lost wake-up, an expired token); commits wake it at once."""
    write_limits: WriteLimits = field(default_factory=WriteLimits)
    """Customer creates, replies and changes per user and per organization (``PADCOM_RATE_*``)."""
    stats_limits: StatsLimits = field(default_factory=StatsLimits)
    """``GET /stats`` per user: short cache, shared computations, a bound (``PADCOM_STATS_*``)."""
    sign_in_queue: int = 32
    """Password checks that may wait for an argon2 slot; more get 503 with Retry-After."""
    sign_in_threads: int = 4
    """Threads sign-ins may use at once for their database steps (beside the argon2 pool)."""
    database: DatabaseLimits = field(default_factory=DatabaseLimits)
    """Connect, statement and pool-wait timeouts: past them a request gets a 503."""
    streams: StreamLimits = field(default_factory=StreamLimits)
    """Open event streams per user and per address, and how far back one may resume."""
    files: FileLimits = field(default_factory=FileLimits)
    """Attachments: per file, per ticket, files at once (``PADCOM_ATTACHMENT_*``)."""
    mail_in: MailInSettings = field(default_factory=MailInSettings)
    """Mail coming in: reply addresses, the DKIM policy, the per-sender limit, IMAP."""

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to ``padcom.db`` in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'padcom.db'}"

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from ``PADCOM_*`` environment variables."""
        return cls(
            database_url=os.environ.get("PADCOM_DATABASE_URL", ""),
            listen_database_url=os.environ.get("PADCOM_LISTEN_DATABASE_URL", ""),
            metrics_token=os.environ.get("PADCOM_METRICS_TOKEN", ""),
            data_dir=default_data_dir(),
            token_ttl_hours=int(os.environ.get("PADCOM_TOKEN_TTL_HOURS", 24 * 30)),
            sla=SlaTargets.parse(os.environ.get("PADCOM_SLA", "")),
            trusted_proxies=tuple(
                p.strip()
                for p in os.environ.get("PADCOM_TRUSTED_PROXIES", "").split(",")
                if p.strip()
            ),
            mail=MailSettings.from_env(),
            webhooks=WebhookSettings.from_env(),
            outbox=OutboxSettings.from_env(),
            write_limits=WriteLimits.from_env(),
            stats_limits=StatsLimits.from_env(),
            login_throttle=LoginThrottleParams.from_env(),
            max_concurrent_hashes=int(os.environ.get("PADCOM_MAX_CONCURRENT_HASHES", 2)),
            sign_in_queue=int(os.environ.get("PADCOM_SIGN_IN_QUEUE", 32)),
            database=DatabaseLimits.from_env(),
            streams=StreamLimits.from_env(),
            files=FileLimits.from_env(),
            mail_in=MailInSettings.from_env(os.environ.get("PADCOM_MAIL_FROM", "padcom@localhost")),
        )
