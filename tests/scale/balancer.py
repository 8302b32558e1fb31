"""haproxy (Debian's package) in front of several ``padcom-server`` processes, as deployed.

Round robin with health checks (``GET /healthz``; a check may take up to 5 s: on
a busy machine a server's first answers took longer than the interval between
checks, and every server was marked down at once), ``option redispatch`` and long server/tunnel
timeouts for event streams; a request whose connection to a dead instance
fails is sent to another. Only connection failures are retried: a POST that
reached an instance is never sent twice.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.ports import free_port

CONFIG = """\
global
    maxconn 2000
defaults
    mode http
    timeout connect 2s
    timeout check 5s
    timeout client 120s
    timeout server 120s
    timeout tunnel 1h
    option redispatch
    retries 3
    retry-on conn-failure
frontend padcom
    bind 127.0.0.1:{port}
    default_backend instances
backend instances
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter {check_every} fall 2 rise 2
{servers}
"""


class Balancer:
    """One haproxy process on a free loopback port, over ``backends`` (``host:port`` each)."""

    def __init__(self, backends: list[str], directory: Path, *, check_every: str = "300ms") -> None:
        """``check_every``: how often each backend's health is asked (a bench asks rarely)."""
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(binary).exists():
            pytest.fail("haproxy is not installed (apt-get install haproxy; .ci/run does)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        servers = "\n".join(
            f"    server i{n} {backend} check" for n, backend in enumerate(backends, 1)
        )
        config = directory / "haproxy.cfg"
        config.write_text(CONFIG.format(port=self.port, servers=servers, check_every=check_every))
        self.log = directory / "haproxy.log"
        with self.log.open("ab") as log:
            self._proc = subprocess.Popen(
                [binary, "-db", "-f", str(config)], stdout=log, stderr=log
            )
        for _ in range(100):  # up to 10 s
            if self._proc.poll() is not None:
                raise RuntimeError(f"haproxy exited: {self.log.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("haproxy did not listen in time")

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
