"""A consistent copy of a live database, taken while the server keeps running.

The copy holds what the database holds (password hashes, internal notes), so it
is written 0600 in folders created 0700, whatever the umask.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from server.storage.db import sqlite_path
from server.storage.private_files import private_directory, private_file


def backup_database(url: str, target: Path) -> str:
    """Copy the SQLite database at ``url`` to ``target`` with SQLite's online backup API.

    Returns a line saying what was written. Raises ValueError for PostgreSQL
    (whose own tool, pg_dump, is the right one) or when ``target`` exists.
    """
    source_file = sqlite_path(url)
    if source_file is None:
        raise ValueError(
            "PostgreSQL is backed up with its own tool: "
            f"pg_dump --format=custom --file={target} '{url}'"
        )
    if target.exists():
        raise ValueError(f"{target} exists; choose a new file")
    source_path = str(source_file)
    if not source_file.exists():
        raise ValueError(f"no database at {source_path}")
    private_directory(target.parent)
    private_file(target)
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    copy.close()
    source.close()
    return f"copied {source_path} to {target} ({target.stat().st_size} bytes)"
