"""Migration 27 on a database that was at 17 (an installation upgraded in place): the ticket
gains ``merged_into`` and ``reminded_at``, ``ticket_rating`` appears, and its tickets keep
their rows and read as before — on both databases."""

from __future__ import annotations

from server.reads.ticket_read import read_tickets
from server.storage import migrations
from server.storage.db import bind, db
from server.storage.limits import DatabaseLimits
from server.storage.models import Organization, SchemaVersion, Ticket, User
from server.storage.rating_models import TicketRating


def _as_at_17() -> int:
    """A fresh database with one ticket, taken back to schema 17: what 27 adds removed."""
    migrations.migrate()
    with db.connection_context(), db.atomic():
        org = Organization.create(name="Old Org", customer_number="OLD-1")
        anna = User.create(
            email="anna@old.example", name="Anna", role="customer", organization=org,
            password_hash="!",
        )  # fmt: skip
        number = Ticket.create(subject="Old", body="kept", requester=anna, organization=org).id
        db.execute_sql("DROP INDEX ticket_merged_into")
        db.execute_sql("ALTER TABLE ticket DROP COLUMN merged_into")
        db.execute_sql("ALTER TABLE ticket DROP COLUMN reminded_at")
        db.execute_sql("DROP TABLE ticket_rating")
        SchemaVersion.update(version=17).execute()
    return int(number)


def test_an_upgraded_database_gets_merges_reminders_and_ratings(database_url: str) -> None:
    bind(database_url, DatabaseLimits())
    try:
        number = _as_at_17()
        assert migrations.migrate() == (17, migrations.LATEST)
        with db.connection_context():
            columns = {c.name for c in db.get_columns("ticket")}
            assert {"merged_into", "reminded_at"} <= columns
            assert db.table_exists(TicketRating._meta.table_name)
            shown = read_tickets(None, [number])[0]
            assert (shown["body"], shown["merged_into"], shown["merged"]) == ("kept", None, [])
            assert shown["satisfaction"] is None
        assert migrations.migrate() == (migrations.LATEST, migrations.LATEST)  # idempotent
    finally:
        db.close_all()
