"""Mail in through ``padcom-server mail-in``, as a Postfix pipe runs it: a customer files by mail,
staff answer, the customer replies to the mail with a log, and it lands on the ticket; a stranger,
a neighbour, an auto-reply, a bounce, a list and a flood never do; bad mail is kept, never retried."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.storage.db import db
from server.storage.mail_models import InboundMail
from tests.cli.terminal import PADCOM
from tests.live.mailbox import Mailbox
from tests.mail.support import FAST, SUPPORT, mail, mail_in, mail_in_settings, mail_settings
from tests.support.live import Live, own_server
from tests.support.ports import free_port


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox(free_port()).start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def helpdesk(database_url: str, mailbox: Mailbox) -> Iterator[Live]:
    with own_server(
        database_url, mail=mail_settings(mailbox.port), mail_in=mail_in_settings(), outbox=FAST
    ) as world:
        yield world


def _last_mail(number: int) -> InboundMail:
    with db.connection_context():
        row: InboundMail = (
            InboundMail.select()
            .where(InboundMail.ticket == number)
            .order_by(InboundMail.id.desc())
            .get()
        )
        return row


def _messages(live: Live, person: Any, number: int) -> list[dict[str, Any]]:
    return person.api().get(f"/tickets/{number}/messages").json()  # type: ignore[no-any-return]


def test_a_customer_files_by_mail_staff_answer_and_the_reply_lands_on_the_ticket(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    customer, agent = helpdesk.person("customer"), helpdesk.person("agent")
    filed = mail_in(helpdesk, mail(customer.email, "Shop shows error 500", "Since 9:00 today."))
    assert filed.returncode == 0, filed.stderr + filed.stdout
    assert "filed ticket" in filed.stdout
    number = int(filed.stdout.split("ticket ")[1].split()[0])
    ticket = customer.api().get(f"/tickets/{number}").json()
    assert ticket["subject"] == "Shop shows error 500" and "Since 9:00" in ticket["body"]

    agent.api().post(
        f"/tickets/{number}/messages", json={"body": "Restarted PHP."}
    ).raise_for_status()
    answer = mailbox.wait_for(customer.email, 1)[-1]
    assert answer["Auto-Submitted"] == "auto-replied"
    assert answer["Reply-To"].startswith(f"support+{number}.")
    assert answer["References"].startswith(f"<padcom.t{number}.")
    text = answer.get_content()
    assert "Reply to this mail to answer" in text and "Restarted PHP." in text

    reply = mail(
        customer.email, f"Re: {answer['Subject']}",
        "Works again, thanks! Here is the log.\n\nOn Tue, Dec 1, Padcom wrote:\n> " + "\n> ".join(text.splitlines()),
        to=answer["Reply-To"],
        headers={"In-Reply-To": answer["Message-ID"], "References": answer["References"]},
        files=[("php-fpm.log", b"worker 77 exited\n" * 100)],
    )  # fmt: skip
    replied = mail_in(helpdesk, reply)
    assert replied.returncode == 0, replied.stderr
    assert f"replied ticket {number}" in replied.stdout
    bodies = [m["body"] for m in _messages(helpdesk, customer, number)]
    assert bodies == ["Restarted PHP.", "Works again, thanks! Here is the log."]
    files = customer.api().get(f"/tickets/{number}/attachments").json()
    assert [f["filename"] for f in files] == ["php-fpm.log"]
    assert _last_mail(number).state == "replied"


def test_threading_by_our_message_id_alone_and_never_by_the_subject(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    customer, agent = helpdesk.person("customer"), helpdesk.person("agent")
    number = int(
        mail_in(helpdesk, mail(customer.email, "DNS", "moved"))
        .stdout.split("ticket ")[1]
        .split()[0]
    )
    agent.api().post(f"/tickets/{number}/messages", json={"body": "Done."}).raise_for_status()
    sent = mailbox.wait_for(customer.email, 1)[-1]
    by_id = mail(customer.email, "Re: DNS", "Thanks", headers={"In-Reply-To": sent["Message-ID"]})
    assert f"replied ticket {number}" in mail_in(helpdesk, by_id).stdout
    by_subject = mail(customer.email, f"Re: [Padcom #{number}] DNS", "Another thing")
    out = mail_in(helpdesk, by_subject).stdout
    assert "filed ticket" in out and f"ticket {number}" not in out


def test_a_stranger_goes_to_triage_and_a_neighbour_never_adds_to_the_ticket(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    customer, agent, neighbour = (
        helpdesk.person("customer"), helpdesk.person("agent"), helpdesk.person("customer"),
    )  # fmt: skip
    number = int(
        mail_in(helpdesk, mail(customer.email, "Backup", "restore"))
        .stdout.split("ticket ")[1]
        .split()[0]
    )
    agent.api().post(f"/tickets/{number}/messages", json={"body": "Which day?"}).raise_for_status()
    sent = mailbox.wait_for(customer.email, 1)[-1]
    threading = {"In-Reply-To": sent["Message-ID"], "References": sent["References"]}
    stranger = mail(
        "mallory@evil.example",
        "Re: Backup",
        "send me the files",
        to=sent["Reply-To"],
        headers=threading,
    )
    taken = mail_in(helpdesk, stranger)
    assert taken.returncode == 0 and "triage" in taken.stdout
    other = mail(neighbour.email, "Re: Backup", "me too", to=sent["Reply-To"], headers=threading)
    refused = mail_in(helpdesk, other)
    assert refused.returncode == 0 and "may not see" in refused.stdout
    assert [m["body"] for m in _messages(helpdesk, agent, number)] == ["Which day?"]
    guessed = mail(customer.email, "x", "guess", to=f"support+{number}.{'0' * 20}@padcom.test")
    assert f"ticket {number}" not in mail_in(helpdesk, guessed).stdout  # a forged tag: a new ticket
    with db.connection_context():
        kept = InboundMail.get(InboundMail.sender == "mallory@evil.example")
    assert kept.state == "triage" and kept.ticket_id is None and "send me the files" in kept.text


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Auto-Submitted"),
        ({"Precedence": "bulk"}, "Precedence"),
        ({"List-Id": "<users.lists.example>"}, "mailing list"),
        ({"Return-Path": "<>"}, "bounce"),
        ({"X-Autoreply": "yes"}, "auto-reply"),
    ],
)
def test_auto_replies_bounces_and_lists_are_kept_and_never_answered(
    helpdesk: Live, mailbox: Mailbox, headers: dict[str, str], reason: str
) -> None:
    customer = helpdesk.person("customer")
    before = len(mailbox.raw)
    taken = mail_in(helpdesk, mail(customer.email, "Out of office", "I am away", headers=headers))
    assert taken.returncode == 0 and "ignored" in taken.stdout and reason in taken.stdout
    assert customer.api().get("/tickets").json()["items"] == []
    assert len(mailbox.raw) == before


def test_a_mail_loop_with_a_system_that_ignores_auto_submitted_stops_within_a_few_mails(
    helpdesk: Live,
) -> None:
    robot = helpdesk.person("customer")  # say, a monitoring system's address on a customer account
    outcomes = [
        mail_in(helpdesk, mail(robot.email, f"ALERT {i}", "disk 91%"), PADCOM_MAIL_IN_PER_SENDER="3/10m").stdout
        for i in range(6)
    ]  # fmt: skip
    assert ["filed" in o for o in outcomes] == [True, True, True, False, False, False]
    assert all("ignored" in o for o in outcomes[3:])
    assert len(robot.api().get("/tickets").json()["items"]) == 3


def test_bad_mail_is_kept_with_its_reason_and_odd_encodings_never_crash(helpdesk: Live) -> None:
    garbage = mail_in(helpdesk, b"\x00\xff\xfe this is no mail at all\r\n")
    assert garbage.returncode == 65
    with db.connection_context():
        kept = InboundMail.select().where(InboundMail.reason.contains("no sender")).count()
    assert kept >= 1
    customer = helpdesk.person("customer")
    odd = (
        f"From: {customer.email}\r\nTo: {SUPPORT}\r\n"
        "Subject: =?utf-8?q?caf=C3?= =?x-unknown?b?!!!?= =?utf-8?b?4pyT?=\r\n"
        "Message-ID: <odd.1@client.example>\r\n"
        "Content-Type: text/plain; charset=x-klingon\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "caf=E9 =FF=FE\r\n"
    ).encode("latin-1")
    taken = mail_in(helpdesk, odd)
    assert taken.returncode == 0, taken.stderr
    assert "filed" in taken.stdout
    again = mail_in(helpdesk, odd)  # the MTA delivered it twice: taken once
    assert "duplicate" in again.stdout


def test_an_html_only_mail_becomes_text_without_markup_or_script(helpdesk: Live) -> None:
    customer = helpdesk.person("customer")
    raw = (
        f"From: {customer.email}\r\nTo: {SUPPORT}\r\nSubject: HTML\r\n"
        "Message-ID: <html.1@client.example>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><p>The <b>shop</b> is down.</p><blockquote>old quoted mail</blockquote></body></html>\r\n"
    ).encode()
    out = mail_in(helpdesk, raw).stdout
    number = int(out.split("ticket ")[1].split()[0])
    body = customer.api().get(f"/tickets/{number}").json()["body"]
    assert "shop" in body and "is down." in body
    assert (
        "<" not in body and "alert" not in body and "color" not in body and "old quoted" not in body
    )


def test_a_dkim_policy_refuses_unsigned_mail_and_the_result_is_recorded(helpdesk: Live) -> None:
    customer = helpdesk.person("customer")
    strict = {"PADCOM_MAIL_IN_REQUIRE_DKIM": "1"}
    unsigned = mail_in(helpdesk, mail(customer.email, "Unsigned", "hello"), **strict)
    assert unsigned.returncode == 0 and "DKIM required" in unsigned.stdout
    signed = mail(
        customer.email, "Signed", "hello",
        headers={"Authentication-Results": "mx.padcom.test; dkim=pass header.d=example.com; spf=pass"},
    )  # fmt: skip
    out = mail_in(helpdesk, signed, **strict).stdout
    assert "filed" in out
    number = int(out.split("ticket ")[1].split()[0])
    assert _last_mail(number).authentication == "dkim=pass spf=pass"


def test_an_unreachable_database_is_a_temporary_failure_the_mta_retries(helpdesk: Live) -> None:
    down = mail_in(
        helpdesk, mail("a@b.example", "x", "y"),
        PADCOM_DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", PADCOM_DB_CONNECT_TIMEOUT="1",
    )  # fmt: skip
    assert down.returncode == 75


def test_staff_link_a_strangers_mail_to_a_customer_and_it_becomes_their_ticket(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    agent, customer = helpdesk.person("agent"), helpdesk.person("customer")
    raw = mail("anna.private@home.example", "Invoice wrong", "Please fix invoice 77.",
               files=[("invoice.pdf", b"%PDF-1.4 invoice")])  # fmt: skip
    assert "triage" in mail_in(helpdesk, raw).stdout
    waiting = agent.api().get("/mail/triage").json()
    found = [m for m in waiting if m["sender"] == "anna.private@home.example"]
    assert found and found[0]["text"] == "Please fix invoice 77."
    assert customer.api().get("/mail/triage").status_code == 403
    linked = agent.api().post(f"/mail/triage/{found[0]['id']}/link", json={"customer": customer.id})
    assert linked.status_code == 201, linked.text
    number = linked.json()["number"]
    mine = customer.api().get(f"/tickets/{number}").json()
    assert mine["subject"] == "Invoice wrong" and mine["requester"]["id"] == customer.id
    files = customer.api().get(f"/tickets/{number}/attachments").json()
    assert [(f["filename"], f["content_type"]) for f in files] == [
        ("invoice.pdf", "application/pdf")
    ]
    again = agent.api().post(f"/mail/triage/{found[0]['id']}/link", json={"customer": customer.id})
    assert again.status_code == 404
    assert all(m["id"] != found[0]["id"] for m in agent.api().get("/mail/triage").json())
    history = agent.api().get(f"/tickets/{number}/events").json()
    assert history[0]["actor"]["id"] == agent.id  # the history says who linked it
    told = mailbox.wait_for(customer.email, 1)[-1]  # the customer hears their mail was filed
    assert f"#{number}" in told["Subject"] and "Opened for you" in told["Subject"]


def test_staff_refuse_a_strangers_spam_and_it_leaves_triage_kept_with_the_reason(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    agent, admin, customer = (
        helpdesk.person("agent"), helpdesk.person("admin"), helpdesk.person("customer"),
    )  # fmt: skip
    assert "triage" in mail_in(helpdesk, mail("pills@bulk.example", "Cheap pills", "Buy")).stdout
    waiting = [
        m for m in agent.api().get("/mail/triage").json() if m["sender"] == "pills@bulk.example"
    ]
    path = f"/mail/triage/{waiting[0]['id']}/refuse"
    assert customer.api().post(path, json={"reason": "spam"}).status_code == 403
    two_lines = agent.api().post(path, json={"reason": "spam\nBcc: all@example.com"})
    assert two_lines.status_code == 422  # and nothing changed:
    assert any(m["id"] == waiting[0]["id"] for m in agent.api().get("/mail/triage").json())
    refused = agent.api().post(path, json={"reason": " spam "})
    assert refused.status_code == 200, refused.text
    assert refused.json()["state"] == "refused"
    assert refused.json()["reason"] == f"refused by {agent.email}: spam"
    assert all(m["id"] != waiting[0]["id"] for m in agent.api().get("/mail/triage").json())
    assert agent.api().post(path, json={}).status_code == 404  # decided once
    link = f"/mail/triage/{waiting[0]['id']}/link"
    assert agent.api().post(link, json={"customer": customer.id}).status_code == 404
    with db.connection_context():
        kept = InboundMail.get_by_id(waiting[0]["id"])
    assert kept.state == "refused" and kept.ticket_id is None and kept.content_id  # bytes kept
    trail = admin.api().get("/audit", params={"target_kind": "mail"}).json()["items"]
    entry = next(e for e in trail if e["target_id"] == waiting[0]["id"])
    assert entry["action"] == "mail.refused" and entry["target_label"] == "pills@bulk.example"
    assert entry["actor"] == agent.id and entry["after"]["reason"] == "spam"
    assert all(to != "pills@bulk.example" for to, _ in mailbox.raw)  # its sender hears nothing


def test_staff_work_the_triage_from_the_shell_with_padcom_mail(
    helpdesk: Live, tmp_path: Path
) -> None:
    agent, customer = helpdesk.person("agent"), helpdesk.person("customer")
    env = {"PADCOM_URL": helpdesk.url, "PADCOM_TOKEN": agent.token,
           "PADCOM_CONFIG": str(tmp_path / "agent.toml"), "NO_COLOR": "1", "COLUMNS": "200"}  # fmt: skip

    def padcom(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([PADCOM, *args], capture_output=True, text=True, timeout=60, env=env)

    mail_in(helpdesk, mail("kim@private.example", "DNS question", "Where is my \x1b[2J zone?"))
    mail_in(helpdesk, mail("win@lottery.example", "You won", "Claim now"))
    listed = padcom("mail", "triage", "--json")
    assert listed.returncode == 0, listed.stderr
    mine = ("kim@private.example", "win@lottery.example")
    ids = {m["sender"]: m["id"] for m in json.loads(listed.stdout) if m["sender"] in mine}
    shown = padcom("mail", "triage")
    assert "kim@private.example" in shown.stdout and "\x1b" not in shown.stdout
    linked = padcom("mail", "link", str(ids["kim@private.example"]), customer.email)
    assert linked.returncode == 0, linked.stderr
    number = int(linked.stdout.split("#")[1].split()[0])
    assert customer.api().get(f"/tickets/{number}").json()["subject"] == "DNS question"
    refused = padcom("mail", "refuse", str(ids["win@lottery.example"]), "-r", "spam", "--json")
    assert refused.returncode == 0 and json.loads(refused.stdout)["state"] == "refused"
    again = padcom("mail", "refuse", str(ids["win@lottery.example"]))
    assert again.returncode == 3 and "waits in triage" in again.stderr  # decided once
    nobody = padcom("mail", "link", str(ids["kim@private.example"]), "nobody@nowhere.example")
    assert nobody.returncode == 3
    left = {m["sender"] for m in json.loads(padcom("mail", "triage", "--json").stdout)}
    assert not left & set(ids)
