"""Layer: telemetry (the bottom; imports nothing of Padcom). The process's Prometheus meters.

Every layer counts where things happen (requests in http, pool waits in storage,
streams and LISTEN reconnects in live), so the meters sit below them all; the
HTTP side (``server.http.metrics_page``) turns them into ``/metrics``. Built on the
maintained ``prometheus_client`` library.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "padcom_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "padcom_http_request_seconds",
    "Time to answer an HTTP request (an event stream: how long it stayed open)",
    ["method", "route"],
)
POOL_WAIT = Histogram(
    "padcom_db_pool_wait_seconds",
    "Time a request waited for a pooled database connection (a new one included)",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5),
)
LISTEN_RECONNECTS = Counter(
    "padcom_listen_reconnects_total", "Times the PostgreSQL LISTEN connection was made again"
)
OPEN_STREAMS = Gauge(
    "padcom_open_streams", "Event streams open on this process", multiprocess_mode="livesum"
)
