"""Many clients editing one ticket at once: every change is applied or refused with 412.

Twelve clients each read the ticket and try to change it with the version they
saw, a bounded number of times. Afterwards the ticket's version has grown by
exactly the number of 200s, the history holds exactly one update per 200, and
the final subject is the one the last successful writer set: no lost update.
"""

from __future__ import annotations

import threading

import httpx

from tests.support.live import Live

CLIENTS = 12
TRIES = 8


def test_no_update_is_lost_among_twelve_concurrent_editors(live: Live) -> None:
    owner, agent = live.person("customer"), live.person("agent")
    ticket = owner.api().post("/tickets", json={"subject": "start", "body": "x"}).json()
    number, start = ticket["number"], ticket["version"]
    applied: list[tuple[int, str]] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def editor(n: int) -> None:
        person = owner if n % 2 else agent
        with httpx.Client(
            base_url=f"{live.url}/api/v1",
            headers={"Authorization": f"Bearer {person.token}"},
            timeout=30,
        ) as api:
            for i in range(TRIES):
                version = api.get(f"/tickets/{number}").json()["version"]
                subject = f"edit {n}.{i}"
                reply = api.patch(
                    f"/tickets/{number}",
                    json={"subject": subject},
                    headers={"If-Match": f'"{version}"'},
                )
                with lock:
                    statuses.append(reply.status_code)
                    if reply.status_code == 200:
                        applied.append((reply.json()["version"], subject))

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert set(statuses) <= {200, 412}, statuses
    assert len(statuses) == CLIENTS * TRIES
    final = owner.api().get(f"/tickets/{number}").json()
    assert final["version"] == start + len(applied)
    assert sorted(v for v, _ in applied) == list(range(start + 1, final["version"] + 1))
    assert final["subject"] == max(applied)[1]
    history = agent.api().get(f"/tickets/{number}/events").json()
    edits = [e for e in history if e["kind"] != "created" and "subject" in e["changes"]]
    assert len(edits) == len(applied)
