"""The pre-aggregate of resolved tickets, and the triggers that keep it exact.

Why a pre-aggregate: every period figure scanned the period's tickets, so a
90-day report on a million tickets took ~0.9 s whatever the indexes. Whole
past days of *resolved* tickets are now read from two small tables instead
(``SettledDay``, ``SettledDuration``); the few tickets still open, and the
partial days at the ends of a period, are read from ``ticket`` as before.

Why only resolved tickets: a resolved ticket's figures depend only on its row
(its SLA clock stopped at ``resolved_at``), while an open ticket's "late"
counts change with the clock alone, with no write to catch. Open tickets are
few (the ``resolved_at`` index finds them).

Why triggers, not code in the write path: a trigger runs in the transaction of
whatever changes a ticket (the API, the SLA watcher, a migration, a bulk load,
a test inserting rows), so the pre-aggregate cannot drift from ``ticket``. A
ticket's contribution is computed by the *same* SQL expressions the raw queries
use (``period.outcomes``, ``durations.group_key``): before a change the row's
old contribution is subtracted, after it the new one is added. Each statement
here is a portable ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` (SQLite and
PostgreSQL); only the trigger wrapper differs per dialect (``triggers.py``).
"""

from __future__ import annotations

from typing import Any

from peewee import EXCLUDED, SQL, Case, ColumnBase, Field, ModelSelect, fn

from server.stats.durations import group_key, metric_ms
from server.stats.period import day_of, outcomes
from server.stats.scope import DAY_MS
from server.stats.spans import SPANS
from server.storage.db import db
from server.storage.models import SettledDay, SettledDuration, Ticket
from server.vocabulary import TARGET_CODES, TARGETS, Target

SETTLED = Ticket.resolved_at.is_null(False)
ROW_COLUMNS = (
    "created_at", "resolved_at", "priority", "category", "first_response_at",
    "first_response_due", "resolution_due", "sla_paused_at", "sla_paused_ms", "reopens",
    "deleted_at",
)  # fmt: skip
"""Every ticket column a contribution reads: only an update of these can change it."""


def _upsert(model: Any, query: ModelSelect[Ticket], counts: list[Field]) -> Any:
    """INSERT the rows of ``query`` into ``model``, adding ``counts`` to an existing row."""
    names = {f.name for f in counts}  # not ``f in counts``: a field's == builds SQL
    key = [f for f in model._meta.sorted_fields if f.name not in names]
    return (
        model.insert_from(query, key + counts)
        .on_conflict(
            conflict_target=key, update={f: f + getattr(EXCLUDED, f.column_name) for f in counts}
        )
        .returning()  # none: PL/pgSQL refuses a RETURNING with nowhere to go
    )


def settled_days(where: ColumnBase, sign: int) -> Any:
    """Upsert of the resolved tickets matching ``where`` into ``SettledDay``, times ``sign``.

    Their clocks stopped at resolution, so the outcomes do not depend on "now" (0 here).
    """
    days = [day_of(Ticket.created_at), day_of(Ticket.resolved_at)]
    conditions = outcomes(0)
    query = (
        Ticket.select(
            *days,
            Ticket.priority,
            Ticket.category,
            fn.SUM(SQL(str(sign))),
            *(fn.SUM(Case(None, [(c, sign)], 0)) for c in conditions.values()),
        )
        .where(where, SETTLED)
        .group_by(*days, Ticket.priority, Ticket.category)
    )
    counts = [SettledDay.tickets] + [getattr(SettledDay, name) for name in conditions]
    return _upsert(SettledDay, query, counts)


def settled_durations(where: ColumnBase, sign: int, metric: Target, span: int) -> Any:
    """Upsert of one metric's bucketed durations of the matching resolved tickets, per span."""
    value = metric_ms(metric)
    start_day = Ticket.created_at / SQL(str(span * DAY_MS)) * SQL(str(span))
    key = group_key(value)
    query = (
        Ticket.select(
            SQL(str(TARGET_CODES[metric])), SQL(str(span)), start_day, key, fn.SUM(SQL(str(sign)))
        )
        .where(where, SETTLED, value.is_null(False))
        .group_by(start_day, key)
    )
    return _upsert(SettledDuration, query, [SettledDuration.tickets])


def statements(where: ColumnBase, sign: int) -> list[Any]:
    """Every upsert that adds (sign 1) or takes away (-1) the matching tickets' contribution."""
    return [settled_days(where, sign)] + [
        settled_durations(where, sign, metric, span) for metric in TARGETS for span in SPANS
    ]


def _text(node: Any) -> str:
    """SQL text of ``node`` with its parameters written in (all integers), for a trigger body."""
    query: tuple[str, list[Any]] = db.get_sql_context().sql(node).query()
    sql, params = query
    mark = db.param
    for value in params:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"only integer parameters can be written into SQL: {value!r}")
        sql = sql.replace(mark, str(value), 1)
    return sql


def row_statements(row: str, sign: int) -> list[str]:
    """The statements a trigger runs for the ticket ``row`` (``NEW`` or ``OLD``)."""
    return [_text(s) for s in statements(Ticket.id == SQL(f"{row}.id"), sign)]


def rebuild() -> None:
    """Recount both tables from ``ticket``: the back-fill of migration 5."""
    SettledDay.delete().execute()
    SettledDuration.delete().execute()
    for statement in statements(SQL("1 = 1"), 1):
        statement.execute()
