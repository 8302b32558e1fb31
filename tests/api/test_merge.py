"""Merging a duplicate into another ticket, over HTTP on both databases: what staff, the two
customers and their mailboxes see, what is refused, and the undo."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.desk_mail import desk, mailbox
from tests.live.mailbox import Mailbox
from tests.support.live import Live, Person
from tests.support.tickets import file_number

__all__ = ["desk", "mailbox"]  # the fixtures this module's stories use


def _version(api: httpx.Client, number: int) -> int:
    return int(api.get(f"/tickets/{number}").json()["version"])


def _merge(api: httpx.Client, number: int, into: int, **extra: Any) -> httpx.Response:
    body = {"into": into, "into_version": _version(api, into), **extra}
    return api.post(
        f"/tickets/{number}/merge", json=body, headers={"If-Match": f'"{_version(api, number)}"'}
    )


def _reply(who: Person, number: int, body: str, internal: bool = False) -> None:
    answer = who.api().post(
        f"/tickets/{number}/messages", json={"body": body, "internal": internal}
    )
    assert answer.status_code == 201, answer.text


def test_a_duplicate_is_closed_into_its_target_and_both_customers_hear_of_it(
    desk: Live, mailbox: Mailbox
) -> None:
    org = desk.organization()
    anna, ben = desk.person("customer", org=org), desk.person("customer", org=org)
    agent = desk.person("agent")
    target = file_number(anna, "Shop down", "HTTP 500 since 9")
    duplicate = file_number(ben, "Webshop not loading", "blank page")
    _reply(agent, duplicate, "customer called, same outage", internal=True)
    _reply(ben, duplicate, "still blank")

    answer = _merge(agent.api(), duplicate, target)

    assert answer.status_code == 200, answer.text
    assert answer.json()["merged_into"] == target
    assert answer.json()["status"] == "closed"
    staff_view = agent.api().get(f"/tickets/{target}").json()
    assert staff_view["merged"] == [duplicate]
    words = [m["body"] for m in agent.api().get(f"/tickets/{target}/messages").json()]
    assert "still blank" in words and "customer called, same outage" in words
    customer_words = anna.api().get(f"/tickets/{target}/messages").json()
    assert [m["body"] for m in customer_words] == ["still blank"]  # the note stays internal
    assert customer_words[0]["ticket"] == duplicate
    kinds = [e["kind"] for e in anna.api().get(f"/tickets/{target}/events").json()]
    assert kinds.count("merged") == 2  # the target's and the duplicate's, shown together
    ben_mail = mailbox.wait_for(ben.email, 1)[0]
    assert f"Merged into #{target}" in str(ben_mail["Subject"])
    assert f"padcom ticket show {target}" in ben_mail.get_content()
    anna_mail = mailbox.wait_for(anna.email, 1)[0]
    assert f"(#{duplicate}) was merged into your ticket" in anna_mail.get_content()


def test_replies_go_to_the_target_and_the_undo_restores_the_duplicate(desk: Live) -> None:
    customer, agent = desk.person("customer"), desk.person("agent")
    target = file_number(customer, "Mail bounces")
    duplicate = file_number(customer, "Mail bounces again")
    _reply(agent, duplicate, "looking")  # the duplicate is open
    assert _merge(agent.api(), duplicate, target).status_code == 200

    refused = customer.api().post(f"/tickets/{duplicate}/messages", json={"body": "hello?"})
    assert refused.status_code == 409
    assert refused.json()["error"]["details"] == {"merged_into": target}

    version = _version(agent.api(), duplicate)
    undone = agent.api().post(f"/tickets/{duplicate}/unmerge", headers={"If-Match": f'"{version}"'})
    assert undone.status_code == 200, undone.text
    assert undone.json()["merged_into"] is None
    assert undone.json()["status"] == "open"
    assert agent.api().get(f"/tickets/{target}").json()["merged"] == []
    history = [e["kind"] for e in agent.api().get(f"/tickets/{duplicate}/events").json()]
    assert history[-2:] == ["merged", "unmerged"]


def test_across_organizations_only_when_staff_say_so_and_neither_customer_sees_the_other(
    desk: Live,
) -> None:
    anna, ben, agent = desk.person("customer"), desk.person("customer"), desk.person("agent")
    target = file_number(anna, "Datacenter outage?")
    duplicate = file_number(ben, "All my sites are down", "secret hostname db7.internal")

    refused = _merge(agent.api(), duplicate, target)
    assert refused.status_code == 409
    assert refused.json()["error"]["details"] == {"across_organizations_required": True}
    assert agent.api().get(f"/tickets/{duplicate}").json()["merged_into"] is None

    assert _merge(agent.api(), duplicate, target, across_organizations=True).status_code == 200
    seen_by_anna = anna.api().get(f"/tickets/{target}").json()
    assert seen_by_anna["merged"] == []
    assert "db7.internal" not in anna.api().get(f"/tickets/{target}/messages").text
    assert "db7.internal" not in anna.api().get(f"/tickets/{target}/events").text
    assert ben.api().get(f"/tickets/{target}").status_code == 404
    assert ben.api().get(f"/tickets/{duplicate}").json()["merged_into"] == target


def test_stale_versions_and_bad_targets_change_nothing(desk: Live) -> None:
    customer, agent = desk.person("customer"), desk.person("agent")
    api = agent.api()
    target, duplicate = file_number(customer), file_number(customer)
    stale = api.post(
        f"/tickets/{duplicate}/merge",
        json={"into": target, "into_version": _version(api, target) + 1},
        headers={"If-Match": f'"{_version(api, duplicate)}"'},
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["details"]["ticket"] == target
    no_if_match = api.post(f"/tickets/{duplicate}/merge", json={"into": target, "into_version": 1})
    assert no_if_match.status_code == 428
    assert _merge(api, duplicate, duplicate).status_code == 422
    missing = api.post(
        f"/tickets/{duplicate}/merge",
        json={"into": 999_999, "into_version": 1},
        headers={"If-Match": f'"{_version(api, duplicate)}"'},
    )
    assert missing.status_code == 404
    wrong_type = api.post(f"/tickets/{duplicate}/merge", json={"into": "soon", "into_version": 1})
    assert wrong_type.status_code == 422
    assert api.get(f"/tickets/{duplicate}").json()["status"] == "new"

    assert _merge(api, duplicate, target).status_code == 200
    assert _merge(api, duplicate, target).status_code == 409  # already merged
    third = file_number(customer)
    assert _merge(api, third, duplicate).status_code == 409  # not into a merged ticket
    assert _merge(api, target, third).status_code == 409  # a target with duplicates stays one


def test_a_customer_can_neither_merge_nor_unmerge(desk: Live) -> None:
    customer = desk.person("customer")
    first, second = file_number(customer), file_number(customer)
    assert _merge(customer.api(), first, second).status_code == 403
    refused = customer.api().post(f"/tickets/{first}/unmerge", headers={"If-Match": '"1"'})
    assert refused.status_code == 403
