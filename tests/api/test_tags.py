"""Tags: an agent puts words on tickets, finds and counts tickets by them; a customer never sees one."""

from __future__ import annotations

import httpx

from tests.support.live import Live, Person
from tests.support.tickets import file_number


def _tag(agent: Person, number: int, **body: list[str]) -> httpx.Response:
    return agent.api().post(f"/tickets/{number}/tags", json=body)


def test_an_agent_tags_a_ticket_and_the_words_are_normalised(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_number(customer, "Website down")
    tagged = _tag(agent, number, add=["Outage", "FRA1", "outage"])
    assert tagged.status_code == 200, tagged.text
    ticket = tagged.json()
    assert ticket["tags"] == ["fra1", "outage"]
    assert ticket["version"] == 1  # invisible to the customer: their If-Match still holds
    assert agent.api().get(f"/tickets/{number}").json()["tags"] == ["fra1", "outage"]
    removed = _tag(agent, number, remove=["fra1"])
    assert removed.json()["tags"] == ["outage"]
    history = agent.api().get(f"/tickets/{number}/events").json()
    tagged_events = [e for e in history if e["kind"] == "tagged"]
    assert [e["changes"]["tags"] for e in tagged_events] == [
        [[], ["fra1", "outage"]],
        [["fra1", "outage"], ["outage"]],
    ]
    assert all(e["internal"] for e in tagged_events)


def test_a_customer_never_sees_sets_or_filters_by_tags(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_number(customer)
    _tag(agent, number, add=["angry-customer"]).raise_for_status()
    api = customer.api()
    mine = api.get(f"/tickets/{number}")
    assert "tags" not in mine.json() and b"angry" not in mine.content
    assert b"angry" not in api.get("/tickets").content
    assert b"angry" not in api.get(f"/tickets/{number}/events").content
    assert api.get("/tickets", params={"tag": "angry-customer"}).status_code == 403
    assert api.post(f"/tickets/{number}/tags", json={"add": ["vip"]}).status_code == 403
    assert api.get("/tags").status_code == 403
    stats = api.get("/stats").json()
    assert stats.get("tags") is None
    assert agent.api().get(f"/tickets/{number}").json()["tags"] == ["angry-customer"]


def test_bad_words_are_refused_and_change_nothing(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_number(customer)
    for word in ("two words", "", "x" * 33, "tab\there", "bell\x07", "a,b", "\u200bzero"):
        refused = _tag(agent, number, add=[word])
        assert refused.status_code == 422, (word, refused.text)
    assert agent.api().get(f"/tickets/{number}").json()["tags"] == []
    assert agent.api().post("/tickets/999999/tags", json={"add": ["x"]}).status_code == 404
    stale = agent.api().post(
        f"/tickets/{number}/tags", json={"add": ["x"]}, headers={"If-Match": '"7"'}
    )
    assert stale.status_code == 412
    both = _tag(agent, number, add=["x"], remove=["x"])
    assert both.status_code == 422
    assert agent.api().post(f"/tickets/{number}/tags", json={"add": "spam"}).status_code == 422


def test_the_list_filters_by_any_of_the_tags_given(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    spam, outage, plain = (file_number(customer, s) for s in ("Buy now", "Down", "Question"))
    _tag(agent, spam, add=["spam-filter-test"]).raise_for_status()
    _tag(agent, outage, add=["outage-filter-test"]).raise_for_status()
    api = agent.api()

    def listed(tags: str) -> set[int]:
        page = api.get("/tickets", params={"tag": tags, "limit": 100})
        assert page.status_code == 200, page.text
        return {t["number"] for t in page.json()["items"]}

    assert listed("spam-filter-test") == {spam}
    assert listed("SPAM-filter-test,outage-filter-test") == {spam, outage}
    assert plain not in listed("spam-filter-test,outage-filter-test")
    assert api.get("/tickets", params={"tag": "bad word"}).status_code == 422


def test_an_admin_keeps_an_allow_list_and_stats_count_tags(live: Live) -> None:
    customer, agent, admin = live.person("customer"), live.person("agent"), live.person("admin")
    number = file_number(customer)
    assert (
        agent.api().put("/tags/allowed", json={"allowed": ["spam"]}).status_code == 403
    )  # agents may not
    kept = admin.api().put("/tags/allowed", json={"allowed": ["Spam", "outage", "billing"]})
    assert kept.status_code == 200, kept.text
    assert kept.json()["allowed"] == ["billing", "outage", "spam"]
    refused = _tag(agent, number, add=["whatever"])
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["allowed"] == ["billing", "outage", "spam"]
    _tag(agent, number, add=["outage"]).raise_for_status()
    used = agent.api().get("/tags").json()["used"]
    assert {"tag": "outage", "tickets": 1} in used or any(u["tag"] == "outage" for u in used)
    stats = agent.api().get("/stats").json()["tags"]
    assert any(f["tag"] == "outage" and f["tickets"] >= 1 for f in stats["open"])
    assert any(f["tag"] == "outage" and f["tickets"] >= 1 for f in stats["created"])
    admin.api().put("/tags/allowed", json={"allowed": []}).raise_for_status()
    assert _tag(agent, number, add=["free-again"]).status_code == 200


def test_a_staff_reply_sets_the_status_in_the_same_step(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_number(customer)
    sent = agent.api().post(
        f"/tickets/{number}/messages", json={"body": "Please send logs.", "status": "waiting"}
    )
    assert sent.status_code == 201, sent.text
    ticket = agent.api().get(f"/tickets/{number}").json()
    assert ticket["status"] == "waiting" and ticket["first_response_at"]
    replied = [
        e for e in agent.api().get(f"/tickets/{number}/events").json() if e["kind"] == "replied"
    ]
    assert replied[-1]["changes"]["status"] == ["new", "waiting"]
    refused = customer.api().post(
        f"/tickets/{number}/messages", json={"body": "here", "status": "resolved"}
    )
    assert refused.status_code == 422
    assert (
        agent.api()
        .post(
            f"/tickets/{number}/messages",
            json={"body": "x", "internal": True, "status": "resolved"},
        )
        .status_code
        == 422
    )
