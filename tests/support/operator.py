"""Test support: ``padcom-server`` commands as an operator runs them, on a new database.

``operator_env`` is the environment of an operator whose database is new and
empty (SQLite in a data directory, or a PostgreSQL database of its own);
``run_server_command`` runs one command there as a subprocess.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.databases import postgres_database, require_postgres
from tests.support.process import SERVER


@contextmanager
def operator_env(backend: str, directory: Path) -> Iterator[dict[str, str]]:
    """The environment for ``backend`` (``sqlite`` or ``postgres``), data under ``directory``."""
    values = dict(os.environ, PADCOM_DATA_DIR=str(directory / "data"))
    values.pop("PADCOM_DATABASE_URL", None)
    if backend == "sqlite":
        yield values
        return
    require_postgres()
    with postgres_database() as url:
        yield dict(values, PADCOM_DATABASE_URL=url)


def run_server_command(
    env: dict[str, str], *args: str, stdin: str = "", timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """``padcom-server ARGS`` with ``env``; its exit code and output."""
    return subprocess.run(
        [SERVER, *args], env=env, input=stdin, capture_output=True, text=True, timeout=timeout
    )
