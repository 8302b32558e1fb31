"""Migration 44 on a database that was at 37 (an installation upgraded in place): an event may
name an incident instead of a ticket — its ticket and organization become optional, it gains
``incident`` and the ``(incident, id)`` index, and the old events keep their ids and read as
before — on both databases."""

from __future__ import annotations

from server.reads.serialize import events_json
from server.storage import migrations
from server.storage.db import bind, db, is_postgres
from server.storage.limits import DatabaseLimits
from server.storage.models import Event, Organization, SchemaVersion, Ticket, User

OLD_SQLITE_EVENT = (
    'CREATE TABLE "event" ("id" INTEGER NOT NULL PRIMARY KEY, "ticket_id" INTEGER NOT NULL,'
    ' "organization_id" INTEGER NOT NULL, "kind" VARCHAR(32) NOT NULL,'
    ' "actor_id" INTEGER NOT NULL, "changes" TEXT NOT NULL, "internal" INTEGER NOT NULL,'
    ' "at" INTEGER NOT NULL,'
    ' FOREIGN KEY ("ticket_id") REFERENCES "ticket" ("id") ON DELETE CASCADE,'
    ' FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE,'
    ' FOREIGN KEY ("actor_id") REFERENCES "user" ("id") ON DELETE RESTRICT)'
)


def _event_table_as_at_37() -> None:
    """The event table as schema 37 had it: ticket and organization required, no incident."""
    db.execute_sql("DROP INDEX event_incident_id")
    if is_postgres():
        db.execute_sql("ALTER TABLE event DROP COLUMN incident")
        db.execute_sql("ALTER TABLE event ALTER COLUMN ticket_id SET NOT NULL")
        db.execute_sql("ALTER TABLE event ALTER COLUMN organization_id SET NOT NULL")
        return
    db.execute_sql("ALTER TABLE event RENAME TO event_44")
    db.execute_sql(OLD_SQLITE_EVENT)
    db.execute_sql(
        "INSERT INTO event SELECT id, ticket_id, organization_id, kind, actor_id, changes,"
        " internal, at FROM event_44"
    )
    db.execute_sql("DROP TABLE event_44")
    db.execute_sql("CREATE INDEX event_organization_id ON event (organization_id, id)")


def _as_at_37() -> tuple[int, int]:
    """A fresh database with a ticket and its event, taken back to schema 37."""
    migrations.migrate()
    with db.connection_context(), db.atomic():
        org = Organization.create(name="Old Org", customer_number="OLD-44")
        anna = User.create(
            email="anna@old44.example", name="Anna", role="customer", organization=org,
            password_hash="!",
        )  # fmt: skip
        ticket = Ticket.create(subject="Old", body="kept", requester=anna, organization=org)
        event = Event.create(ticket=ticket, organization=org, kind="created", actor=anna)
        _event_table_as_at_37()
        SchemaVersion.update(version=37).execute()
    return int(ticket.id), int(event.id)


def test_an_upgraded_database_takes_incident_events(database_url: str) -> None:
    bind(database_url, DatabaseLimits())
    try:
        number, old = _as_at_37()
        with db.connection_context():
            assert "incident" not in {c.name for c in db.get_columns("event")}
        assert migrations.migrate() == (37, migrations.LATEST)
        with db.connection_context(), db.atomic():
            columns = {c.name: c for c in db.get_columns("event")}
            assert columns["ticket_id"].null and columns["organization_id"].null
            assert "incident" in columns
            indexes = {i.name: i.columns for i in db.get_indexes("event")}
            assert indexes["event_incident_id"] == ["incident", "id"]
            assert "event_organization_id" in indexes  # the customer replay's, kept
            kept = Event.get_by_id(old)
            assert (kept.ticket_id, kept.incident, kept.kind) == (number, None, "created")
            added = Event.create(kind="incident_declared", incident=7, actor=kept.actor_id)
            assert added.id > old  # one sequence for both kinds
            shown = events_json([kept, added], None)
            assert [(e["ticket"], e["incident"]) for e in shown] == [(number, None), (None, 7)]
        assert migrations.migrate() == (migrations.LATEST, migrations.LATEST)  # idempotent
    finally:
        db.close_all()
