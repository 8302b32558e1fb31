"""The files the server writes are its user's alone, whatever the umask.

The database, its ``-wal`` and ``-shm`` files and every backup hold password
hashes and internal notes. An operator starts ``padcom-server serve`` with a
fresh data directory under the usual umask 022 and under a careless 000, files a
ticket, and takes a backup into a folder that does not exist yet: every folder
is 0700 and every file 0600.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.seed import customer_with_ticket
from tests.support.process import ServerProcess

SERVER = str(Path(sys.executable).parent / "padcom-server")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_data_directory_database_and_backup_are_private(tmp_path: Path, umask: int) -> None:
    data_dir = tmp_path / "srv" / "padcom"
    database = data_dir / "padcom.db"
    url = f"sqlite:///{database}"
    previous = os.umask(umask)  # the children inherit it; this process creates nothing meanwhile
    try:
        server = ServerProcess(url, data_dir, tmp_path / "server.log").start()
    finally:
        os.umask(previous)
    try:
        customer_with_ticket(server.url, url)  # the database now holds a customer's words
        live_files = sorted(p for p in data_dir.iterdir())
        assert {p.name for p in live_files} >= {"padcom.db", "padcom.db-wal", "padcom.db-shm"}
        assert {p.name: _mode(p) for p in live_files} == {p.name: 0o600 for p in live_files}
        assert _mode(data_dir) == 0o700
        assert _mode(data_dir.parent) == 0o700

        backup = tmp_path / "backups" / "nightly" / "padcom.db"
        env = dict(os.environ, PADCOM_DATABASE_URL=url)
        taken = subprocess.run(
            [SERVER, "backup", str(backup)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            umask=umask,
        )
        assert taken.returncode == 0, taken.stderr
        assert _mode(backup) == 0o600
        assert _mode(backup.parent) == 0o700
        assert _mode(backup.parent.parent) == 0o700
    finally:
        server.stop()


def test_a_database_an_older_version_left_world_readable_is_tightened(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = dict(os.environ, PADCOM_DATA_DIR=str(data_dir))
    env.pop("PADCOM_DATABASE_URL", None)
    assert subprocess.run([SERVER, "migrate"], env=env, timeout=60).returncode == 0
    database = data_dir / "padcom.db"
    database.chmod(0o644)  # what padcom-server created before under umask 022
    again = subprocess.run([SERVER, "migrate"], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert _mode(database) == 0o600
    assert "readable by its owner only" in again.stderr
