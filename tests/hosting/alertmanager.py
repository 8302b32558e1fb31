"""Test support: Debian's ``prometheus-alertmanager`` with a private config, data dir and port.

Its one receiver is the test server's ``/api/v1/alerts/alertmanager``, with the
bearer token of a configured source; alerts are injected through its own API
(``POST /api/v2/alerts``), as Prometheus would send them, and it groups,
waits and notifies as it does in production (with the waits shortened).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.ports import free_port

BINARY = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"

CONFIG = """\
route:
  receiver: padcom
  group_by: ['alertname', 'instance']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: padcom
    webhook_configs:
      - url: {url}/api/v1/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {token}
"""


class Alertmanager:
    """One Alertmanager process on a loopback port of its own, sending to ``padcom_url``."""

    def __init__(self, directory: Path, padcom_url: str, token: str) -> None:
        if not Path(BINARY).exists():
            pytest.skip(
                "prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)"
            )
        self.directory = directory
        self.port = free_port()
        self.config = directory / "alertmanager.yml"
        self.config.write_text(CONFIG.format(url=padcom_url, token=token))
        self.log = directory / "alertmanager.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Alertmanager:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    BINARY,
                    f"--config.file={self.config}",
                    f"--storage.path={self.directory / 'data'}",
                    f"--web.listen-address=127.0.0.1:{self.port}",
                    "--cluster.listen-address=",  # no gossip: a lone instance
                    "--log.level=debug",
                ],
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"alertmanager exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/-/ready", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"alertmanager did not start: {self.log.read_text()[-2000:]}")

    def inject(
        self, labels: dict[str, str], annotations: dict[str, str], *, resolved: bool = False
    ) -> None:
        """Send an alert to Alertmanager as Prometheus does; ``resolved`` ends it now."""
        now = datetime.now(UTC)
        alert: dict[str, Any] = {
            "labels": labels,
            "annotations": annotations,
            "startsAt": (now - timedelta(minutes=1)).isoformat(),
        }
        if resolved:
            alert["endsAt"] = (now - timedelta(seconds=1)).isoformat()
        reply = httpx.post(f"{self.url}/api/v2/alerts", json=[alert], timeout=10)
        assert reply.status_code == 200, reply.text

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
