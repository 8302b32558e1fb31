"""``padcom status --watch``: a customer keeps a terminal open on the status and sees the
incident on their server declared, updated and resolved as staff do it — and nothing of
their own tickets' traffic, nor of an incident elsewhere. A real ``padcom`` process."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

from tests.hosting.support import hosted
from tests.support.live import Live

PADCOM = str(Path(sys.executable).parent / "padcom")


class _Lines:
    """A process's stdout lines, each waited for at most ``seconds``."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout

        def read() -> None:
            for text in stream:
                self.lines.put(text)

        threading.Thread(target=read, daemon=True).start()

    def until(self, wanted: str, seconds: float = 20) -> list[str]:
        """The lines up to and with the first that holds ``wanted``."""
        seen: list[str] = []
        while not seen or wanted not in seen[-1]:
            seen.append(self.lines.get(timeout=seconds).rstrip("\n"))
        return seen


def test_a_customer_watches_the_outage_on_their_server_as_it_happens(
    live: Live, tmp_path: Path
) -> None:
    agent = live.person("agent")
    mine = hosted(live, agent, "web-31", "watched.example")
    env = dict(
        os.environ,
        PADCOM_URL=live.url,
        PADCOM_TOKEN=mine.customer.token,
        PADCOM_CONFIG=str(tmp_path / "none.toml"),
        NO_COLOR="1",
        COLUMNS="200",
    )
    watch = subprocess.Popen(
        [PADCOM, "status", "--watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    out = _Lines(watch)
    try:
        out.until("All systems normal")
        api = agent.api()
        api.post("/incidents", json={"title": "web-32 slow", "servers": ["web-32"]})  # not theirs
        made = api.post("/incidents", json={"title": "web-31 down", "servers": ["web-31"]})
        number = made.json()["number"]
        filed = mine.customer.api().post("/tickets", json={"subject": "Still down?", "body": "-"})
        assert filed.status_code == 201
        api.post(f"/incidents/{number}/updates", json={"body": "Disk replaced, booting."})
        api.post(f"/incidents/{number}/updates", json={"body": "secret", "internal": True})
        api.post(f"/incidents/{number}/resolve", json={"body": "All sites answer again."})

        declared = out.until(f"incident #{number} declared: web-31 down")
        assert len(declared) == 1, declared  # nothing of web-32 came before it
        updated = out.until("Disk replaced, booting.")
        assert updated[0].endswith(f"incident #{number}: update posted"), updated
        resolved = out.until(f"incident #{number} resolved")
        printed = "\n".join(declared + updated + resolved)
        assert "Still down?" not in printed and "secret" not in printed and "web-32" not in printed
    finally:
        watch.terminate()
        watch.wait(10)
