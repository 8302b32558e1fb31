"""A PostgreSQL server of a test's own, for faults that would hurt every other test's server.

Filling a tablespace of the shared server makes *its* checkpoints fail, and with
them every other test's ``DROP DATABASE`` ("checkpoint request failed"). A test
that fills a disk therefore gets a throwaway cluster (``initdb`` as the
``postgres`` user, on a free loopback port), stopped and removed afterwards.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.databases import cannot_use_postgres
from tests.support.ports import free_port


def _bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        cannot_use_postgres(f"PostgreSQL's {name} is not installed here")
    return str(found[-1])


def _as_postgres(*command: str) -> None:
    done = subprocess.run(
        ["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        cannot_use_postgres(f"cannot run a private PostgreSQL here: {done.stderr.strip()[-300:]}")


@contextmanager
def private_postgres_server() -> Iterator[str]:
    """A running PostgreSQL cluster of this test's own; yields ``postgresql://postgres@host:port``."""
    home = Path(tempfile.mkdtemp(prefix="padcom-pgcluster-"))
    home.chmod(0o755)
    data = home / "data"
    data.mkdir(mode=0o700)
    shutil.chown(data, "postgres", "postgres")
    port = free_port()
    stop = [_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
    try:
        _as_postgres(_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(data / "server.log")  # not our pipes: the server outlives pg_ctl
        _as_postgres(_bin("pg_ctl"), "-D", str(data), "-l", log, "-o", options, "-w", "start")
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", *stop], capture_output=True, timeout=60)
        shutil.rmtree(home, ignore_errors=True)
