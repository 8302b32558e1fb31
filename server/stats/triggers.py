"""The triggers on ``ticket`` that keep the statistics pre-aggregate (``rollup.py``) exact.

Before a resolved ticket's row changes or goes, its contribution is taken
away; after a resolved ticket's row is inserted or changed, it is added. Only
updates of the columns a contribution reads fire them, and only for resolved
tickets, so the replies and edits of open tickets pay nothing. The statements
are the same on both databases; SQLite takes them in the trigger's body,
PostgreSQL in a PL/pgSQL function.
"""

from __future__ import annotations

from server.stats.rollup import ROW_COLUMNS, row_statements
from server.storage.db import db, is_postgres

FORGET, COUNT = "stats_forget", "stats_count"
"""Trigger names: take the old row's contribution away, add the new row's."""
SQLITE_TRIGGERS = (f"{FORGET}_update", f"{FORGET}_delete", f"{COUNT}_insert", f"{COUNT}_update")


def _sqlite(columns: str, forget: str, count: str) -> list[str]:
    when_old, when_new = "WHEN OLD.resolved_at IS NOT NULL", "WHEN NEW.resolved_at IS NOT NULL"
    return [
        f"CREATE TRIGGER {SQLITE_TRIGGERS[0]} BEFORE UPDATE OF {columns} ON ticket"
        f" {when_old} BEGIN {forget}; END",
        f"CREATE TRIGGER {SQLITE_TRIGGERS[1]} BEFORE DELETE ON ticket {when_old}"
        f" BEGIN {forget}; END",
        f"CREATE TRIGGER {SQLITE_TRIGGERS[2]} AFTER INSERT ON ticket {when_new} BEGIN {count}; END",
        f"CREATE TRIGGER {SQLITE_TRIGGERS[3]} AFTER UPDATE OF {columns} ON ticket"
        f" {when_new} BEGIN {count}; END",
    ]


def _postgres(columns: str, forget: str, count: str) -> list[str]:
    returned = "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"  # BEFORE: go on
    return [
        f"CREATE FUNCTION {FORGET}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {forget}; {returned} END $$",
        f"CREATE FUNCTION {COUNT}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {count}; RETURN NULL; END $$",
        f"CREATE TRIGGER {FORGET} BEFORE UPDATE OF {columns} OR DELETE ON ticket FOR EACH ROW"
        f" WHEN (OLD.resolved_at IS NOT NULL) EXECUTE FUNCTION {FORGET}()",
        f"CREATE TRIGGER {COUNT} AFTER INSERT OR UPDATE OF {columns} ON ticket FOR EACH ROW"
        f" WHEN (NEW.resolved_at IS NOT NULL) EXECUTE FUNCTION {COUNT}()",
    ]


def install() -> None:
    """Create the triggers on the bound database (in the caller's transaction)."""
    columns = ", ".join(ROW_COLUMNS)
    forget = "; ".join(row_statements("OLD", -1))
    count = "; ".join(row_statements("NEW", 1))
    dialect = _postgres if is_postgres() else _sqlite
    for statement in dialect(columns, forget, count):
        db.execute_sql(statement)


def remove() -> None:
    """Drop the triggers: for a bulk load into a database nobody else writes to, which
    installs them again and recounts the pre-aggregate once (``rollup.rebuild``)."""
    if is_postgres():
        statements = [f"DROP TRIGGER IF EXISTS {name} ON ticket" for name in (FORGET, COUNT)]
        statements += [f"DROP FUNCTION IF EXISTS {name}()" for name in (FORGET, COUNT)]
    else:
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    for statement in statements:
        db.execute_sql(statement)
