"""An agent tags the tickets of one outage in one request, and an admin grows the allow-list.

Tags in ``POST /tickets/bulk`` commute like ``POST /tickets/{n}/tags``: a
customer's reply meanwhile refuses nothing; with a field change the ticket's
version decides for both. A bad word refuses the whole request before any ticket
changes. ``POST /tags/allowed`` puts words on the allow-list and takes them off
without losing a colleague's.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.live import Live, Person
from tests.support.tickets import file_number


def _bulk(agent: Person, numbers: list[int], **changes: Any) -> httpx.Response:
    body = {"tickets": [{"number": n, "version": 1} for n in numbers], "changes": changes}
    return agent.api().post("/tickets/bulk", json=body)


def _ticket(agent: Person, number: int) -> dict[str, Any]:
    found: dict[str, Any] = agent.api().get(f"/tickets/{number}").json()
    return found


def test_an_agent_tags_an_outage_in_one_go_and_a_reply_meanwhile_refuses_nothing(
    live: Live,
) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    numbers = [file_number(customer, f"FRA1 down {i}") for i in range(4)]
    moved = numbers[1]
    customer.api().post(f"/tickets/{moved}/messages", json={"body": "Still down!"})
    assert _ticket(agent, moved)["version"] == 2  # the agent's selection saw version 1

    tagged = _bulk(agent, numbers, add_tags=["Outage", "fra1", "outage"])
    assert tagged.status_code == 200, tagged.text
    assert tagged.json()["refused"] == []
    assert sorted(t["number"] for t in tagged.json()["changed"]) == sorted(numbers)
    for number in numbers:
        ticket = _ticket(agent, number)
        assert ticket["tags"] == ["fra1", "outage"]
        assert ticket["version"] == (2 if number == moved else 1)  # tags leave it alone
    history = agent.api().get(f"/tickets/{numbers[0]}/events").json()
    assert [(e["kind"], e["internal"]) for e in history][-1] == ("tagged", True)

    both = _bulk(agent, numbers, remove_tags=["fra1"], status="open")
    assert both.status_code == 200, both.text
    assert [(r["number"], r["status"]) for r in both.json()["refused"]] == [(moved, 412)]
    assert _ticket(agent, moved)["tags"] == ["fra1", "outage"]  # all of its change or none
    for number in set(numbers) - {moved}:
        ticket = _ticket(agent, number)
        assert (ticket["status"], ticket["tags"]) == ("open", ["outage"])
    unchanged = _bulk(agent, [numbers[0]], add_tags=["outage"])
    assert [t["tags"] for t in unchanged.json()["changed"]] == [["outage"]]
    events = agent.api().get(f"/tickets/{numbers[0]}/events").json()
    assert [e["kind"] for e in events].count("tagged") == 2  # no event when nothing changed


def test_a_bad_tag_word_refuses_the_whole_bulk_change_and_changes_nothing(live: Live) -> None:
    customer, agent, admin = live.person("customer"), live.person("agent"), live.person("admin")
    numbers = [file_number(customer, f"Spam {i}") for i in range(3)]
    admin.api().put("/tags/allowed", json={"allowed": ["spam"]}).raise_for_status()
    try:
        outside = _bulk(agent, numbers, add_tags=["spam", "junk"], priority="low")
        assert outside.status_code == 422, outside.text
        assert outside.json()["error"]["details"]["allowed"] == ["spam"]
        bad: list[dict[str, Any]] = [
            {"add_tags": ["two words"]},
            {"add_tags": ["spam"], "remove_tags": ["SPAM"]},
            {"add_tags": [f"w{i}" for i in range(21)]},
            {"add_tags": "spam"},
        ]
        for changes in bad:
            assert _bulk(agent, numbers, **changes).status_code == 422, changes
        for number in numbers:
            ticket = _ticket(agent, number)
            assert (ticket["tags"], ticket["priority"], ticket["version"]) == ([], "normal", 1)
        assert _bulk(agent, numbers, add_tags=["spam"]).json()["refused"] == []
        assert customer.api().post(
            "/tickets/bulk",
            json={"tickets": [{"number": numbers[0], "version": 1}], "changes": {"add_tags": ["x"]}},
        ).status_code == 403  # fmt: skip
    finally:
        admin.api().put("/tags/allowed", json={"allowed": []}).raise_for_status()


def test_admins_put_words_on_the_allow_list_and_take_them_off(live: Live) -> None:
    agent, admin, other_admin = live.person("agent"), live.person("admin"), live.person("admin")

    def change(who: Person, **words: list[str]) -> httpx.Response:
        return who.api().post("/tags/allowed", json=words)

    assert change(agent, add=["spam"]).status_code == 403
    started = change(admin, add=["Spam", "outage"])
    assert started.status_code == 200, started.text
    assert started.json()["allowed"] == ["outage", "spam"]
    assert change(other_admin, add=["billing"]).json()["allowed"] == ["billing", "outage", "spam"]
    assert change(admin, remove=["spam", "never-there"]).json()["allowed"] == ["billing", "outage"]
    emptied = change(admin, remove=["billing", "outage"])
    assert emptied.status_code == 422  # an empty list would let any word in
    assert "any word" in emptied.json()["error"]["message"]
    assert change(admin, add=["x"], remove=["X"]).status_code == 422
    assert change(admin, add=["two words"]).status_code == 422
    assert agent.api().get("/tags").json()["allowed"] == ["billing", "outage"]
    admin.api().put("/tags/allowed", json={"allowed": []}).raise_for_status()
    assert agent.api().get("/tags").json()["allowed"] == []
