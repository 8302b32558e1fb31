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


@cache
def _sql(model: type[Model], names: tuple[str, ...], param: str, quote: str) -> str:
    meta: Any = model._meta  # peewee's metadata is loosely typed
    fields = meta.fields
    table = meta.table_name.join(quote)
    columns = ", ".join(fields[name].column_name.join(quote) for name in names)
    primary = meta.primary_key.column_name.join(quote)
    marks = ", ".join([param] * len(names))
    # names come from the model's metadata; values are parameters
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {primary}"  # noqa: S608


def insert(model: type[M], **values: Any) -> M:
    """A new row of ``model`` with ``values`` (and the model's defaults), like ``create``."""
    row: Any = model(**values)  # peewee's private row state is untyped
    data = row.__data__
    names = tuple(name for name in data if name != row._meta.primary_key.name)
    fields = row._meta.fields
    params = [fields[name].db_value(data[name]) for name in names]
    sql = _sql(model, names, db.obj.param, db.obj.quote)
    row._pk = db.execute_sql(sql, params).fetchone()[0]
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
