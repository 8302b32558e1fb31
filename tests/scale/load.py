"""A mixed write load through the balancer: customers file tickets, staff reply to them.

Every acknowledged create is remembered, so a story can check that none was lost.
"""

from __future__ import annotations

import threading
from collections import Counter

import httpx


class MixedLoad:
    """``writers`` threads, each doing up to ``rounds`` create-then-reply pairs, until stopped."""

    def __init__(
        self, url: str, customer: str, staff: str, writers: int = 6, rounds: int = 400
    ) -> None:
        self.created: list[int] = []
        self.statuses: Counter[int | str] = Counter()
        self._url, self._customer, self._staff = url, customer, staff
        self._rounds = rounds
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(writers)]
        for thread in self._threads:
            thread.start()

    def _send(
        self, api: httpx.Client, path: str, token: str, body: object
    ) -> httpx.Response | None:
        try:
            reply = api.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:  # the instance died under it: not acknowledged
            self.statuses[type(exc).__name__] += 1
            return None
        self.statuses[reply.status_code] += 1
        return reply

    def _run(self) -> None:
        with httpx.Client(base_url=f"{self._url}/api/v1", timeout=30) as api:
            for n in range(self._rounds):
                if self._stop.is_set():
                    return
                body = {"subject": f"scale {n}", "body": "mixed load"}
                made = self._send(api, "/tickets", self._customer, body)
                if made is None or made.status_code != 201:
                    continue
                number = int(made.json()["number"])
                self.created.append(number)
                self._send(api, f"/tickets/{number}/messages", self._staff, {"body": "on it"})

    def stop(self) -> None:
        """Let each writer finish the pair it is on, then end."""
        self._stop.set()
        self.finish()

    def finish(self) -> None:
        """Wait (bounded) until every writer has done its rounds."""
        for thread in self._threads:
            thread.join(120)
