"""Operator tools: a row count and a checksum of a table, computed alike on SQLite and PostgreSQL.

``copy-to`` proves a copy by computing this over the rows it read from SQLite and
again over the rows PostgreSQL holds afterwards. A row's canonical form is its
stored values as SQLite keeps them (integers, text, NULL; a boolean as 0 or 1,
which is why the read-back casts PostgreSQL's booleans to integers), written
the way Python's ``repr`` writes a tuple, so a value changed in type (1 and
'1') changes the sum too. The sum of 64-bit row digests does not depend on the
order rows come in: PostgreSQL orders text by its collation, SQLite by bytes,
and neither side needs to sort a large table to be checked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_MODULUS = 1 << 64


def row_digest(row: Sequence[Any]) -> int:
    """A 64-bit digest of one row's stored values, in column order."""
    text = repr(tuple(row)).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


@dataclass
class TableSum:
    """Rows seen so far and the sum of their digests modulo 2**64."""

    rows: int = 0
    total: int = 0

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        count, total = 0, self.total
        for row in rows:
            count += 1
            total += row_digest(row)
        self.rows += count
        self.total = total % _MODULUS

    @property
    def checksum(self) -> str:
        return f"{self.total:016x}"
