"""`make run`: Padcom for real on this machine, with the demo company.

Starts ``padcom-server`` on the embedded SQLite database under ``.padcom/`` in
this checkout (seeded with demo data the first time), signs in as the demo
agent, and prints how staff and customers use it. Ctrl-C stops the server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from server.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".padcom"
BIN = Path(sys.executable).parent


def free_port(preferred: int = 8000) -> int:
    """``preferred`` when it is free on loopback, otherwise any free port."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"padcom-server stopped early; see {DATA / 'server.log'}")
        try:
            httpx.get(f"{url}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    sys.exit("padcom-server did not start within 30 s")


def main() -> None:
    env = dict(os.environ, PADCOM_DATA_DIR=str(DATA))
    env.pop("PADCOM_DATABASE_URL", None)
    DATA.mkdir(exist_ok=True)
    if not (DATA / "padcom.db").exists():
        subprocess.run(
            [BIN / "padcom-server", "demo", "--password", DEMO_PASSWORD], env=env, check=True
        )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(DATA / "server.log", "ab") as log:
        server = subprocess.Popen(
            [BIN / "padcom-server", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
    try:
        wait_until_up(url, server)
        print(f"Padcom is running at {url} (log: {DATA / 'server.log'})")
        print(f"  staff:    agent@padcom.test / {DEMO_PASSWORD}")
        print(f"  customer: customer@padcom.test / {DEMO_PASSWORD}")
        print("Press Ctrl-C to stop the server.")
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
