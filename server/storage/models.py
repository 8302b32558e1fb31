"""The tables of Padcom: accounts, what customers rent, tickets and their history.

Every model lives in the one database behind ``server.storage.db.db``. ``Ticket.id`` is
the ticket number people quote. ``Event`` is append-only: the ticket history,
the audit trail, and the source of live notifications.
"""

from __future__ import annotations

from peewee import (
    SQL,
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    CompositeKey,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)

from server.storage.db import db
from server.storage.fields import JSONField, RankField, TimeField, utcnow
from server.vocabulary import (
    PRIORITY_CODES,
    ROLES,
    STAFF_ROLES,
    Category,
    OutboxState,
    Priority,
    ServiceState,
    Status,
    TokenScope,
)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class SchemaVersion(BaseModel):
    """The number of the last migration applied."""

    version = IntegerField()


class Organization(BaseModel):
    """A hosting customer: a company or a person."""

    id = AutoField()
    name = CharField(max_length=200, unique=True)
    customer_number = CharField(max_length=32, unique=True)
    created_at = TimeField(default=utcnow)


class User(BaseModel):
    """A customer or a staff member; email is stored lower-case and unique."""

    id = AutoField()
    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=200)
    role = CharField(max_length=16, choices=[(r.value, r.value) for r in ROLES])
    organization = ForeignKeyField(Organization, null=True, backref="users", on_delete="RESTRICT")
    organization_id: int | None  # the foreign key column, as peewee exposes it
    password_hash = CharField(max_length=255)
    active = BooleanField(default=True)
    last_login_at = TimeField(null=True)
    created_at = TimeField(default=utcnow)
    # the helpdesk's own account (the SLA clock): no person; a database default too, for
    # writers that name their columns (bulk loads, the demo)
    system = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class Service(BaseModel):
    """Something an organization rents: a VPS, a domain, a mail plan...

    ``server`` and ``datacenter`` say where it runs (what an incident affects);
    ``state`` replaced the ``active`` flag in migration 31.
    """

    id = AutoField()
    organization = ForeignKeyField(Organization, backref="services", on_delete="CASCADE")
    organization_id: int
    kind = CharField(max_length=16)
    label = CharField(max_length=253)
    plan = CharField(max_length=100, default="")
    datacenter = CharField(max_length=100, default="", index=True)
    state = CharField(max_length=16, default=ServiceState.ACTIVE.value)
    server = CharField(max_length=253, default="", index=True)
    ips = JSONField(default=list)
    hostnames = JSONField(default=list)


class Ticket(BaseModel):
    """A problem a customer reported; ``id`` is its number, ``version`` guards edits."""

    id = AutoField()
    subject = CharField(max_length=200)
    body = TextField()
    category = CharField(max_length=16, default=Category.OTHER.value)
    priority = RankField(PRIORITY_CODES, default=Priority.NORMAL.value)
    status = CharField(max_length=16, default=Status.NEW.value)
    requester = ForeignKeyField(User, backref="requested", on_delete="RESTRICT")
    organization = ForeignKeyField(Organization, backref="tickets", on_delete="RESTRICT")
    service = ForeignKeyField(Service, null=True, on_delete="SET NULL")
    assignee = ForeignKeyField(User, null=True, backref="assigned", on_delete="SET NULL")
    created_at = TimeField(default=utcnow)
    updated_at = TimeField(default=utcnow)
    first_response_at = TimeField(null=True)
    resolved_at = TimeField(null=True)
    closed_at = TimeField(null=True)
    first_response_due = TimeField(null=True)
    resolution_due = TimeField(null=True)
    version = IntegerField(default=1)
    deleted_at = TimeField(null=True)
    sla_paused_at = TimeField(
        null=True
    )  # set while waiting on the customer (server/helpdesk/sla.py)
    sla_paused_ms = BigIntegerField(default=0)  # the clock's total pause so far
    sla_breached = SmallIntegerField(
        default=0
    )  # breaches already recorded (server/helpdesk/sla_watch.py)
    reopens = SmallIntegerField(default=0)  # times it went from resolved/closed back to open
    merged_into = IntegerField(null=True, index=True)  # the ticket it is a duplicate of
    reminded_at = TimeField(null=True)  # the last "still waiting on you" reminder (automation)

    requester_id: int
    organization_id: int
    service_id: int | None
    assignee_id: int | None

    class Meta:
        indexes = (
            (("organization", "id"), False),
            (("status", "priority", "resolution_due"), False),
            (("created_at", "status"), False),
            (("updated_at", "id"), False),
            (("resolved_at", "created_at"), False),  # resolved per day, backlog (server/stats)
            (("organization", "created_at"), False),  # one organization's period (server/stats)
        )


PERIOD_STATS_COLUMNS = (
    "created_at", "priority", "category", "organization", "service", "assignee",
    "first_response_at", "first_response_due", "resolved_at", "resolution_due",
    "sla_paused_at", "sla_paused_ms", "reopens", "deleted_at",
)  # fmt: skip
"""Every column the statistics read about a period's tickets: the index covers them all."""
Ticket.add_index(
    Ticket.index(*(getattr(Ticket, c) for c in PERIOD_STATS_COLUMNS), name="ticket_period_stats")
)


class SettledDay(BaseModel):
    """Resolved tickets counted per (created day, resolved day, priority, category).

    A pre-aggregate of ``ticket`` kept by database triggers (server/stats/rollup.py)
    in the transaction of every change, for the statistics of whole past days.
    """

    created_day = IntegerField()
    resolved_day = IntegerField()
    priority = SmallIntegerField()
    category = CharField(max_length=16)
    tickets = IntegerField(default=0)
    first_response_met = IntegerField(default=0)
    first_response_late = IntegerField(default=0)
    resolution_met = IntegerField(default=0)
    resolution_late = IntegerField(default=0)
    solved = IntegerField(default=0)
    reopened = IntegerField(default=0)
    deleted = IntegerField(default=0)

    class Meta:
        table_name = "stats_settled_day"
        primary_key = CompositeKey("created_day", "resolved_day", "priority", "category")
        indexes = ((("resolved_day", "created_day"), False),)


class SettledDuration(BaseModel):
    """Resolved tickets' durations per (metric, span of creation days, group key).

    The bucketed histograms ``server/stats/durations.py`` reads; histograms merge
    by addition. A ticket counts in one row per span length (1, 8 and 64 days,
    aligned): a day holds about as many distinct keys as tickets, so a long
    period is read mostly from the few rows of its whole 8- and 64-day spans.
    Kept by the same triggers as ``SettledDay``.
    """

    metric = SmallIntegerField()  # server.vocabulary.TARGET_CODES
    span = SmallIntegerField()  # days: one of server.stats.spans.SPANS
    start_day = IntegerField()  # a multiple of span
    group_key = BigIntegerField()  # bucket start, priority and category codes: stats/group_key.py
    tickets = IntegerField(default=0)

    class Meta:
        table_name = "stats_settled_duration"
        primary_key = CompositeKey("metric", "span", "start_day", "group_key")


class Message(BaseModel):
    """A reply on a ticket; ``internal`` notes are for staff eyes only."""

    id = AutoField()
    ticket = ForeignKeyField(Ticket, backref="messages", on_delete="CASCADE")
    author = ForeignKeyField(User, on_delete="RESTRICT")
    body = TextField()
    internal = BooleanField(default=False)
    created_at = TimeField(default=utcnow)

    ticket_id: int
    author_id: int


class Event(BaseModel):
    """One committed change; ``id`` orders the log and is the SSE event id.

    A ticket's change names its ticket and organization; an incident's (declared,
    changed, updated, resolved) names its incident instead (``incident``, a plain id:
    this module is below the hosting tables; migration 44), so both share one order.
    """

    id = AutoField()
    ticket = ForeignKeyField(Ticket, backref="events", on_delete="CASCADE", null=True)
    organization = ForeignKeyField(Organization, on_delete="CASCADE", null=True)
    incident = IntegerField(null=True)
    kind = CharField(max_length=32)
    actor = ForeignKeyField(User, on_delete="RESTRICT")
    changes = JSONField(default=dict)
    internal = BooleanField(default=False)
    at = TimeField(default=utcnow)

    ticket_id: int | None
    organization_id: int | None
    actor_id: int

    class Meta:
        indexes = ((("organization", "id"), False), (("incident", "id"), False))


class Token(BaseModel):
    """An API token; only the SHA-256 of the secret is stored."""

    id = AutoField()
    user = ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    name = CharField(max_length=100, default="")
    created_at = TimeField(default=utcnow)
    expires_at = TimeField()
    last_used_at = TimeField(null=True)
    revoked_at = TimeField(null=True)
    scope = CharField(max_length=16, default=TokenScope.FULL.value)  # what it may do

    user_id: int


class IdempotencyKey(BaseModel):
    """A write that already happened, so its retry answers the same and changes nothing.

    ``request_hash`` covers method, path, If-Match and body; ``status_code`` and
    ``response`` are the first answer (null for creates stored before migration 7,
    which are answered with their ticket as it is now).
    """

    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE")
    key = CharField(max_length=200)
    request_hash = CharField(max_length=64)
    ticket = ForeignKeyField(Ticket, on_delete="CASCADE")
    created_at = TimeField(default=utcnow)
    status_code = SmallIntegerField(null=True)
    response = TextField(null=True)

    user_id: int
    ticket_id: int

    class Meta:
        indexes = ((("user", "key"), True),)


class LoginFailure(BaseModel):
    """Recent failed sign-ins per throttle key (an email or a client address).

    Kept in the database so every worker process throttles alike.
    """

    id = AutoField()
    key = CharField(max_length=300, unique=True)
    failures = IntegerField(default=0)
    last_failure_at = TimeField(index=True)


class RateLimit(BaseModel):
    """One rate limit key's theoretical arrival time (GCRA), in epoch ms.

    Kept in the database and moved by one atomic upsert, so every server process
    on the database counts alike (server/helpdesk/rate_limit.py).
    """

    key = CharField(max_length=100, primary_key=True)
    tat_ms = BigIntegerField()

    class Meta:
        table_name = "rate_limit"


class Outbox(BaseModel):
    """A mail or webhook to send, written in the transaction of the change that caused it.

    ``dedupe_key`` is unique, so a change enqueues each delivery once; workers
    claim a row with a lease (``lease_until``, ``lease_owner``) so two never send
    it at once; a lease whose owner stopped beating its heart (``OutboxOwner``) is void.
    """

    id = AutoField()
    channel = CharField(max_length=16)
    dedupe_key = CharField(max_length=300, unique=True)
    target = CharField(max_length=2000)
    payload = JSONField()
    event_id = IntegerField(null=True)
    state = CharField(max_length=16, default=OutboxState.PENDING.value)
    attempts = IntegerField(default=0)
    next_attempt_at = TimeField(default=utcnow)
    lease_until = TimeField(null=True)
    lease_owner = CharField(max_length=100, null=True)
    sent_at = TimeField(null=True)
    last_error = CharField(max_length=500, default="")
    created_at = TimeField(default=utcnow)

    class Meta:
        indexes = (
            (("state", "next_attempt_at"), False),
            (("channel", "state", "next_attempt_at"), False),  # one channel's due rows
        )


class OutboxOwner(BaseModel):
    """A running outbox worker, alive while ``heartbeat_at`` keeps moving.

    A worker killed with SIGKILL cannot hand its claimed rows back; once its
    heartbeat is older than the lease, another worker takes them over.
    """

    owner = CharField(max_length=100, primary_key=True)
    heartbeat_at = TimeField()

    class Meta:
        table_name = "outbox_owner"


class StreamLease(BaseModel):
    """An open event stream, counted against its user's and its address's caps.

    Written when a stream opens and deleted when it ends; the serving process
    renews ``expires_at``, so a killed process's streams stop counting soon.
    """

    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE", index=True)
    address = CharField(max_length=64, index=True)
    expires_at = TimeField(index=True)

    user_id: int


ALL_MODELS: list[type[BaseModel]] = [
    SchemaVersion,
    Organization,
    User,
    Service,
    Ticket,
    SettledDay,
    SettledDuration,
    Message,
    Event,
    Token,
    IdempotencyKey,
    LoginFailure,
    Outbox,
    OutboxOwner,
    RateLimit,
    StreamLease,
]
