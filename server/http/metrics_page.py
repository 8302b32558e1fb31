"""Layer: ops. ``/metrics``: the meters of ``server.telemetry`` and the database's gauges, as text.

Built on the maintained ``prometheus_client`` library. Per process by default;
with ``--workers N`` set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory
(wiped before each start) and every worker's numbers are summed at ``/metrics``
(prometheus_client's multiprocess mode), whichever worker answers the scrape.
Gauges that describe the database (outbox backlog, lock waiters) are read at
scrape time by ``DatabaseCollector``, one cheap query each, not kept per process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


class DatabaseCollector(Collector):
    """Outbox backlog, its oldest row's age, and sessions waiting on a lock, read at scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from server.reads.readiness import database_gauges

        backlog, oldest, lock_waiters = database_gauges()
        yield GaugeMetricFamily("padcom_outbox_backlog", "Deliveries still pending", value=backlog)
        yield GaugeMetricFamily(
            "padcom_outbox_oldest_seconds", "Age of the oldest pending delivery", value=oldest
        )
        yield GaugeMetricFamily(
            "padcom_db_lock_waiters",
            "PostgreSQL sessions of this database waiting for a lock (0 on SQLite)",
            value=lock_waiters,
        )


def exposition() -> bytes:
    """The text format of every metric: this process's, or all workers' in multiprocess mode."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    output = generate_latest(registry)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return output + generate_latest(database)
