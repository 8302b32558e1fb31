"""`make run`: Padcom for real on this machine, with the demo company, ending in padcom-admin.

Starts ``padcom-server`` in the background on the embedded SQLite database under
``.padcom/`` in this checkout (seeded with demo data the first time), signs in
as the demo agent (a config file under ``.padcom/``, pointed at by
``PADCOM_CONFIG``; the token of the previous run is reused while it works, so
runs do not pile up tokens), writes what a customer's terminal needs to
``.padcom/customer.sh``, prints it, and opens ``padcom-admin``. Quitting the app
stops the server.

The customer's lines are printed before the app takes the screen, so on a
terminal the script waits for Enter first: there is time to copy them into a
second terminal, and ``customer.sh`` keeps them for later. A file works in any
terminal (a second tmux pane would only help inside tmux) and keeps the staff
app free of demo-only text.

The customer's config (``customer.toml``) holds the server's address, and every
run writes the current one there, so a customer terminal set up by an earlier
run follows the server even when the port had to change.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from padcom_cli.client.api import PadcomClient
from padcom_cli.client.config import ClientConfig, load_config, save_config
from padcom_cli.client.errors import NotAuthorized
from server.helpdesk.password_policy import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AGENT = "agent@padcom.test"
CUSTOMER = "customer@padcom.test"
PORT = 8000


def choose_port(preferred: int) -> int:
    """``preferred`` unless a program listens on it, else any free loopback port.

    The probe sets ``SO_REUSEADDR`` as uvicorn does, so connections of a run
    that just ended (sockets in TIME_WAIT) do not make the port look taken.
    """
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"padcom-server stopped early; see {log}")
        try:
            httpx.get(f"{url}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    sys.exit("padcom-server did not start within 30 s")


@contextlib.contextmanager
def client_config(path: Path) -> Iterator[None]:
    """``padcom_cli.client.config`` pointed at ``path`` while the block runs."""
    before = os.environ.get("PADCOM_CONFIG")
    os.environ["PADCOM_CONFIG"] = str(path)
    try:
        yield
    finally:
        if before is None:
            del os.environ["PADCOM_CONFIG"]
        else:
            os.environ["PADCOM_CONFIG"] = before


def sign_in_staff(url: str, path: Path) -> None:
    """The demo agent's token in ``path``: the saved one while the server accepts it, else a new one."""
    with client_config(path):
        saved = load_config()
        if saved.token and saved.email == AGENT:
            try:
                with PadcomClient(url, saved.token) as client:
                    client.me()
                save_config(ClientConfig(url=url, token=saved.token, email=AGENT))
                return
            except NotAuthorized:
                pass  # expired or revoked (or a fresh database): sign in again
        with PadcomClient(url) as client:
            result = client.login(AGENT, DEMO_PASSWORD, token_name="make run")  # noqa: S106
        save_config(ClientConfig(url=url, token=result["token"], email=AGENT))


@dataclass(frozen=True)
class CustomerTerminal:
    """What a customer's terminal needs for this run, as lines to copy and a file to keep."""

    url: str
    config: Path
    script: Path

    @property
    def commands(self) -> list[str]:
        path = shlex.quote(f"{BIN}:") + '"$PATH"'
        return [
            f"export PATH={path} PADCOM_CONFIG={shlex.quote(str(self.config))}",
            f"padcom login {CUSTOMER}",
            "padcom ticket list",
        ]

    def write(self, moved: str | None) -> None:
        """Point the customer's config at this run's server and (re)write ``customer.sh``."""
        with client_config(self.config):
            saved = load_config()
            save_config(ClientConfig(url=self.url, token=saved.token, email=saved.email))
        lines = [
            "# A customer's terminal for the Padcom demo (`make run`). Load it with",
            f"#   . {shlex.quote(str(self.script))}",
            f"# then: padcom login {CUSTOMER}   (password: {DEMO_PASSWORD}), padcom ticket list",
            f"# The server is at {self.url}; {self.config.name} holds that address.",
        ]
        if moved:
            lines.append(f"# {moved}")
        lines += [self.commands[0], ""]
        self.script.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Padcom with the demo company on loopback.")
    parser.add_argument("--data", type=Path, default=ROOT / ".padcom", help="the demo's folder")
    parser.add_argument("--port", type=int, default=PORT, help="the port to use when free")
    args = parser.parse_args(argv)
    data: Path = args.data.resolve()
    for name in ("PADCOM_URL", "PADCOM_TOKEN", "PADCOM_DATABASE_URL"):
        os.environ.pop(name, None)  # the demo is its own world, not the caller's account
    env = dict(os.environ, PADCOM_DATA_DIR=str(data))
    data.mkdir(exist_ok=True)
    if not (data / "padcom.db").exists():
        subprocess.run(
            [BIN / "padcom-server", "demo", "--password", DEMO_PASSWORD], env=env, check=True
        )
    port = choose_port(args.port)
    moved = None
    if port != args.port:
        moved = f"Port {args.port} is taken by another program, so this run uses port {port}."
    url = f"http://127.0.0.1:{port}"
    log = data / "server.log"
    with open(log, "ab") as out:
        server = subprocess.Popen(
            [BIN / "padcom-server", "serve", "--port", str(port)], env=env, stdout=out, stderr=out
        )
    try:
        wait_until_up(url, server, log)
        sign_in_staff(url, data / "agent.toml")
        customer = CustomerTerminal(url, data / "customer.toml", data / "customer.sh")
        customer.write(moved)
        introduce(url, log, customer, moved)
        subprocess.run(
            [BIN / "padcom-admin"],
            env=dict(env, PADCOM_CONFIG=str(data / "agent.toml"), PADCOM_URL=url),
        )
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        server.wait(timeout=15)
        print("padcom-server stopped.")


def introduce(url: str, log: Path, customer: CustomerTerminal, moved: str | None) -> None:
    """Say where everything is; on a terminal, wait until the person has read it."""
    print(f"Padcom is running at {url} (log: {log}).")
    if moved:
        print(f"{moved} {customer.config} has the new address.")
    print(f"A customer, in a second terminal (these lines are kept in {customer.script}):")
    for line in customer.commands:
        print(f"  {line}")
    print(f"The customer's password: {DEMO_PASSWORD}", flush=True)
    opening = f"padcom-admin as {AGENT} (q quits it and stops the server)"
    if sys.stdin.isatty():
        wait_for_enter(f"Press Enter to open {opening}.")
    else:
        print(f"Opening {opening}...", flush=True)


def wait_for_enter(prompt: str) -> None:
    """Wait for Enter (or the end of input) in short waits, so Ctrl-C always stops the run.

    ``input()`` can miss a Ctrl-C pressed the moment its prompt appears: the
    signal lands before it blocks reading the terminal, and nothing looks at
    it again until a key comes. Returning to Python every 0.2 s lets the
    handler raise ``KeyboardInterrupt``.
    """
    print(prompt, end="", flush=True)
    while not select.select([sys.stdin], [], [], 0.2)[0]:
        pass
    sys.stdin.readline()


if __name__ == "__main__":
    main()
