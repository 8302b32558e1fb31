"""A customer guessing ticket numbers of another organization finds nothing, on every path.

Organization A files tickets, replies and gets staff notes; the customer of
organization B tries every number through every door: show, edit, delete,
reply, messages, history, list filters, the event log, the live stream and the
statistics. Everything of A's answers exactly like a number that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.security.routes import api_routes
from tests.security.sse import read_until
from tests.support.live import Live, Person


@dataclass
class Scene:
    alice: Person  # organization A
    bert: Person  # organization B
    agent: Person
    numbers: list[int]  # A's tickets
    secret_words: tuple[str, ...] = ("Hemlock", "Quixotic")


@pytest.fixture(scope="module")
def scene(live: Live) -> Scene:
    alice, bert, agent = live.person("customer"), live.person("customer"), live.person("agent")
    api = alice.api()
    numbers = []
    for word in ("Hemlock", "Quixotic"):
        reply = api.post(
            "/tickets", json={"subject": f"{word} server down", "body": f"{word} body"}
        )
        numbers.append(reply.json()["number"])
        api.post(f"/tickets/{numbers[-1]}/messages", json={"body": f"{word} reply"})
        agent.api().post(
            f"/tickets/{numbers[-1]}/messages", json={"body": f"{word} note", "internal": True}
        )
    return Scene(alice, bert, agent, numbers)


def test_another_organizations_ticket_looks_exactly_like_a_missing_one(
    live: Live, scene: Scene
) -> None:
    api = scene.bert.api()
    for number in scene.numbers:
        missing = 10**6 + number
        for path in ("/tickets/{}", "/tickets/{}/messages", "/tickets/{}/events"):
            theirs, nothing = api.get(path.format(number)), api.get(path.format(missing))
            assert theirs.status_code == nothing.status_code == 404
            assert theirs.json()["error"]["code"] == nothing.json()["error"]["code"] == "not_found"
            assert str(number) in theirs.json()["error"]["message"]
            assert "organization" not in theirs.text


def test_nothing_of_another_organization_can_be_changed(live: Live, scene: Scene) -> None:
    api, number = scene.bert.api(), scene.numbers[0]
    before = scene.alice.api().get(f"/tickets/{number}").json()
    attempts = [
        api.patch(f"/tickets/{number}", json={"subject": "pwned"}, headers={"If-Match": '"1"'}),
        api.delete(f"/tickets/{number}"),
        api.post(f"/tickets/{number}/messages", json={"body": "hello neighbour"}),
    ]
    assert [a.status_code for a in attempts] == [404, 404, 404]
    seen = scene.alice.api().get(f"/tickets/{number}").json()
    assert seen == before
    bodies = [m["body"] for m in scene.alice.api().get(f"/tickets/{number}/messages").json()]
    assert "hello neighbour" not in bodies


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "Hemlock"},
        {"q": "%"},
        {"q": "_"},
        {"status": "new,open,waiting,resolved,closed"},
        {"priority": "low,normal,high,urgent"},
        {"category": "hardware,software,usage,security,other"},
        {"assignee": "none"},
        {"sort": "urgency"},
        {"sort": "number"},
        {"sort": "-updated"},
    ],
)
def test_no_list_filter_reaches_another_organization(
    live: Live, scene: Scene, params: dict[str, str]
) -> None:
    api = scene.bert.api()
    reply = api.get("/tickets", params=params)
    assert reply.status_code == 200
    assert not set(scene.numbers) & {t["number"] for t in reply.json()["items"]}


def test_filters_naming_the_other_organization_or_its_people_find_nothing(
    live: Live, scene: Scene
) -> None:
    api = scene.bert.api()
    org_a = scene.alice.user.organization_id
    for params in (
        {"organization": org_a},
        {"requester": scene.alice.id},
        {"assignee": scene.agent.id},
    ):
        reply = api.get("/tickets", params=params)
        found = (
            {t["number"] for t in reply.json().get("items", [])}
            if reply.status_code == 200
            else set()
        )
        assert reply.status_code in (200, 403, 422)
        assert not set(scene.numbers) & found


def test_the_event_log_shows_nothing_of_another_organization(live: Live, scene: Scene) -> None:
    items = scene.bert.api().get("/events", params={"after": 0, "limit": 500}).json()["items"]
    assert not {e["ticket"] for e in items} & set(scene.numbers)


def _has_route(live: Live, key: str) -> bool:
    return key in {r.key for r in api_routes(live.thread.app)}


def test_the_live_stream_shows_nothing_of_another_organization(live: Live, scene: Scene) -> None:
    if not _has_route(live, "GET /api/v1/events/stream"):
        pytest.skip("the live stream is not part of this build")
    mine = scene.bert.api().post("/tickets", json={"subject": "Bert's own", "body": "x"}).json()
    seen = read_until(live.url, scene.bert.token, lambda e: e["ticket"] == mine["number"])
    assert seen and seen[-1]["ticket"] == mine["number"]
    assert not {e["ticket"] for e in seen} & set(scene.numbers)
    for event in seen:
        assert not event.get("internal")


def _counts(stats: dict[str, Any]) -> Any:
    """The figures of ``stats["now"]`` without ages, which grow by themselves."""
    now = stats["now"]
    return {k: v for k, v in now.items() if k != "oldest_open"}, (now.get("oldest_open") or {}).get(
        "number"
    )


def test_statistics_count_only_the_customers_own_tickets(live: Live, scene: Scene) -> None:
    if not _has_route(live, "GET /api/v1/stats"):
        pytest.skip("statistics are not part of this build")
    api = scene.bert.api()
    before = api.get("/stats")
    assert before.status_code == 200
    scene.alice.api().post("/tickets", json={"subject": "Another of A's", "body": "x"})
    after = api.get("/stats")
    assert _counts(after.json()) == _counts(before.json())
    peek = api.get("/stats", params={"organization": scene.alice.user.organization_id})
    assert peek.status_code in (403, 404) or _counts(peek.json()) == _counts(before.json())
    for word in scene.secret_words:
        assert word not in after.text and word not in peek.text
