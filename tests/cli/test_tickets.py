"""A customer's tickets through ``padcom``: filing, reading, answering, changing, deleting."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.cli.conftest import Padcom
from tests.support.live import Live
from tests.support.tickets import file_number


def test_filing_with_flags_prints_just_the_number(live: Live, padcom: Padcom) -> None:
    anna = live.person("customer")
    result = padcom(
        "ticket", "new", "-s", "Mail bounces", "-b", "Since the DNS move.", "-c", "software",
        "-p", "high", as_=anna,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    number = int(result.stdout)
    assert f"Filed ticket #{number}: Mail bounces" in result.stderr
    ticket = anna.api().get(f"/tickets/{number}").json()
    assert (ticket["subject"], ticket["body"]) == ("Mail bounces", "Since the DNS move.")
    assert (ticket["category"], ticket["priority"]) == ("software", "high")
    assert ticket["service"] is not None  # the account's only service, filled in by the server


def test_filing_with_json_prints_the_ticket(live: Live, padcom: Padcom) -> None:
    ben = live.person("customer")
    result = padcom("ticket", "new", "-s", "Disk full", "-b", "df says 100%", "--json", as_=ben)
    assert result.exit_code == 0
    ticket = json.loads(result.stdout)
    assert ticket["subject"] == "Disk full" and ticket["status"] == "new"
    assert ticket["requester"]["email"] == ben.email and result.stderr == ""


def test_body_file_dash_reads_standard_input(live: Live, padcom: Padcom) -> None:
    cleo = live.person("customer")
    log = "line one\nline two\n\tindented\n"
    result = padcom("ticket", "new", "-s", "Log attached", "-F", "-", "--json", as_=cleo, input=log)
    assert json.loads(result.stdout)["body"] == log


def test_body_file_reads_a_file(live: Live, padcom: Padcom, tmp_path: Path) -> None:
    dora = live.person("customer")
    (tmp_path / "report.txt").write_text("the report", encoding="utf-8")
    result = padcom(
        "ticket", "new", "-s", "Report", "-F", str(tmp_path / "report.txt"), "--json", as_=dora
    )
    assert json.loads(result.stdout)["body"] == "the report"
    missing = padcom("ticket", "new", "-s", "R", "-F", str(tmp_path / "nope.txt"), as_=dora)
    assert missing.exit_code == 2 and "cannot read" in missing.stderr


def test_without_a_terminal_missing_text_is_a_usage_error_and_nothing_is_filed(
    live: Live, padcom: Padcom
) -> None:
    emil = live.person("customer")
    no_subject = padcom("ticket", "new", "-b", "text", as_=emil)
    no_body = padcom("ticket", "new", "-s", "subject", as_=emil)
    empty_body = padcom("ticket", "new", "-s", "subject", "-F", "-", as_=emil, input="  \n")
    for result, words in [(no_subject, "--subject"), (no_body, "--body"), (empty_body, "empty")]:
        assert result.exit_code == 2 and words in result.stderr and result.stdout == ""
    assert emil.api().get("/tickets").json()["items"] == []


def test_a_service_is_chosen_by_id_or_label(live: Live, padcom: Padcom) -> None:
    org = live.organization(services=2)
    fay = live.person("customer", org=org)
    services = fay.api().get("/me").json()["services"]
    by_label = padcom(
        "ticket", "new", "-s", "S", "-b", "B", "--service", services[1]["label"], "--json", as_=fay
    )
    assert json.loads(by_label.stdout)["service"]["id"] == services[1]["id"]
    by_id = padcom(
        "ticket",
        "new",
        "-s",
        "S",
        "-b",
        "B",
        "--service",
        str(services[0]["id"]),
        "--json",
        as_=fay,
    )
    assert json.loads(by_id.stdout)["service"]["id"] == services[0]["id"]
    unknown = padcom("ticket", "new", "-s", "S", "-b", "B", "--service", "nope.example", as_=fay)
    assert unknown.exit_code == 2 and services[0]["label"] in unknown.stderr


def test_list_leaves_closed_tickets_out_unless_asked(live: Live, padcom: Padcom) -> None:
    gus = live.person("customer")
    open_one = file_number(gus, "Open problem")
    closed_one = file_number(gus, "Old problem")
    version = gus.api().get(f"/tickets/{closed_one}").json()["version"]
    gus.api().patch(
        f"/tickets/{closed_one}", json={"status": "closed"}, headers={"If-Match": f'"{version}"'}
    )
    human = padcom("ticket", "list", as_=gus)
    assert human.exit_code == 0
    assert "Open problem" in human.stdout and "Old problem" not in human.stdout
    everything = json.loads(padcom("ticket", "list", "--all", "--json", as_=gus).stdout)
    assert [t["number"] for t in everything] == [closed_one, open_one]  # newest first
    only_closed = json.loads(padcom("ticket", "list", "-s", "closed", "--json", as_=gus).stdout)
    assert [t["number"] for t in only_closed] == [closed_one]
    bad = padcom("ticket", "list", "--status", "opne", as_=gus)
    assert bad.exit_code == 2 and "new, open, waiting" in bad.stderr


def test_list_filters_search_and_limit(live: Live, padcom: Padcom) -> None:
    hana = live.person("customer")
    for subject in ("PHP version", "SSL expired", "PHP memory limit"):
        file_number(hana, subject)
    found = json.loads(padcom("ticket", "list", "-q", "PHP", "--json", as_=hana).stdout)
    assert sorted(t["subject"] for t in found) == ["PHP memory limit", "PHP version"]
    one = json.loads(padcom("ticket", "list", "--limit", "1", "--json", as_=hana).stdout)
    assert [t["subject"] for t in one] == ["PHP memory limit"]
    none = padcom("ticket", "list", "-p", "urgent", as_=hana)
    assert none.exit_code == 0 and "No tickets match." in none.stdout


def test_show_has_properties_and_the_conversation_oldest_first(live: Live, padcom: Padcom) -> None:
    ida = live.person("customer")
    agent = live.person("agent")
    number = file_number(ida, "Backup missing", "Where is last night's backup?")
    for body in ("Looking into it.", "Restored it for you."):
        agent.api().post(f"/tickets/{number}/messages", json={"body": body})
    agent.api().post(
        f"/tickets/{number}/messages", json={"body": "customer is grumpy", "internal": True}
    )
    human = padcom("ticket", "show", str(number), as_=ida)
    assert human.exit_code == 0, human.output
    out = human.stdout
    assert f"#{number} Backup missing" in out
    assert "Where is last night's backup?" in out
    assert out.index("Looking into it.") < out.index("Restored it for you.")
    assert agent.user.name in out and "Conversation (2)" in out
    assert "grumpy" not in out  # internal notes never reach a customer
    assert "open" in out and "just now" in out
    data = json.loads(padcom("ticket", "show", str(number), "--json", as_=ida).stdout)
    assert data["ticket"]["number"] == number
    assert [m["body"] for m in data["messages"]] == ["Looking into it.", "Restored it for you."]
    with_history = padcom("ticket", "show", str(number), "--history", as_=ida)
    assert "History" in with_history.stdout and "new → open" in with_history.stdout


def test_someone_elses_ticket_is_not_found(live: Live, padcom: Padcom) -> None:
    jan, kim = live.person("customer"), live.person("customer")
    number = file_number(jan, "Private")
    for args in (["show", str(number)], ["reply", str(number), "-b", "x"], ["close", str(number)]):
        result = padcom("ticket", *args, as_=kim)
        assert result.exit_code == 3, (args, result.output)
        assert "not found" in result.stderr and result.stdout == ""


def test_reply_from_flags_and_standard_input(live: Live, padcom: Padcom) -> None:
    lea = live.person("customer")
    number = file_number(lea)
    human = padcom("ticket", "reply", str(number), "-b", "Any news?", as_=lea)
    assert human.exit_code == 0 and "Any news?" in human.stdout
    piped = padcom("ticket", "reply", str(number), "-F", "-", "--json", as_=lea, input="Still down")
    assert json.loads(piped.stdout)["body"] == "Still down"
    bodies = [m["body"] for m in lea.api().get(f"/tickets/{number}/messages").json()]
    assert bodies == ["Any news?", "Still down"]
    nothing = padcom("ticket", "reply", str(number), as_=lea)
    assert nothing.exit_code == 2
    echoed = padcom("ticket", "reply", str(number), "-F", "-", as_=lea, input="Found it\n\n")
    after = echoed.stdout.split("  Found it\n")[1]
    assert after.replace(" ", "") == "\n"  # the body's own blank lines are not shown


def test_priority_close_and_reopen(live: Live, padcom: Padcom) -> None:
    max_ = live.person("customer")
    number = file_number(max_)
    raised = padcom("ticket", "priority", str(number), "urgent", as_=max_)
    assert raised.exit_code == 0 and "priority: urgent" in raised.stdout
    closed = json.loads(padcom("ticket", "close", str(number), "--json", as_=max_).stdout)
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    again = padcom("ticket", "close", str(number), as_=max_)
    assert again.exit_code == 0 and "already has status closed" in again.stderr
    reopened = padcom("ticket", "reopen", str(number), as_=max_)
    assert reopened.exit_code == 0 and "status: new" in reopened.stdout  # untouched by staff
    refused = padcom("ticket", "priority", str(number), "extreme", as_=max_)
    assert refused.exit_code == 2
    ticket = max_.api().get(f"/tickets/{number}").json()
    assert (ticket["status"], ticket["priority"]) == ("new", "urgent")


def test_edit_with_flags(live: Live, padcom: Padcom) -> None:
    nina = live.person("customer")
    number = file_number(nina, "Typo in subjcet")
    result = padcom(
        "ticket", "edit", str(number), "-s", "Typo in subject", "-c", "usage", "--json", as_=nina
    )
    assert result.exit_code == 0, result.output
    ticket = json.loads(result.stdout)
    assert (ticket["subject"], ticket["category"]) == ("Typo in subject", "usage")
    nothing = padcom("ticket", "edit", str(number), as_=nina)
    assert nothing.exit_code == 2 and "nothing to change" in nothing.stderr


def test_edit_in_the_editor(live: Live, padcom: Padcom, tmp_path: Path) -> None:
    otto = live.person("customer")
    number = file_number(otto, "Old subject", "Old text")
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "text = open(path).read()\n"
        "assert text.startswith('Old subject\\n\\nOld text\\n'), text\n"
        "open(path, 'w').write('New subject\\n\\nNew text\\n' + text[text.index('# ---'):])\n"
    )
    result = padcom(
        "ticket", "edit", str(number), "--editor", as_=otto, VISUAL=f"{sys.executable} {editor}"
    )
    assert result.exit_code == 0, result.output
    ticket = otto.api().get(f"/tickets/{number}").json()
    assert (ticket["subject"], ticket["body"]) == ("New subject", "New text")


def test_delete_asks_for_yes_without_a_terminal(live: Live, padcom: Padcom) -> None:
    pia = live.person("customer")
    number = file_number(pia)
    refused = padcom("ticket", "delete", str(number), as_=pia)
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert pia.api().get(f"/tickets/{number}").status_code == 200
    deleted = padcom("ticket", "delete", str(number), "--yes", "--json", as_=pia)
    assert json.loads(deleted.stdout) == {"number": number, "deleted": True}
    gone = padcom("ticket", "show", str(number), as_=pia)
    assert gone.exit_code == 3


def test_a_ticket_number_may_be_written_as_people_write_it(live: Live, padcom: Padcom) -> None:
    eve = live.person("customer")
    number = file_number(eve, "Hash sign")
    for spelled in (f"#{number}", str(number)):
        shown = padcom("ticket", "show", spelled, "--json", as_=eve)
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.stdout)["ticket"]["number"] == number
    reply = padcom("ticket", "reply", f"#{number}", "-b", "any news?", as_=eve)
    assert reply.exit_code == 0, reply.output
    assert padcom("ticket", "show", "#x", as_=eve).exit_code == 2


def test_staff_see_that_a_ticket_was_deleted_and_find_it_under_deleted(
    live: Live, padcom: Padcom
) -> None:
    fay, agent = live.person("customer"), live.person("agent")
    number = file_number(fay, "Never mind")
    assert padcom("ticket", "delete", str(number), "--yes", as_=fay).exit_code == 0
    shown = padcom("ticket", "show", f"#{number}", as_=agent)
    assert shown.exit_code == 0, shown.output
    assert "Deleted" in shown.stdout and "by the customer" in shown.stdout
    assert "Due" not in shown.stdout  # its clock stopped
    listed = padcom("ticket", "list", "--json", as_=agent)
    assert number not in [t["number"] for t in json.loads(listed.stdout)]
    deleted = padcom("ticket", "list", "--deleted", "--json", as_=agent)
    found = json.loads(deleted.stdout)
    assert number in [t["number"] for t in found] and all(t["deleted_at"] for t in found)
