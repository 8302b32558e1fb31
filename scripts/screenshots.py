"""Redraw docs/queue.svg, docs/ticket.svg and docs/dashboard.svg from the demo company.

    .venv/bin/python -m scripts.screenshots

Seeds a throw-away demo database, serves it on a free loopback port, signs in as
the demo agent and runs padcom-admin headless at 120x36 (what the README shows).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from padcom_cli.client.api import PadcomClient
from padcom_tui.app import PadcomAdmin
from padcom_tui.settings import AdminSettings
from scripts.run_demo import BIN, choose_port, wait_until_up
from server.helpdesk.password_policy import DEMO_PASSWORD

DOCS = Path(__file__).resolve().parent.parent / "docs"


async def draw(url: str) -> None:
    token = PadcomClient(url, None).login("agent@padcom.test", DEMO_PASSWORD)["token"]
    client = PadcomClient(url, token)
    app = PadcomAdmin(client, settings=AdminSettings(live=False))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(2)
        app.save_screenshot("queue.svg", str(DOCS))
        await pilot.press("enter")
        await pilot.pause(2)
        app.save_screenshot("ticket.svg", str(DOCS))
        await pilot.press("escape", "d")
        await pilot.pause(3)
        app.save_screenshot("dashboard.svg", str(DOCS))


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, PADCOM_DATA_DIR=data)
        env.pop("PADCOM_DATABASE_URL", None)
        subprocess.run([BIN / "padcom-server", "demo"], env=env, check=True, capture_output=True)
        url = f"http://127.0.0.1:{choose_port(0)}"
        log = Path(data) / "server.log"
        with log.open("ab") as out:
            server = subprocess.Popen(
                [BIN / "padcom-server", "serve", "--port", url.rsplit(":", 1)[1]],
                env=env,
                stdout=out,
                stderr=out,
            )
        try:
            wait_until_up(url, server, log)
            asyncio.run(draw(url))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"drawn into {DOCS}", file=sys.stderr)


if __name__ == "__main__":
    main()
