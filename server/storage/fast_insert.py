"""``Model.create`` for the rows every ticket write inserts, with the INSERT built once.

Every change of a batch runs while its process holds the database's one write
lock (server/storage/group_commit.py, server/storage/turnstile.py), so the Python spent inside a
change is time no other writer of any process can use. peewee spent ~250 µs
building each INSERT of a create (ticket, event) from its query objects; here the
statement is cached per table and column set, and the values still go through
the model: its defaults and each field's ``db_value`` (times as epoch ms, ranks,
JSON), exactly what ``create`` stores.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from peewee import Model

from server.storage.db import db

M = TypeVar("M", bound=Model)


Computed = dict[str, tuple[str, tuple[Any, ...]]]
"""Fields whose value the database works out in the INSERT: name -> (SQL expression, its
parameters). The statement returns them, so deciding a value costs no round trip of its own."""


@cache
def _sql(
    model: type[Model],
    names: tuple[str, ...],
    computed: tuple[tuple[str, str], ...],
    param: str,
    quote: str,
) -> str:
    meta: Any = model._meta  # peewee's metadata is loosely typed
    fields = meta.fields
    table = meta.table_name.join(quote)
    every = [*names, *(name for name, _ in computed)]
    columns = ", ".join(fields[name].column_name.join(quote) for name in every)
    marks = ", ".join([param] * len(names) + [f"({sql})" for _, sql in computed])
    returned = [meta.primary_key, *(fields[name] for name, _ in computed)]
    returning = ", ".join(field.column_name.join(quote) for field in returned)
    # names come from the model's metadata, expressions from the code; values are parameters
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {returning}"  # noqa: S608


def insert(model: type[M], computed: Computed | None = None, **values: Any) -> M:
    """A new row of ``model`` with ``values`` (and the model's defaults), like ``create``;
    the ``computed`` fields get what their SQL gives (and the row has it)."""
    row: Any = model(**values)  # peewee's private row state is untyped
    data = row.__data__
    extra = computed or {}
    names = tuple(n for n in data if n != row._meta.primary_key.name and n not in extra)
    fields = row._meta.fields
    params = [fields[name].db_value(data[name]) for name in names]
    for _, more in extra.values():
        params.extend(more)
    shapes = tuple((name, sql) for name, (sql, _) in extra.items())
    sql = _sql(model, names, shapes, db.obj.param, db.obj.quote)
    returned = db.execute_sql(sql, params).fetchone()
    row._pk = returned[0]
    for (name, _), value in zip(shapes, returned[1:], strict=True):
        data[name] = fields[name].python_value(value)
    row._dirty.clear()
    created: M = row
    return created


def stored_values(model: type[Model], data: dict[str, Any]) -> tuple[tuple[str, ...], list[Any]]:
    """The field names of ``data`` and their values as the database stores them."""
    fields: Any = model._meta.fields  # peewee metadata is loosely typed
    names = tuple(data)
    return names, [fields[name].db_value(data[name]) for name in names]


def insert_rows(model: type[Model], names: tuple[str, ...], rows: list[list[Any]]) -> None:
    """One multi-row INSERT of ``rows`` (values from ``stored_values``, all with ``names``)."""
    meta: Any = model._meta  # peewee metadata is loosely typed
    quote = db.obj.quote
    table = meta.table_name.join(quote)
    columns = ", ".join(meta.fields[name].column_name.join(quote) for name in names)
    marks = "(" + ", ".join([db.obj.param] * len(names)) + ")"
    values = ", ".join([marks] * len(rows))
    params = [value for row in rows for value in row]
    # names come from the model's metadata; values are parameters
    db.execute_sql(f"INSERT INTO {table} ({columns}) VALUES {values}", params)  # noqa: S608
