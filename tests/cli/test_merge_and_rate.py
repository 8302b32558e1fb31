"""Staff merge duplicates and file for customers who phoned, customers rate a resolution,
all with ``padcom``: the words printed, the exit codes, and what the server then holds."""

from __future__ import annotations

import json

import httpx

from tests.cli.conftest import Padcom
from tests.support.live import Live
from tests.support.tickets import file_number


def _resolve(api: httpx.Client, number: int) -> None:
    version = api.get(f"/tickets/{number}").json()["version"]
    answer = api.patch(
        f"/tickets/{number}", json={"status": "resolved"}, headers={"If-Match": f'"{version}"'}
    )
    assert answer.status_code == 200, answer.text


def test_an_agent_merges_a_duplicate_and_undoes_it(live: Live, padcom: Padcom) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    target, duplicate = file_number(customer, "Site slow"), file_number(customer, "Site slow too")
    merged = padcom("ticket", "merge", str(duplicate), "--into", str(target), as_=agent)
    assert merged.exit_code == 0, merged.output
    assert (
        f"Merged ticket #{duplicate} into #{target} (Site slow); #{duplicate} is closed."
        in merged.stdout
    )
    assert agent.api().get(f"/tickets/{target}").json()["merged"] == [duplicate]
    shown = padcom("ticket", "show", str(duplicate), as_=customer)
    assert f"merged into #{target}" in shown.stdout

    undone = padcom("ticket", "unmerge", str(duplicate), "--json", as_=agent)
    assert undone.exit_code == 0, undone.output
    assert json.loads(undone.stdout)["merged_into"] is None


def test_merging_across_organizations_needs_the_flag(live: Live, padcom: Padcom) -> None:
    anna, ben, agent = live.person("customer"), live.person("customer"), live.person("agent")
    target, duplicate = file_number(anna, "Outage"), file_number(ben, "Outage here too")
    refused = padcom("ticket", "merge", str(duplicate), "--into", str(target), as_=agent)
    assert refused.exit_code == 5
    assert "--across-organizations" in refused.stderr or "across_organizations" in refused.stderr
    assert agent.api().get(f"/tickets/{duplicate}").json()["merged_into"] is None
    merged = padcom(
        "ticket",
        "merge",
        str(duplicate),
        "--into",
        str(target),
        "--across-organizations",
        as_=agent,
    )
    assert merged.exit_code == 0, merged.output
    customer_tries = padcom("ticket", "merge", str(target), "--into", str(duplicate), as_=anna)
    assert customer_tries.exit_code in (3, 4)


def test_an_agent_files_for_a_customer_who_phoned(live: Live, padcom: Padcom) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    result = padcom(
        "ticket", "new", "--for", customer.email, "-s", "Phoned: FTP refused", "-b", "since noon",
        "-p", "high", as_=agent,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    number = int(result.stdout)
    assert f"Filed for {customer.user.name}; they get a mail about it." in result.stderr
    ticket = customer.api().get(f"/tickets/{number}").json()
    assert ticket["requester"]["id"] == customer.id and ticket["priority"] == "high"
    refused = padcom("ticket", "new", "--for", agent.email, "-s", "x", "-b", "y", as_=customer)
    assert refused.exit_code == 4


def test_a_customer_rates_a_resolved_ticket_once(live: Live, padcom: Padcom) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_number(customer, "Backup restore")
    early = padcom("ticket", "rate", str(number), "good", as_=customer)
    assert early.exit_code == 5 and "not resolved" in early.stderr
    _resolve(agent.api(), number)
    rated = padcom("ticket", "rate", str(number), "bad", "-m", "took a week", as_=customer)
    assert rated.exit_code == 0, rated.output
    assert f"Thank you: ticket #{number} rated bad." in rated.stdout
    assert (
        customer.api().get(f"/tickets/{number}").json()["satisfaction"]["comment"] == "took a week"
    )
    again = padcom("ticket", "rate", str(number), "good", as_=customer)
    assert again.exit_code == 5
    wrong = padcom("ticket", "rate", str(number), "meh", as_=customer)
    assert wrong.exit_code == 2
