"""Test support: ``padcom-server serve`` as a real child process on a loopback port.

Fault tests, process tests and benches need what a thread (``live.own_server``)
cannot give: the installed console script as an operator runs it, a process that
dies at once (SIGKILL, no shutdown code runs), signals, several processes on one
database, and memory read from /proc. This is the one place that starts one.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.ports import free_port

SERVER = str(Path(sys.executable).parent / "padcom-server")
"""The installed console script, as an operator runs it."""


class ServerProcess:
    """One ``padcom-server serve`` on 127.0.0.1 over ``database_url``.

    ``database_url`` None: the database the environment names, else SQLite in ``data_dir``.
    """

    def __init__(
        self,
        database_url: str | None,
        data_dir: Path,
        log: Path,
        *,
        extra: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        soft_nofile: int | None = None,
        hard_nofile: int | None = None,
    ) -> None:
        """``env``: more ``PADCOM_*`` settings, as an operator would export them."""
        self.database_url = database_url
        self.extra = extra
        self.env = env or {}
        self.soft_nofile = soft_nofile
        """Start with this soft RLIMIT_NOFILE, as a systemd unit does (1024), instead of ours."""
        self.hard_nofile = hard_nofile
        """And this hard one, which the server cannot raise."""
        self.scheme = "https" if "--ssl-certfile" in extra else "http"
        self.data_dir = data_dir
        self.log_path = log
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> ServerProcess:
        env = {**os.environ, "PADCOM_DATA_DIR": str(self.data_dir), **self.env}
        if self.database_url is not None:
            env["PADCOM_DATABASE_URL"] = self.database_url
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [SERVER, "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.extra],
                env=env,
                stdout=log,
                stderr=log,
                preexec_fn=self._limit_files if self.soft_nofile else None,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_path.read_text()[-2000:]}")
            try:
                me = httpx.get(f"{self.url}/api/v1/me", timeout=5, verify=False)  # noqa: S501
                if me.status_code == 401:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not start in time: {self.log()[-2000:]}")

    def _limit_files(self) -> None:
        assert self.soft_nofile is not None
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.soft_nofile, self.hard_nofile or hard))

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish anything."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, timeout: float = 10) -> int | None:
        """SIGTERM and wait (SIGKILL after ``timeout`` s); the exit code, None if never started."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode

    def log(self) -> str:
        """What the server wrote to stdout and stderr so far."""
        return self.log_path.read_text(errors="replace")

    def children(self) -> list[int]:
        """Process ids of the server's direct children (the workers of ``--workers N``)."""
        assert self.proc is not None
        found = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        return [int(pid) for pid in found.split()]

    def rss_kib(self, field: str = "VmRSS") -> int:
        """Resident memory of the server process in KiB: now (VmRSS) or at its peak (VmHWM)."""
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise RuntimeError(f"no {field} for the server process")
