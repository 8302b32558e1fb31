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


class PrivatePostgres:
    """A running cluster of a test's own: its URL, its log, and a restart."""

    def __init__(self, data: Path, port: int) -> None:
        self.data = data
        self.url = f"postgresql://postgres@127.0.0.1:{port}"
        self.log = data / "server.log"
        self._options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start(self, *settings: str) -> None:
        """Start the cluster; ``settings`` such as ``max_connections=200`` go on its command line."""
        self._options += "".join(f" -c {setting}" for setting in settings)
        self._ctl("-l", str(self.log), "-o", self._options, "-w", "start")

    def restart(self) -> None:
        """Stop at once (every connection is cut, as a crash or failover does) and start again."""
        self._ctl("-m", "immediate", "-w", "stop")
        self._ctl("-l", str(self.log), "-o", self._options, "-w", "start")

    def _ctl(self, *args: str) -> None:
        _as_postgres(_bin("pg_ctl"), "-D", str(self.data), *args)


@contextmanager
def private_postgres(*settings: str) -> Iterator[PrivatePostgres]:
    """A running PostgreSQL cluster of this test's own, stopped and removed afterwards."""
    home = Path(tempfile.mkdtemp(prefix="padcom-pgcluster-"))
    home.chmod(0o755)
    data = home / "data"
    data.mkdir(mode=0o700)
    shutil.chown(data, "postgres", "postgres")
    stop = [_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
    try:
        _as_postgres(_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
        cluster = PrivatePostgres(data, free_port())  # the log: not our pipes, it outlives pg_ctl
        cluster.start(*settings)
        yield cluster
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", *stop], capture_output=True, timeout=60)
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def private_postgres_server() -> Iterator[str]:
    """A running PostgreSQL cluster of this test's own; yields ``postgresql://postgres@host:port``."""
    with private_postgres() as cluster:
        yield cluster.url
