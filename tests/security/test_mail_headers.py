"""Hostile subjects and names cannot add a header to any notification mail.

A customer files a ticket whose subject, and an admin renames people to names,
that try every way into a header: RFC 2047 encoded words (Q and B) carrying
CR/LF or LF alone, raw line breaks, U+2028 and U+0085, folding whitespace,
unknown and broken charsets, very long words. The real SMTP server's raw bytes
must show one header block of the headers Padcom writes, each once, every line
break a CRLF, and a text/plain body that carries the customer's text as data.
"""

from __future__ import annotations

import base64
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
from email import message_from_bytes, policy

import pytest

from server.outbox import mime, smtp
from server.outbox.settings import MailSettings
from tests.live.mailbox import Mailbox
from tests.live.outbox_support import fresh_mailbox, mailing_helpdesk
from tests.support.live import Live, Person
from tests.support.ports import free_port

OUR_HEADERS = {
    "from", "to", "subject", "date", "message-id", "auto-submitted",
    "mime-version", "content-type", "content-transfer-encoding",
}  # fmt: skip
INJECTED = "Reply-To: evil@attacker.test\r\nContent-Type: text/html\r\n\r\n<b>Pay here</b>"

mailbox = pytest.fixture(scope="module", name="mailbox")(fresh_mailbox)
helpdesk = pytest.fixture(scope="module", name="helpdesk")(mailing_helpdesk)


def _b(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?b?{base64.b64encode(text.encode()).decode()}?="


HOSTILE = [
    "=?utf-8?q?Hi=0D=0AReply-To:_evil@attacker.test=0D=0AContent-Type:_text/html?=",
    f"Invoice {_b('x' + INJECTED)}",
    "=?UTF-8?Q?Hi=0AX-Injected:_lf-only?=",
    "=?utf-8?q?Hi=0DX-Injected:_cr-only?=",
    f"{_b('Hi')} {_b(chr(13) + chr(10) + 'X-Injected: adjacent')}",
    "=?iso-8859-1?q?Hi=0D=0AX-Injected:_latin1?=",
    "=?x-no-such-charset?q?Hi=0D=0AX-Injected:_unknown?=",
    "=?utf-8?b?/w==?= broken utf-8",
    "Grüße =?utf-8?b?/w==?=",
    "=?utf-8?q?=FF=FE=0D=0AX-Injected:_broken?=",
    "=?utf-8?b?not base64!?= =?utf-8?q?unterminated",
    "Hi\r\nX-Injected: raw crlf",
    "Hi\nX-Injected: raw lf",
    "Hi\u2028X-Injected: line separator\u2029",
    "Hi\x85X-Injected: next line",
    "Hi\r\n X-Folded: continuation\r\n\tX-Tab: folded",
    "=?utf-8?q?" + "A" * 150 + "=0D=0AX-Injected:_long?=",
    "W" * 190,
]


@pytest.fixture(scope="module")
def team(helpdesk: Live) -> tuple[Person, Person]:
    """The one agent (every agent hears of new tickets) and an admin who renames people."""
    return helpdesk.person("agent"), helpdesk.person("admin")


def _raw_mails(mailbox: Mailbox, to: str, number: int, count: int) -> list[bytes]:
    """The raw bytes of the first ``count`` mails to ``to`` about ticket ``number``."""

    def about(raw: bytes) -> bool:
        subject = message_from_bytes(raw, policy=policy.default)["Subject"]
        return f"[Padcom #{number}]" in str(subject)

    deadline = time.monotonic() + 15
    while True:
        found = [raw for rcpt, raw in list(mailbox.raw) if rcpt == to and about(raw)]
        if len(found) >= count:
            return found[:count]
        if time.monotonic() > deadline:
            raise AssertionError(f"{to} got {len(found)} of {count} mails on #{number}")
        time.sleep(0.02)


def assert_one_clean_header_block(raw: bytes) -> None:
    """Only our headers, each once; CRLF line breaks only; a text/plain body of data."""
    head, separator, _ = raw.partition(b"\r\n\r\n")
    assert separator, "no end of headers"
    assert re.search(rb"\r(?!\n)|(?<!\r)\n", head) is None, "a bare CR or LF in the headers"
    names = []
    for line in head.split(b"\r\n"):
        assert len(line) <= 998
        if line[:1] in (b" ", b"\t"):
            continue  # a folded continuation
        name, colon, _ = line.partition(b":")
        assert colon, f"a header line without a name: {line!r}"
        names.append(name.decode().lower())
    assert set(names) == OUR_HEADERS, names
    assert len(names) == len(OUR_HEADERS), names
    parsed = message_from_bytes(raw, policy=policy.default)
    assert not parsed.is_multipart()
    assert parsed.get_content_type() == "text/plain"
    assert parsed["Reply-To"] is None and parsed["X-Injected"] is None
    for header in ("Subject", "To"):
        assert not re.search(r"[\r\n\x85\u2028\u2029]", str(parsed[header]))


def _rename(admin: Person, person: Person, name: str) -> None:
    response = admin.api().patch(f"/users/{person.id}", json={"name": name})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_subjects_and_names_stay_inside_their_header(
    helpdesk: Live, mailbox: Mailbox, team: tuple[Person, Person], hostile: str
) -> None:
    agent, admin = team
    customer = helpdesk.person("customer")
    name = hostile[:200].strip() or "x"
    _rename(admin, customer, name)
    _rename(admin, agent, name)

    body = f"My site is down.\r\n\r\n{INJECTED}\r\n.\r\n"
    subject = hostile
    if len(hostile.splitlines()) > 1:  # a subject is one line; the names above still carry it
        refused = customer.api().post("/tickets", json={"subject": hostile, "body": body})
        assert refused.status_code == 422, refused.text
        subject = " ".join(hostile.splitlines())
    filed = customer.api().post("/tickets", json={"subject": subject, "body": body})
    assert filed.status_code == 201, filed.text
    number = filed.json()["number"]
    (new_ticket,) = _raw_mails(mailbox, agent.email, number, 1)

    answered = agent.api().post(f"/tickets/{number}/messages", json={"body": "We are on it."})
    assert answered.status_code == 201, answered.text
    (new_reply,) = _raw_mails(mailbox, customer.email, number, 1)
    replied = customer.api().post(f"/tickets/{number}/messages", json={"body": INJECTED})
    assert replied.status_code == 201, replied.text
    _, customer_reply = _raw_mails(mailbox, agent.email, number, 2)

    for raw in (new_ticket, new_reply, customer_reply):
        assert_one_clean_header_block(raw)
    shown = message_from_bytes(new_ticket, policy=policy.default)
    assert shown["Subject"].startswith(f"[Padcom #{number}] New ticket: ")
    assert INJECTED.replace("\r\n", "\n") in shown.get_content().replace("\r\n", "\n")


@pytest.mark.parametrize(
    "text",
    [
        "lone surrogate \ud800 here \udfff",
        "=?utf-8?b?" + base64.b64encode(b"\xed\xa0\x80\r\nX-Injected: 1").decode() + "?=",
        "x" * 5000,
        "=?utf-8?q?" + "=0D=0AX-Injected:_1" * 300 + "?=",
        "\u202eevil\u200b\ufeff\x00\x1b[2J\r\nX-Injected: 1",
    ],
)
def test_text_from_anywhere_composes_into_one_header_block(mailbox: Mailbox, text: str) -> None:
    """Whatever reaches a payload (an older row, another writer): the same guarantee."""
    settings = MailSettings(host="127.0.0.1", port=mailbox.port, security="none")
    to = f"probe{abs(hash(text))}@padcom.test"
    payload = {"subject": text, "body": text, "message_id": "<probe.1@padcom.test>"}
    outcomes = list(smtp.send_all(settings, [smtp.Outgoing(1, to, text, payload)]))
    assert outcomes == [(1, smtp.SENT)]
    (raw,) = [raw for rcpt, raw in mailbox.wait_for_raw(to, 1)]
    assert_one_clean_header_block(raw)


def _interpreters() -> dict[str, str]:
    """One working interpreter per Python version found here (PATH, pyenv), by version."""
    candidates = [
        sys.executable,
        *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3"))),
    ]
    candidates += [found for n in range(11, 15) if (found := shutil.which(f"python3.{n}"))]
    versions: dict[str, str] = {}
    for python in candidates:
        ask = [python, "-c", "import sys; print(sys.version.split()[0])"]
        done = subprocess.run(ask, capture_output=True, text=True, timeout=30, check=False)
        version = done.stdout.strip()
        if done.returncode == 0 and tuple(int(n) for n in version.split(".")[:2]) >= (3, 11):
            versions.setdefault(version, python)
    return versions


INTERPRETERS = _interpreters()
_COMPOSE = """
import base64, importlib.util, json, sys
spec = importlib.util.spec_from_file_location("mime", sys.argv[1])
mime = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mime)
out = []
for text in json.loads(sys.stdin.read()):
    raw = mime.build(sender="help@padcom.test", to="a@padcom.test", to_name=text,
                     subject=text, body=text, message_id="<same.1@padcom.test>")
    out.append(base64.b64encode(raw).decode())
print(json.dumps(out))
"""


def _composed_by(python: str) -> list[bytes]:
    """The mails ``python`` writes for HOSTILE (the time in each Date line left out)."""
    done = subprocess.run(
        [python, "-c", _COMPOSE, mime.__file__],
        input=json.dumps(HOSTILE),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    raws = [base64.b64decode(item) for item in json.loads(done.stdout)]
    return [re.sub(rb"\r\nDate: [^\r]*", b"\r\nDate: (when)", raw) for raw in raws]


@pytest.mark.skipif(len(INTERPRETERS) < 2, reason="needs two Python versions on PATH")
def test_every_python_patch_level_writes_the_same_bytes() -> None:
    """3.11 and 3.13 treated encoded words differently; the bytes must not."""
    first, *others = [_composed_by(python) for python in INTERPRETERS.values()]
    for raw in first:
        assert_one_clean_header_block(raw)
    for composed in others:
        assert composed == first


def test_an_address_beyond_ascii_goes_out_with_smtputf8_and_nothing_else_does() -> None:
    """jörg@example.com reaches a server that offers SMTPUTF8, raw in one To line; an
    address carrying a line break, a space or a second @ is never written at all."""
    box = Mailbox(free_port(), utf8=True).start()
    try:
        settings = MailSettings(host="127.0.0.1", port=box.port, security="none")
        payload = {"subject": "Quota", "body": "95%", "message_id": "<utf8.1@padcom.test>"}
        good = "jörg@example.com"
        bad = ["jörg\r\nBcc: x@evil.test@example.com", "jö rg@example.com", "jörg@a@example.com"]
        mails = [smtp.Outgoing(i, to, "Jörg", payload) for i, to in enumerate([good, *bad])]
        outcomes = dict(smtp.send_all(settings, mails))
        assert outcomes[0] == smtp.SENT
        assert all(
            o.permanent and "not a deliverable address" in str(o.error)
            for o in list(outcomes.values())[1:]
        )
        (rcpt, raw), *more = box.wait_for_raw(good, 1)
        assert not more and rcpt == good
        assert_one_clean_header_block(raw)
        assert f"<{good}>".encode() in raw.split(b"\r\n\r\n")[0]
        assert len(box.raw) == 1
    finally:
        box.stop()
