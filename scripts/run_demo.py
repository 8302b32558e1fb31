"""`make run`: Padcom for real on this machine, with the demo company, ending in padcom-admin.

Starts ``padcom-server`` in the background on the embedded SQLite database under
``.padcom/`` in this checkout (seeded with demo data the first time), signs in
as the demo agent (a config file under ``.padcom/``, pointed at by
``PADCOM_CONFIG``), prints how a customer uses ``padcom`` against the same
server, and opens ``padcom-admin``. Quitting the app stops the server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from padcom_cli.client import PadcomClient
from padcom_cli.config import ClientConfig, save_config
from server.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".padcom"
BIN = Path(sys.executable).parent


def free_port(preferred: int = 8000) -> int:
    """``preferred`` when it is free on loopback, otherwise (or for 0) any free port."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
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
        config = sign_in_staff(url)
        print(f"Padcom is running at {url} (log: {DATA / 'server.log'})")
        print("A customer, in a second terminal:")
        print(f"  export PADCOM_URL={url} PADCOM_CONFIG={DATA / 'customer.toml'}")
        print(f"  {BIN / 'padcom'} login customer@padcom.test   # password: {DEMO_PASSWORD}")
        print(f"  {BIN / 'padcom'} ticket list")
        print("Opening padcom-admin as agent@padcom.test (q quits and stops the server)...")
        subprocess.run(
            [BIN / "padcom-admin"], env=dict(env, PADCOM_CONFIG=str(config), PADCOM_URL=url)
        )
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        server.wait(timeout=10)
        print("padcom-server stopped.")


def sign_in_staff(url: str) -> Path:
    """Sign in as the demo agent; the token goes to a config file of this checkout's own."""
    path = DATA / "agent.toml"
    os.environ["PADCOM_CONFIG"] = str(path)
    with PadcomClient(url) as client:
        result = client.login("agent@padcom.test", DEMO_PASSWORD, token_name="make run")  # noqa: S106
    save_config(ClientConfig(url=url, token=result["token"], email="agent@padcom.test"))
    return path


if __name__ == "__main__":
    main()
