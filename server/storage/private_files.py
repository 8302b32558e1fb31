"""Files and folders only the server's user can read, whatever the umask.

The database holds password hashes and internal notes; under the usual umask
022 SQLite created it 0644 in a 0755 folder, readable by every local account.
Folders are made 0700 and files 0600 with an explicit chmod (a umask can only
take bits away, and 000 or 077 must not change the result). SQLite gives its
``-wal`` and ``-shm`` files the mode of the database file, so they follow.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("padcom.server")

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def private_directory(path: Path) -> None:
    """Create ``path`` and any missing parents 0700; an existing folder is left as it is."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIRECTORY_MODE)
        except FileExistsError:
            continue  # another process made it meanwhile; its mode is its own
        os.chmod(folder, DIRECTORY_MODE)


def private_file(path: Path) -> None:
    """Create ``path`` empty 0600 unless it exists; an existing one loses group and other bits."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    except FileExistsError:
        _tighten(path)
        return
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def _tighten(path: Path) -> None:
    """Take group and other bits off a file this user owns (older versions created 0644)."""
    try:
        info = path.stat()
    except OSError:
        return
    if info.st_mode & 0o077 and info.st_uid == os.geteuid():
        os.chmod(path, stat.S_IMODE(info.st_mode) & 0o700)
        log.warning("made %s readable by its owner only (was %o)", path, stat.S_IMODE(info.st_mode))


def private_database(path: Path) -> None:
    """The SQLite file and its companions, created or tightened to 0600 in a 0700 folder."""
    private_directory(path.parent)
    private_file(path)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            _tighten(companion)
