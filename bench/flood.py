"""How many tickets one customer can file in 10 s against ``padcom-server serve`` (defaults).

Eight clients share one customer's token and file as fast as the server answers;
meanwhile a customer of another organization files one ticket a second. Prints
how many tickets each got stored and how many were refused (429), so a run
before and after the rate limits can be set side by side.

    .venv/bin/python -m bench.flood [--seconds 10] [--clients 8]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from tests.faults.seed import customer_token
from tests.support.databases import sqlite_url
from tests.support.process import ServerProcess

MAX_REQUESTS_PER_CLIENT = 100_000


def _file(url: str, token: str, until: float, pause: float, seen: Counter[int]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=30) as api:
        for i in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= until:
                return
            reply = api.post("/tickets", json={"subject": f"flood {i}", "body": "again"})
            seen[reply.status_code] += 1  # Counter updates are atomic enough under the GIL
            time.sleep(pause)


def flood(
    url: str, database_url: str, seconds: float, clients: int
) -> tuple[Counter[int], Counter[int]]:
    """(statuses of the flooding customer, statuses of the bystander of another org)."""
    flooder, bystander = customer_token(database_url), customer_token(database_url)
    flooded: Counter[int] = Counter()
    calm: Counter[int] = Counter()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_file, args=(url, flooder, until, 0.0, flooded))
        for _ in range(clients)
    ]
    threads.append(threading.Thread(target=_file, args=(url, bystander, until, 1.0, calm)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return flooded, calm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        database_url = sqlite_url(directory)
        server = ServerProcess(database_url, directory, directory / "server.log").start()
        try:
            flooded, calm = flood(server.url, database_url, args.seconds, args.clients)
        finally:
            server.stop()
    print(
        f"one customer, {args.clients} clients, {args.seconds:.0f} s: "
        f"{flooded[201]} tickets filed, {flooded[429]} refused (429), "
        f"statuses {dict(sorted(flooded.items()))}"
    )
    print(f"a customer of another organization, 1/s: statuses {dict(sorted(calm.items()))}")


if __name__ == "__main__":
    main()
