"""``padcom-server serve --workers 2`` on a database it cannot use: one line, a non-zero exit.

Before, a worker that failed to open its database was started again and again
(a crash loop of 280-line tracebacks). Each story here breaks the database the
way a disk, a restore or an operator does, starts the server as an operator
would, and expects it to stop on its own with one line that names the path.
As root, the server runs without the capabilities that bypass file permissions
(``setpriv``), so "read-only" and "unreadable" mean what they say.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from server.storage.db import bind, db
from server.storage.models import SchemaVersion

SERVER = str(Path(sys.executable).parent / "padcom-server")
GIVE_UP_AFTER = 60
"""The test's own bound: a server that is still running (or restarting) by then has failed."""
AS_SERVICE_USER = (
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory whose database an earlier run created and migrated."""
    directory = tmp_path / "data"
    made = _padcom(directory, "migrate")
    assert made.returncode == 0, made.stderr
    return directory


def _padcom(data_dir: Path, *args: str, url: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PADCOM_DATA_DIR=str(data_dir))
    env.pop("PADCOM_DATABASE_URL", None)
    if url:
        env["PADCOM_DATABASE_URL"] = url
    command = [*AS_SERVICE_USER, SERVER, *args]
    if args[0] == "serve":
        command += ["--host", "127.0.0.1", "--port", "0", "--workers", "2"]
    try:
        return subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=GIVE_UP_AFTER
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"still running after {GIVE_UP_AFTER} s: {exc.stderr!r}") from None


def _refuses(
    data_dir: Path, path: Path | str, *words: str, url: str = "", command: str = "serve"
) -> str:
    """Serve; expect a non-zero exit and exactly one line on stderr naming ``path``."""
    result = _padcom(data_dir, command, url=url)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0, result.stderr
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_a_corrupt_database_file_stops_the_server_with_one_line(data_dir: Path) -> None:
    database = data_dir / "padcom.db"
    with database.open("r+b") as file:
        file.write(b"\x00garbage from a failed restore " * 200)
    _refuses(data_dir, database, "corrupt", "backup")
    _refuses(data_dir, database, "corrupt", "backup", command="migrate")


def test_a_read_only_data_directory_is_named_as_such(data_dir: Path) -> None:
    data_dir.chmod(0o555)
    try:
        line = _refuses(data_dir, data_dir, "directory", "not writable")
    finally:
        data_dir.chmod(0o700)
    assert "readonly database" not in line


def test_a_database_file_the_server_cannot_read(data_dir: Path) -> None:
    database = data_dir / "padcom.db"
    database.chmod(0o000)
    try:
        _refuses(data_dir, database, "cannot be read")
    finally:
        database.chmod(0o600)


def test_a_data_directory_that_cannot_be_created(tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir(mode=0o500)
    try:
        _refuses(parent / "data", parent / "data", "data directory")
    finally:
        parent.chmod(0o700)


def test_a_schema_newer_than_the_code_is_refused(database_url: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert _padcom(data_dir, "migrate", url=database_url).returncode == 0
    bind(database_url)
    with db.connection_context():
        SchemaVersion.update(version=SchemaVersion.version + 100).execute()
    db.close_all()
    if database_url.startswith("sqlite"):
        where = urlparse(database_url).path[1:]
    else:
        where = database_url.replace("postgres@", "")  # logs never carry the user
    line = _refuses(data_dir, where, "newer", url=database_url)
    assert "schema" in line
