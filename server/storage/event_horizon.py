"""Storage: event ids that a resuming reader can trust, without a lock held until COMMIT.

Event ids are a stream's cursor, so a reader must never hand out event 11 while
a 10 may still commit. Holding one lock from drawing the ids to COMMIT did that
by making commits take turns, but the lock then covered every COMMIT's fsync
(2.9 ms per create, measured). Here, on PostgreSQL, a writer draws its ids and
marks itself in flight in one short step (``padcom_draw_event_ids``: under
the order lock, released at once, it takes the ids and a transaction-level
advisory lock keyed by its first id, which PostgreSQL drops only after the
commit is visible), and a reader reads up to the *horizon*
(``padcom_event_horizon``): the last id drawn, but below the first id of any
writer still in flight. It reads the horizon before its snapshot of the events,
so every id at or under the horizon is either visible or never will be.
SQLite has one writer at a time and needs none of this.

``padcom_seal_event_ids`` is the same draw in the one round trip a batch's
tail can share: it also lifts the batch's bound on lock waits (the order lock's
wait is for a commit, never part of a cycle; server/storage/group_commit.py)
and queues the NOTIFY of the last id (sent by PostgreSQL at COMMIT). Three
statements per batch had been three round trips. ``padcom_draw_event_ids``
stays for a server of the version before during a rolling upgrade.
"""

from __future__ import annotations

from peewee import fn

from server.storage.db import db, is_postgres
from server.storage.models import Event
from server.storage.notify import NOTIFY_CHANNEL

ORDER_LOCK = 72658
"""Advisory lock key (session level, held for microseconds) that orders the drawing of ids."""
IN_FLIGHT = 72659
"""First key of a writer's in-flight mark (the second is its first event id)."""

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION padcom_draw_event_ids(n integer) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
DECLARE ids bigint[];
BEGIN
  PERFORM pg_advisory_lock({ORDER_LOCK});
  BEGIN
    SELECT array_agg(v ORDER BY v) INTO ids
      FROM (SELECT nextval(pg_get_serial_sequence('event', 'id')) AS v
            FROM generate_series(1, n)) drawn;
    PERFORM pg_advisory_xact_lock({IN_FLIGHT}, ids[1]::integer);
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    PERFORM pg_advisory_unlock({ORDER_LOCK});
    RAISE;
  END;
  PERFORM pg_advisory_unlock({ORDER_LOCK});
  RETURN QUERY SELECT unnest(ids);
END $$;

CREATE OR REPLACE FUNCTION padcom_seal_event_ids(n integer, channel text) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
DECLARE ids bigint[];
BEGIN
  PERFORM set_config('lock_timeout', '0', true);
  SELECT array_agg(drawn ORDER BY drawn) INTO ids FROM padcom_draw_event_ids(n) drawn;
  PERFORM pg_notify(channel, ids[n]::text);
  RETURN QUERY SELECT unnest(ids);
END $$;

CREATE OR REPLACE FUNCTION padcom_event_horizon() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE drawn bigint; pending bigint; called boolean;
BEGIN
  PERFORM pg_advisory_lock_shared({ORDER_LOCK});
  BEGIN
    EXECUTE 'SELECT last_value, is_called FROM ' || pg_get_serial_sequence('event', 'id')
      INTO drawn, called;
    SELECT min(objid::bigint) INTO pending FROM pg_locks
      WHERE locktype = 'advisory' AND classid = {IN_FLIGHT} AND objsubid = 2
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database());
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    PERFORM pg_advisory_unlock_shared({ORDER_LOCK});
    RAISE;
  END;
  PERFORM pg_advisory_unlock_shared({ORDER_LOCK});
  RETURN least(CASE WHEN called THEN drawn ELSE 0 END, pending - 1);
END $$;
"""  # noqa: S608 - the keys are constants of this module


def install() -> None:
    """Create (or update) the two functions; a migration step, PostgreSQL only."""
    if is_postgres():
        db.execute_sql(FUNCTIONS)


def draw_ids(count: int) -> list[int]:
    """``count`` new event ids, ascending, marked in flight until this transaction ends.

    Also lifts the transaction's lock-wait bound and queues the NOTIFY of the
    last id for its COMMIT (``padcom_seal_event_ids``): call it last."""
    sql = "SELECT padcom_seal_event_ids(%s, %s)"
    rows = db.execute_sql(sql, (count, NOTIFY_CHANNEL)).fetchall()
    return sorted(int(row[0]) for row in rows)


def horizon() -> int:
    """The newest event id a reader may hand out: every id up to it is committed or never
    will be. Read it before the events it bounds (a new statement, a newer snapshot)."""
    if is_postgres():
        bound = int(db.execute_sql("SELECT padcom_event_horizon()").fetchone()[0])
        newest = int(Event.select(fn.MAX(Event.id)).where(Event.id <= bound).scalar() or 0)
        return newest
    return int(Event.select(fn.MAX(Event.id)).scalar() or 0)
