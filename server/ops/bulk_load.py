"""Operator tools: load a fresh PostgreSQL schema in pg_restore's order: rows, then indexes, then keys.

A foreign key checks every inserted row with a query of its own, and every
secondary index is updated row by row: copying 100,000 events spent most of its
time there (each event checks its ticket, organization and actor). Built once
after the rows are in, an index is one sort and a foreign key one join, and
both still refuse what they would have refused row by row, so the copy is
checked as strictly. What is lifted is read from the catalog of the schema the
migrations just created, so an index or key added later is lifted and put back
too. Primary keys stay: the copy relies on them to refuse a repeated id at once.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

_FOREIGN_KEYS = """
    SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
    FROM pg_constraint
    WHERE contype = 'f' AND connamespace = current_schema()::regnamespace
    ORDER BY conrelid::regclass::text, conname
"""
_SECONDARY_INDEXES = """
    SELECT i.indexname, i.indexdef
    FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND NOT EXISTS (
        SELECT 1 FROM pg_constraint c
        WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass
          AND c.contype IN ('p', 'u', 'x')
    )
    ORDER BY i.indexname
"""


def lift_checks(target: psycopg.Connection[Any]) -> list[sql.SQL | sql.Composed]:
    """Drop the schema's foreign keys and secondary indexes; returns what puts them back.

    Run inside the copy's transaction: if it fails, the rollback restores them.
    """
    keys = target.execute(_FOREIGN_KEYS).fetchall()
    indexes = target.execute(_SECONDARY_INDEXES).fetchall()
    for table, name, _ in keys:
        target.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.SQL(table), sql.Identifier(name)
            )
        )
    for name, _ in indexes:
        target.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    restore: list[sql.SQL | sql.Composed] = [sql.SQL(definition) for _, definition in indexes]
    restore += [
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            sql.SQL(table), sql.Identifier(name), sql.SQL(definition)
        )
        for table, name, definition in keys
    ]
    return restore


def restore_checks(
    target: psycopg.Connection[Any], statements: list[sql.SQL | sql.Composed]
) -> None:
    """Build the indexes and foreign keys again over the loaded rows (each checks them all)."""
    for statement in statements:
        target.execute(statement)
