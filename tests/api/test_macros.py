"""Macros: "Spam: close, tag spam" and "Need logs: reply, set waiting", on one ticket or many."""

from __future__ import annotations

from typing import Any

from tests.support.live import Live, Person
from tests.support.tickets import file_number


def _macro(who: Person, name: str, actions: list[dict[str, Any]], shared: bool = False) -> int:
    made = who.api().post("/macros", json={"name": name, "actions": actions, "shared": shared})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_need_logs_replies_with_the_template_and_sets_waiting_in_one_step(live: Live) -> None:
    customer, agent, admin = live.person("customer"), live.person("agent"), live.person("admin")
    number = file_number(customer, "Website down")
    logs = (
        admin.api()
        .post(
            "/canned-replies",
            json={"name": "Logs", "body": "Hi {customer.name}, please send logs.", "shared": True},
        )
        .json()["id"]
    )
    macro = _macro(
        admin,
        "Need logs",
        [
            {"action": "reply", "value": logs},
            {"action": "status", "value": "waiting"},
            {"action": "assign", "value": "me"},
            {"action": "add_tags", "value": ["Needs-Logs"]},
        ],
        shared=True,
    )
    applied = agent.api().post(f"/tickets/{number}/macros/{macro}", headers={"If-Match": '"1"'})
    assert applied.status_code == 200, applied.text
    ticket = applied.json()
    assert ticket["status"] == "waiting" and ticket["assignee"]["id"] == agent.id
    assert ticket["tags"] == ["needs-logs"]
    messages = customer.api().get(f"/tickets/{number}/messages").json()
    assert messages[-1]["body"] == f"Hi {customer.user.name}, please send logs."
    events = agent.api().get(f"/tickets/{number}/events").json()
    kinds = [e["kind"] for e in events]
    assert kinds[-1] == "macro" and events[-1]["changes"]["macro"] == {
        "id": macro,
        "name": "Need logs",
    }
    assert {"replied", "status", "assigned", "tagged"} <= set(kinds)
    seen = [e["kind"] for e in customer.api().get(f"/tickets/{number}/events").json()]
    assert "macro" not in seen and "tagged" not in seen  # staff-only


def test_a_stale_version_applies_nothing(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_number(customer)
    macro = _macro(
        agent,
        "Spam",
        [{"action": "status", "value": "closed"}, {"action": "add_tags", "value": ["spam"]}],
    )
    stale = agent.api().post(f"/tickets/{number}/macros/{macro}", headers={"If-Match": '"9"'})
    assert stale.status_code == 412
    ticket = agent.api().get(f"/tickets/{number}").json()
    assert ticket["status"] == "new" and ticket["tags"] == []
    assert agent.api().post(f"/tickets/999999/macros/{macro}").status_code == 404
    assert agent.api().post(f"/tickets/{number}/macros/999999").status_code == 404


def test_a_macro_on_a_selection_applies_to_each_and_reports_each(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    first, second, moved = (file_number(customer, f"Buy pills {i}") for i in range(3))
    macro = _macro(
        agent,
        "Spam",
        [{"action": "status", "value": "closed"}, {"action": "add_tags", "value": ["spam"]}],
    )
    answer = agent.api().post(
        f"/macros/{macro}/apply",
        json={
            "tickets": [
                {"number": first},
                {"number": second, "version": 1},
                {"number": moved, "version": 5},
                {"number": 999999},
            ]
        },
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["applied"], body["failed"]) == (2, 2)
    by_number = {r["number"]: r for r in body["results"]}
    assert by_number[first]["ticket"]["status"] == "closed"
    assert by_number[second]["ticket"]["tags"] == ["spam"]
    assert by_number[moved]["error"]["status"] == 412
    assert by_number[999999]["error"]["status"] == 404
    assert agent.api().get(f"/tickets/{moved}").json()["status"] == "new"


def test_bad_macros_are_refused_on_save(live: Live) -> None:
    agent, other = live.person("agent"), live.person("agent")
    theirs = other.api().post("/canned-replies", json={"name": "x", "body": "y"}).json()["id"]
    for actions in (
        [],
        [{"action": "status", "value": "sleeping"}],
        [{"action": "explode", "value": 1}],
        [{"action": "reply", "value": theirs}],
        [{"action": "add_tags", "value": ["two words"]}],
        [{"action": "status", "value": "open"}, {"action": "status", "value": "closed"}],
        [{"action": "status", "value": "new"}],
    ):
        refused = agent.api().post("/macros", json={"name": "Bad", "actions": actions})
        assert refused.status_code == 422, (actions, refused.text)
    shared = agent.api().post(
        "/macros",
        json={"name": "S", "actions": [{"action": "status", "value": "open"}], "shared": True},
    )
    assert shared.status_code == 403


def test_customers_have_no_macros(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_number(customer)
    macro = _macro(agent, "Close", [{"action": "status", "value": "closed"}])
    api = customer.api()
    assert api.get("/macros").status_code == 403
    assert api.post(f"/tickets/{number}/macros/{macro}").status_code == 403
    assert (
        api.post(f"/macros/{macro}/apply", json={"tickets": [{"number": number}]}).status_code
        == 403
    )
    assert api.get(f"/tickets/{number}").json()["status"] == "new"
