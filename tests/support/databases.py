"""A fresh database for a test module: an SQLite file, or a PostgreSQL database of its own.

Without a reachable PostgreSQL the PostgreSQL half is skipped with the reason;
under ``CI=true`` that is a failure instead, so CI never passes on SQLite alone.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

PG_SERVER = os.environ.get("PADCOM_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3):
            return None
    except Exception as exc:  # any failure means: not usable here
        return f"PostgreSQL not reachable at {PG_SERVER}: {type(exc).__name__}: {exc}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; yields its URL."""
    import psycopg

    name = f"padcom_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'padcom.db'}"


def in_ci() -> bool:
    """True under CI (``CI=true``), where no test may be skipped for want of PostgreSQL."""
    return os.environ.get("CI", "").lower() == "true"


def cannot_use_postgres(reason: str) -> NoReturn:
    """Skip the calling test for ``reason``; under ``CI=true`` fail instead.

    The one place that decides what a missing PostgreSQL means, for the shared
    server and for a test's private cluster alike.
    """
    import pytest

    if in_ci():
        pytest.fail(f"{reason} (CI=true: PostgreSQL tests may not be skipped)")
    pytest.skip(reason)


def require_postgres() -> None:
    """Skip the calling test without a reachable PostgreSQL; under ``CI=true`` fail instead."""
    problem = postgres_problem()
    if problem:
        cannot_use_postgres(problem)
