"""Three ``padcom-server`` processes on one PostgreSQL behind haproxy: the README's
"several servers" setup, on one machine, for the scale-out stories.

The PostgreSQL cluster is the test's own (``private_postgres``): the stories
restart it, and read its deadlock counter, without touching anyone else's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.scale.balancer import Balancer
from tests.support.limits import NO_WRITE_LIMITS_ENV
from tests.support.private_postgres import PrivatePostgres, private_postgres
from tests.support.process import ServerProcess

INSTANCES = 3


class Cluster:
    """The database, the instances and the balancer in front of them."""

    def __init__(
        self, postgres: PrivatePostgres, instances: list[ServerProcess], balancer: Balancer
    ) -> None:
        self.postgres = postgres
        self.database_url = f"{postgres.url}/padcom"
        self.instances = instances
        self.balancer = balancer

    @property
    def url(self) -> str:
        """Where clients go: the balancer."""
        return self.balancer.url

    def deadlocks(self) -> int:
        """How many deadlocks PostgreSQL has detected in the database so far."""
        with psycopg.connect(self.database_url, connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT deadlocks FROM pg_stat_database WHERE datname = 'padcom'"
            ).fetchone()
        assert row is not None
        return int(row[0])

    def database_log(self) -> str:
        return self.postgres.log.read_text(errors="replace")


@contextmanager
def cluster(directory: Path, instances: int = INSTANCES) -> Iterator[Cluster]:
    """A running cluster; every process is stopped afterwards."""
    # each instance may hold a full pool: processes x (pool + LISTEN) must fit
    with private_postgres("max_connections=200") as postgres:
        with psycopg.connect(f"{postgres.url}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE padcom")
        database_url = f"{postgres.url}/padcom"
        servers: list[ServerProcess] = []
        balancer: Balancer | None = None
        try:
            for n in range(1, instances + 1):
                data = directory / f"instance{n}"
                data.mkdir()
                server = ServerProcess(
                    database_url, data, directory / f"instance{n}.log", env=NO_WRITE_LIMITS_ENV
                )
                servers.append(server.start())  # one after the other: the first migrates
            balancer = Balancer([f"127.0.0.1:{s.port}" for s in servers], directory)
            yield Cluster(postgres, servers, balancer)
        finally:
            if balancer is not None:
                balancer.stop()
            for server in servers:
                server.stop()
