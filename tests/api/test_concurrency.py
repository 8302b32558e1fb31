"""Edits carry the version they were based on; a stale edit changes nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.api.tickets_support import counts, event_kinds, stored
from tests.support.live import Live
from tests.support.tickets import file_ticket


def test_an_edit_without_if_match_is_refused_with_428(live: Live) -> None:
    api = live.person("customer").api()
    number = file_ticket(api)["number"]
    before, row = counts(), stored(number)
    refused = api.patch(f"/tickets/{number}", json={"subject": "new"})
    assert refused.status_code == 428
    assert refused.json()["error"]["code"] == "precondition_required"
    assert (counts(), stored(number)) == (before, row)


def test_a_stale_edit_gets_412_with_the_current_version_and_changes_nothing(live: Live) -> None:
    org = live.organization()
    ada, bob = live.person("customer", org=org), live.person("customer", org=org)
    number = file_ticket(ada.api())["number"]
    first = bob.api().patch(
        f"/tickets/{number}", json={"priority": "high"}, headers={"If-Match": '"1"'}
    )
    assert first.status_code == 200 and first.headers["etag"] == '"2"'
    assert first.json()["version"] == 2
    before, row, kinds = counts(), stored(number), event_kinds(number)
    stale = ada.api().patch(
        f"/tickets/{number}", json={"subject": "mine"}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    error = stale.json()["error"]
    assert error["code"] == "version_mismatch"
    assert error["details"] == {"current_version": 2}
    assert (counts(), stored(number), event_kinds(number)) == (before, row, kinds)
    assert kinds == ["created", "updated"]


def test_weak_and_unquoted_etags_are_understood(live: Live) -> None:
    api = live.person("customer").api()
    number = file_ticket(api)["number"]
    for version, tag in ((1, 'W/"1"'), (2, "2")):
        reply = api.patch(
            f"/tickets/{number}", json={"subject": f"v{version}"}, headers={"If-Match": tag}
        )
        assert reply.status_code == 200, reply.text
    assert api.get(f"/tickets/{number}").json()["version"] == 3


def test_of_many_simultaneous_edits_of_one_version_exactly_one_wins(live: Live) -> None:
    agent = live.person("agent")
    number = file_ticket(live.person("customer").api())["number"]
    clients = [agent.api() for _ in range(8)]

    def edit(i: int) -> int:
        reply = clients[i].patch(
            f"/tickets/{number}", json={"subject": f"edit {i}"}, headers={"If-Match": '"1"'}
        )
        return reply.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(edit, range(8)))
    assert sorted(statuses) == [200] + [412] * 7
    row = stored(number)
    assert row["version"] == 2
    assert row["subject"] == f"edit {statuses.index(200)}"
    assert event_kinds(number) == ["created", "updated"]


def test_an_edit_that_changes_nothing_keeps_the_version(live: Live) -> None:
    api = live.person("customer").api()
    ticket = file_ticket(api, "Same")
    reply = api.patch(
        f"/tickets/{ticket['number']}", json={"subject": "Same"}, headers={"If-Match": '"1"'}
    )
    assert reply.status_code == 200 and reply.json()["version"] == 1
    assert event_kinds(ticket["number"]) == ["created"]
