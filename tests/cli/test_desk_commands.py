"""Staff at the shell: tag tickets, find them by tag, keep canned replies, answer and set waiting."""

from __future__ import annotations

import json

from tests.cli.conftest import Padcom
from tests.support.live import Live
from tests.support.tickets import file_number


def test_an_agent_tags_a_ticket_and_lists_by_tag(live: Live, padcom: Padcom) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    down = file_number(customer, "Website down")
    other = file_number(customer, "Invoice question")
    tagged = padcom("ticket", "tag", str(down), "add", "Outage", "fra1", as_=agent)
    assert tagged.exit_code == 0, tagged.output
    assert tagged.stdout.strip() == "fra1, outage"
    listed = padcom("ticket", "list", "--tag", "outage", "--json", as_=agent)
    assert listed.exit_code == 0, listed.output
    numbers = [t["number"] for t in json.loads(listed.stdout)]
    assert down in numbers and other not in numbers
    table = padcom("ticket", "list", "--tag", "outage", as_=agent)
    assert "Tags" in table.stdout and "fra1,outage" in table.stdout
    figures = padcom("stats", as_=agent)
    assert "Open by tag" in figures.stdout and "outage" in figures.stdout
    assert "by tag" not in padcom("stats", as_=customer).stdout  # tags are staff-only
    removed = padcom("ticket", "tag", str(down), "remove", "fra1", as_=agent)
    assert removed.stdout.strip() == "outage"
    refused = padcom("ticket", "tag", str(down), "add", "two words", as_=agent)
    assert refused.exit_code != 0 and "one word" in refused.stderr
    by_customer = padcom("ticket", "list", "--tag", "outage", as_=customer)
    assert by_customer.exit_code != 0


def test_canned_replies_from_add_to_send_and_set_waiting(live: Live, padcom: Padcom) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_number(customer, "Website down")
    body = "Hello {customer.name}, #{ticket.number} needs your logs."
    added = padcom("canned", "add", "Need logs", "-b", body, as_=agent)
    assert added.exit_code == 0, added.output
    rid = int(added.stdout)
    listed = padcom("canned", "list", as_=agent)
    assert "Need logs" in listed.stdout and "mine" in listed.stdout
    shown = padcom("canned", "show", str(rid), as_=agent)
    assert "{customer.name}, {ticket.number}" in shown.stdout
    typo = padcom("canned", "add", "Typo", "-b", "Hi {custmer.name}", as_=agent)
    assert typo.exit_code != 0 and "unknown placeholder {custmer.name}" in typo.stderr
    sent = padcom(
        "ticket", "reply", str(number), "--canned", str(rid), "--set", "waiting", as_=agent
    )
    assert sent.exit_code == 0, sent.output
    ticket = agent.api().get(f"/tickets/{number}").json()
    assert ticket["status"] == "waiting"
    last = customer.api().get(f"/tickets/{number}/messages").json()[-1]
    assert last["body"] == f"Hello {customer.user.name}, #{number} needs your logs."
    edited = padcom("canned", "edit", str(rid), "--name", "Logs please", as_=agent)
    assert edited.exit_code == 0, edited.output
    assert padcom("canned", "delete", str(rid), as_=agent).exit_code == 0
    assert padcom("canned", "show", str(rid), as_=agent).exit_code != 0
    assert padcom("canned", "list", as_=customer).exit_code != 0


def test_an_agent_lists_and_applies_a_macro(live: Live, padcom: Padcom) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_number(customer, "Cheap pills")
    actions = [{"action": "status", "value": "closed"}, {"action": "add_tags", "value": ["spam"]}]
    made = agent.api().post("/macros", json={"name": "Spam", "actions": actions})
    macro = made.json()["id"]
    listed = padcom("macros", as_=agent)
    assert "Spam" in listed.stdout and "add_tags" in listed.stdout
    stale = padcom("ticket", "macro", str(number), str(macro), "--if-version", "4", as_=agent)
    assert stale.exit_code == 5
    applied = padcom("ticket", "macro", str(number), str(macro), as_=agent)
    assert applied.exit_code == 0, applied.output
    assert "closed" in applied.stdout and "spam" in applied.stdout


def test_a_reply_based_on_a_version_a_colleague_answered_since_exits_5(
    live: Live, padcom: Padcom
) -> None:
    customer, kim, lee = live.person("customer"), live.person("agent"), live.person("agent")
    number = file_number(customer, "Mail bounces")
    seen = kim.api().get(f"/tickets/{number}").json()["version"]
    lee.api().post(
        f"/tickets/{number}/messages", json={"body": "Fixed the MX record.\nLee"}
    ).raise_for_status()
    late = padcom(
        "ticket", "reply", str(number), "-b", "Looking.", "--if-version", str(seen), as_=kim
    )
    assert late.exit_code == 5, late.output
    assert f"ticket #{number} changed since version {seen}" in late.stderr
    assert f'{lee.user.name}: replied; status: new → open — "Fixed the MX record."' in late.stderr
    bodies = [m["body"] for m in customer.api().get(f"/tickets/{number}/messages").json()]
    assert bodies == ["Fixed the MX record.\nLee"]
    now = str(seen + 1)
    sent = padcom("ticket", "reply", str(number), "-b", "Looking.", "--if-version", now, as_=kim)
    assert sent.exit_code == 0, sent.output


def test_an_admin_keeps_the_allow_list_of_tags_from_the_shell(live: Live, padcom: Padcom) -> None:
    customer, agent, admin = live.person("customer"), live.person("agent"), live.person("admin")
    number = file_number(customer, "Cheap pills")
    try:
        allowed = padcom("tags", "allow", "Spam", "outage", as_=admin)
        assert allowed.exit_code == 0, allowed.output
        assert allowed.stdout.strip() == "Allowed: outage, spam (only these may be put on tickets)"
        assert padcom("tags", "allow", "billing", as_=agent).exit_code == 4  # admins only
        outside = padcom("ticket", "tag", str(number), "add", "whatever", as_=agent)
        assert outside.exit_code == 2 and "not on the list of allowed tags" in outside.stderr
        assert padcom("ticket", "tag", str(number), "add", "spam", as_=agent).exit_code == 0
        listed = padcom("tags", "list", as_=agent)
        assert listed.exit_code == 0, listed.output
        assert listed.stdout.startswith("Allowed: outage, spam")
        used = {t["tag"]: t["tickets"] for t in agent.api().get("/tags").json()["used"]}
        assert ["spam", str(used["spam"])] in [row.split() for row in listed.stdout.splitlines()]
        as_json = json.loads(padcom("tags", "allow", "billing", "--json", as_=admin).stdout)
        assert as_json["allowed"] == ["billing", "outage", "spam"]
        assert {"tag": "spam", "tickets": used["spam"]} in as_json["used"]
        dropped = padcom("tags", "disallow", "spam", "billing", "--json", as_=admin)
        assert json.loads(dropped.stdout)["allowed"] == ["outage"]
        last = padcom("tags", "disallow", "outage", as_=admin)
        assert last.exit_code == 2 and "any word" in last.stderr  # nothing changed
        assert json.loads(padcom("tags", "list", "--json", as_=agent).stdout)["allowed"] == [
            "outage"
        ]
        assert agent.api().get(f"/tickets/{number}").json()["tags"] == ["spam"]  # kept
        for wrong in (["tags", "allow"], ["tags", "allow", "x", "--any"], ["tags", "disallow"]):
            assert padcom(*wrong, as_=admin).exit_code == 2, wrong
        assert padcom("tags", "list", as_=customer).exit_code == 4
    finally:
        freed = padcom("tags", "allow", "--any", as_=admin)
    assert freed.stdout.strip() == "Allowed: any word (no allow-list)"
