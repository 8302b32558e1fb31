"""Numbered schema migrations, applied by ``padcom-server migrate`` and at start-up.

A fresh database gets the tables as the models declare them and is stamped with
the latest number (like Alembic's create-all + stamp), plus the triggers the
models cannot declare. An older database gets
each migration after its number, in order, each in its own transaction. To
change the schema: change the model, then append a ``Migration`` that alters an
existing database the same way (``playhouse.migrate`` works on both dialects).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from peewee import SQL, Case
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as alter

from server.stats import triggers
from server.stats.migration import (
    keyed_from_columns,
    keyed_from_packed,
    settled_rollup,
    sla_and_stats,
)
from server.storage import event_horizon, search_index
from server.storage.db import db, is_postgres
from server.storage.desk_models import AllowedTag, CannedReply, Macro, SavedView, TicketTag
from server.storage.file_models import FILE_MODELS
from server.storage.hosting_models import HOSTING_MODELS
from server.storage.identity_models import AUDIT_MODELS, IDENTITY_MODELS
from server.storage.mail_models import MAIL_MODELS
from server.storage.models import (
    Event,
    IdempotencyKey,
    LoginFailure,
    Outbox,
    OutboxOwner,
    RateLimit,
    SchemaVersion,
    Service,
    StreamLease,
    Ticket,
    Token,
    User,
)
from server.storage.postgres import unbounded
from server.storage.rating_models import TicketRating
from server.storage.saved_views import seed_default_views
from server.storage.tables import EVERY_MODEL
from server.storage.write_path import plain, write
from server.vocabulary import SYSTEM_ACCOUNT_EMAIL, ServiceState


@dataclass(frozen=True)
class Migration:
    """One step of the schema's history."""

    number: int
    description: str
    apply: Callable[[SchemaMigrator], None]


def _baseline(migrator: SchemaMigrator) -> None:
    """The first schema: every table the models declared at 0.1."""
    db.create_tables(EVERY_MODEL)


def _outbox(migrator: SchemaMigrator) -> None:
    """Mails and webhooks waiting to go out, written with the change that caused them."""
    db.create_tables([Outbox])


def _login_failures(migrator: SchemaMigrator) -> None:
    """Failed sign-ins per email and per address, for throttling shared by all workers."""
    db.create_tables([LoginFailure])


def _write_limits(migrator: SchemaMigrator) -> None:
    """Rate limit counters shared by all workers; every write's first answer kept for retries."""
    db.create_tables([RateLimit])
    table = IdempotencyKey._meta.table_name
    present = {column.name for column in db.get_columns(table)}
    missing = [name for name in ("status_code", "response") if name not in present]
    alter(*(migrator.add_column(table, name, getattr(IdempotencyKey, name)) for name in missing))


def _outbox_channel_index(migrator: SchemaMigrator) -> None:
    """Due rows per channel, so a channel waiting on an outage is not read (server/outbox)."""
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS outbox_channel_state_next_attempt_at "
        "ON outbox (channel, state, next_attempt_at)"
    )


def _event_horizon(migrator: SchemaMigrator) -> None:
    """Event ids drawn in a short step and read up to the committed horizon (PostgreSQL)."""
    event_horizon.install()


def _stream_leases(migrator: SchemaMigrator) -> None:
    """Open event streams per user and address, for caps shared by all workers."""
    db.create_tables([StreamLease])


def _system_users(migrator: SchemaMigrator) -> None:
    """Mark the helpdesk's own accounts, so no list offers them as people (the SLA clock)."""
    table = User._meta.table_name
    if "system" not in {column.name for column in db.get_columns(table)}:
        # plain ALTER TABLE: peewee's add_column rebuilds an SQLite table to make a column
        # NOT NULL, and dropping the old "user" table fails every foreign key to it
        kind, no = ("BOOLEAN", "FALSE") if is_postgres() else ("INTEGER", "0")
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "system" {kind} NOT NULL DEFAULT {no}')
    User.update(system=True).where(User.email == SYSTEM_ACCOUNT_EMAIL).execute()


def _saved_views(migrator: SchemaMigrator) -> None:
    """Named ticket lists per agent (the admin app's number keys), with the shared defaults."""
    db.create_tables([SavedView])
    seed_default_views()


def _outbox_owners(migrator: SchemaMigrator) -> None:
    """Outbox leases owned by a worker that beats its heart, so a crashed one's rows come back."""
    db.create_tables([OutboxOwner])
    present = {column.name for column in db.get_columns(Outbox._meta.table_name)}
    if "lease_owner" not in present:
        alter(migrator.add_column(Outbox._meta.table_name, "lease_owner", Outbox.lease_owner))


def _service_state(migrator: SchemaMigrator) -> None:
    """Where a service runs (server, IPs, hostnames) and its state, which replaces ``active``.

    The data step: an active service stays ``active``, an inactive one was
    given up, so it becomes ``cancelled`` (suspension did not exist before).
    """
    table = Service._meta.table_name
    present = {column.name for column in db.get_columns(table)}
    wanted = ("state", "server", "ips", "hostnames")
    alter(
        *(
            migrator.add_column(table, name, getattr(Service, name))
            for name in wanted
            if name not in present
        )
    )
    if "active" in present:
        was_active = Case(
            None, [(SQL("active"), ServiceState.ACTIVE.value)], ServiceState.CANCELLED.value
        )
        Service.update(state=was_active).execute()
        alter(migrator.drop_column(table, "active"))
    for column in ("server", "datacenter"):
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS service_{column} ON {table} ({column})")


def _incidents(migrator: SchemaMigrator) -> None:
    """Incidents and their updates, links between tickets, subscriptions, monitoring alerts."""
    db.create_tables(HOSTING_MODELS)


def _incident_events(migrator: SchemaMigrator) -> None:
    """Incident changes are events of their own: an event's ticket and organization may be
    empty, and it may name an incident (read by customers through ``(incident, id)``)."""
    table = Event._meta.table_name
    present = {column.name: column for column in db.get_columns(table)}
    steps = [
        migrator.drop_not_null(table, name)
        for name in ("ticket_id", "organization_id")
        if not present[name].null
    ]
    if "incident" not in present:
        steps.append(migrator.add_column(table, "incident", Event.incident))
    alter(*steps)
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS event_incident_id ON {table} (incident, id)")


def _identity(migrator: SchemaMigrator) -> None:
    """Two-factor secrets, recovery codes, mailed codes; what a token may do."""
    db.create_tables(IDENTITY_MODELS)
    present = {column.name for column in db.get_columns(Token._meta.table_name)}
    if "scope" not in present:
        alter(migrator.add_column(Token._meta.table_name, "scope", Token.scope))


def _audit(migrator: SchemaMigrator) -> None:
    """The audit trail of administration changes; settings admins change at run time."""
    db.create_tables(AUDIT_MODELS)


def _merge_and_feedback(migrator: SchemaMigrator) -> None:
    """Duplicates merged into another ticket, reminders of waiting tickets, satisfaction ratings."""
    table = Ticket._meta.table_name
    present = {column.name for column in db.get_columns(table)}
    missing = [name for name in ("merged_into", "reminded_at") if name not in present]
    alter(*(migrator.add_column(table, name, getattr(Ticket, name)) for name in missing))
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS ticket_merged_into ON {table} (merged_into)")
    db.create_tables([TicketRating])


def _search_index(migrator: SchemaMigrator) -> None:
    """The full-text index of tickets and messages, filled from what is there (back-fill)."""
    search_index.install()
    search_index.rebuild()


def _tags(migrator: SchemaMigrator) -> None:
    """Tags on tickets (staff only) and the admins' allow-list of them."""
    db.create_tables([TicketTag, AllowedTag])


def _canned_and_macros(migrator: SchemaMigrator) -> None:
    """Canned replies with placeholders and macros, shared or an agent's own."""
    db.create_tables([CannedReply, Macro])


def _attachments(migrator: SchemaMigrator) -> None:
    """Files on tickets and messages, their bytes stored once per content (server/storage/file_models.py)."""
    db.create_tables(FILE_MODELS)


def _inbound_mail(migrator: SchemaMigrator) -> None:
    """Every mail read by mail-in or the poller, with what became of it (server/storage/mail_models.py)."""
    db.create_tables(MAIL_MODELS)


MIGRATIONS: list[Migration] = [
    Migration(1, "accounts, services, tickets, messages, events, tokens", _baseline),
    Migration(2, "outbox of mails and webhooks to deliver", _outbox),
    Migration(3, "SLA clock pauses, breaches, reopen count; statistics indexes", sla_and_stats),
    Migration(4, "login throttling: failed sign-ins per email and per address", _login_failures),
    Migration(5, "statistics pre-aggregate of resolved tickets, kept by triggers", settled_rollup),
    Migration(7, "write rate limits; Idempotency-Key on every write", _write_limits),
    Migration(9, "outbox: due rows per channel", _outbox_channel_index),
    Migration(11, "event stream leases: open streams per user and per address", _stream_leases),
    Migration(13, "statistics durations: the group key packs stored codes", keyed_from_packed),
    Migration(15, "outbox leases owned by a worker with a heartbeat", _outbox_owners),
    Migration(17, "event ids: drawn in flight, read up to the committed horizon", _event_horizon),
    Migration(
        19, "event ids: drawn, lock bound lifted and NOTIFY queued in one step", _event_horizon
    ),
    Migration(
        21, "users: system accounts (the SLA clock) marked, never shown as people", _system_users
    ),
    Migration(22, "saved views: named ticket lists per agent, and shared ones", _saved_views),
    Migration(23, "full-text search: tickets and messages indexed (back-filled)", _search_index),
    Migration(25, "tags on tickets and their allow-list", _tags),
    Migration(26, "canned replies and macros", _canned_and_macros),
    Migration(27, "merged tickets, waiting reminders, satisfaction ratings", _merge_and_feedback),
    Migration(
        29, "attachments: files on tickets and messages, stored once by SHA-256", _attachments
    ),
    Migration(30, "mail in: every mail read, what became of it and why", _inbound_mail),
    Migration(31, "services: state (replacing active), server, IPs, hostnames", _service_state),
    Migration(32, "incidents, ticket links, incident subscriptions, monitoring alerts", _incidents),
    Migration(33, "two-factor sign-in, recovery codes, mailed codes, token scope", _identity),
    Migration(34, "audit trail of administration changes; run-time settings", _audit),
    Migration(37, "statistics durations: group columns packed into one key", keyed_from_columns),
    Migration(44, "incident events: an event names a ticket or an incident", _incident_events),
]

LATEST = max(step.number for step in MIGRATIONS)
"""The highest number, wherever a merge put it in the list (numbers may have gaps)."""


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer padcom-server than this one."""

    def __init__(self, found: int) -> None:
        super().__init__(
            f"the schema is at version {found}, newer than this padcom-server knows ({LATEST}): "
            "run the newer padcom-server, or restore a backup taken before the upgrade"
        )


def current_version() -> int:
    """The schema version of the bound database; 0 when it is empty."""
    if not db.table_exists(SchemaVersion._meta.table_name):
        return 0
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def migrate() -> tuple[int, int]:
    """Bring the bound database to the latest schema; returns (from, to) versions.

    Safe to run from several processes at once: the work happens under a
    database-wide lock (an advisory lock on PostgreSQL; on SQLite the transaction
    begins IMMEDIATE, which takes the write lock). Raises SchemaTooNew for a
    database a newer version has migrated: running on it could corrupt it.
    """
    return write(plain(_migrate), None, batched=False)


def _migrate() -> tuple[int, int]:
    """``migrate``'s work, in its one transaction (the one write path, no events)."""
    with unbounded():  # a back-fill may take long
        if is_postgres():
            db.execute_sql("SELECT pg_advisory_xact_lock(72657)")
        before = current_version()
        if before > LATEST:
            raise SchemaTooNew(before)
        if before == 0:
            db.create_tables(EVERY_MODEL)
            triggers.install()  # what the models cannot declare
            event_horizon.install()
            seed_default_views()
            search_index.install()
            SchemaVersion.create(version=LATEST)
            return before, LATEST
        migrator = SchemaMigrator.from_database(db.obj)
        for step in sorted(MIGRATIONS, key=lambda step: step.number):
            if step.number > before:
                step.apply(migrator)
                SchemaVersion.update(version=step.number).execute()
        return before, max(before, LATEST)
