"""Injection strings, malformed JSON, wrong types, huge and deep bodies, Unicode edge cases.

Every one is either stored and returned exactly as sent, or refused with a clean
4xx in the API's error shape; never a 5xx, never a stack trace or a file path.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.live import Live, Person

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE ticket; --",
    '" OR ""="',
    "1) UNION SELECT token_hash FROM token --",
    "%",
    "_",
    "\\",
    "*",
    "[a-z]*",
    "{{7*7}}",
    "${jndi:ldap://127.0.0.1/a}",
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    '{"$where": "1"}',
    "-1",
    "0",
    "99999999999999999999999",
    "me,none",
    ",,,",
]
UNICODE = [
    "\x00",
    "nul\x00inside",
    "\u202egnp.exe",  # right-to-left override
    "zero\u200bwidth\u200d\ufeff",
    "\U0001f525 emoji \U0001f9d1\u200d\U0001f4bb",
    "e\u0301\u0301\u0301\u0301 combining",
    "\x1b[2J\x1b]52;c;cHduZWQ=\x07\x9b31m",
    "line\r\nbreak\u2028sep",
    "x" * 60_000,
]
FILTERS = [
    "q",
    "status",
    "priority",
    "category",
    "assignee",
    "requester",
    "sort",
    "cursor",
    "organization",
]
LEAKS = ("Traceback", "site-packages", '.py"', "/work/", 'File "', "peewee", "psycopg", "sqlite3")


def assert_clean(reply: httpx.Response, *allowed: int) -> None:
    """A 2xx, or a 4xx in the error shape; no 5xx and nothing internal in the text."""
    assert reply.status_code < 500, reply.text[:300]
    for leak in LEAKS:
        assert leak not in reply.text, (leak, reply.text[:300])
    if reply.status_code >= 400:
        error = reply.json()["error"]
        assert set(error) <= {"code", "message", "details"} and error["message"]
    if allowed:
        assert reply.status_code in allowed, (reply.status_code, reply.text[:300])


@pytest.fixture(scope="module")
def alice(live: Live) -> Person:
    person = live.person("customer")
    person.api().post("/tickets", json={"subject": "Baseline", "body": "exists"})
    return person


@pytest.mark.parametrize("value", INJECTIONS + UNICODE, ids=repr)
def test_hostile_filter_values_are_answered_cleanly(live: Live, alice: Person, value: str) -> None:
    api = alice.api()
    for name in FILTERS:
        assert_clean(api.get("/tickets", params={name: value[:1000]}), 200, 400, 422)
    assert_clean(api.get("/events", params={"after": value[:100]}), 200, 422)
    assert api.get("/tickets").json()["items"], "the tickets are still there"


@pytest.mark.parametrize("value", INJECTIONS + UNICODE, ids=repr)
def test_hostile_text_is_stored_intact_or_refused_cleanly(
    live: Live, alice: Person, value: str
) -> None:
    api = alice.api()
    subject = f"s{value}"[:200]
    if len(subject.strip().splitlines()) > 1:  # a subject is one line: a line break is refused
        refused = api.post("/tickets", json={"subject": subject, "body": f"b{value}"})
        assert_clean(refused, 422)
        assert "one line" in refused.json()["error"]["message"]
        subject = subject.splitlines()[0]
    created = api.post("/tickets", json={"subject": subject, "body": f"b{value}"})
    assert_clean(created, 201, 422)
    if created.status_code == 422:
        assert "\x00" in value  # only NUL may be refused (PostgreSQL cannot store it)
        return
    shown = api.get(f"/tickets/{created.json()['number']}").json()
    assert shown["body"] == f"b{value}"
    assert shown["subject"] == subject.strip()
    reply = api.post(f"/tickets/{shown['number']}/messages", json={"body": value})
    assert_clean(reply, 201)
    assert api.get(f"/tickets/{shown['number']}/messages").json()[-1]["body"] == value


RAW_BODIES = [
    b"",
    b"{",
    b'{"subject": "a", "body": "b"',
    b"[]",
    b'"just a string"',
    b"42",
    b"null",
    b'{"subject": 123, "body": "b"}',
    b'{"subject": "a", "body": ["b"]}',
    b'{"subject": "a", "body": {"$gt": ""}}',
    b'{"subject": "a", "body": "b", "priority": "HIGH"}',
    b'{"subject": "a", "body": "b", "service": 1e400}',
    b'{"subject": "a", "body": "b", "service": -1}',
    b'{"subject": "a", "body": "b", "service": 99999999999999999999999}',
    b'{"subject": "", "body": "b"}',
    b'{"subject": "   ", "body": "b"}',
    b'{"subject": "a", "body": "b", "category": null}',
    b'{"subject": "\\ud800", "body": "b"}',
    b'{"subject": "a", "body": "\xff\xfe"}',
    b'{"subject": "a", "subject": "b", "body": "c", "extra": 1}',
    b"\xef\xbb\xbf{}",
    b"[" * 50_000 + b"]" * 50_000,
    b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
]


@pytest.mark.parametrize("raw", RAW_BODIES, ids=lambda b: repr(b[:40]))
def test_malformed_and_mistyped_bodies_are_refused_cleanly(
    live: Live, alice: Person, raw: bytes
) -> None:
    api = alice.api()
    for path in ("/tickets", "/auth/login", "/me/password"):
        reply = api.post(path, content=raw, headers={"Content-Type": "application/json"})
        assert_clean(reply, 400, 401, 403, 422)


def test_a_body_of_the_wrong_content_type_is_refused(live: Live, alice: Person) -> None:
    reply = alice.api().post(
        "/tickets", content=b'{"subject": "a", "body": "b"}', headers={"Content-Type": "text/plain"}
    )
    assert_clean(reply, 400, 415, 422)


def test_an_oversized_body_is_a_413_declared_or_streamed(live: Live, alice: Person) -> None:
    api = alice.api()
    limit = live.settings.max_request_bytes
    declared = api.post("/tickets", json={"subject": "big", "body": "x" * (limit + 10)})
    assert_clean(declared, 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        yield b'{"subject": "big", "body": "'
        for _ in range(limit // 8192 + 2):
            yield b"x" * 8192
        yield b'"}'

    streamed = api.post("/tickets", content=chunks(), headers={"Content-Type": "application/json"})
    assert_clean(streamed, 413)


def test_path_and_header_oddities_are_refused_cleanly(live: Live, alice: Person) -> None:
    api = alice.api()
    for path in (
        "/tickets/0",
        "/tickets/-1",
        "/tickets/abc",
        "/tickets/1e3",
        "/tickets/%00",
        "/tickets/99999999999999999999",
        "/../../etc/passwd",
        "/tickets/1/../../me",
    ):
        assert_clean(api.get(path), 200, 400, 404, 422)
    number = api.get("/tickets").json()["items"][0]["number"]
    for if_match in (b"*", b'"x"', b"W/", b'"1", "2"', b"9" * 40, "\u00e9".encode("latin-1")):
        assert_clean(
            api.patch(
                f"/tickets/{number}", json={"priority": "low"}, headers={b"If-Match": if_match}
            ),
            400,
            412,
            422,
        )
    for key in (b"a b", b"x" * 201, "caf\u00e9".encode("latin-1")):
        assert_clean(
            api.post(
                "/tickets", json={"subject": "a", "body": "b"}, headers={b"Idempotency-Key": key}
            ),
            400,
            422,
        )
    bad_auth = live.anonymous()
    for header in (
        b"Bearer",
        b"Bearer " + b"x" * 5000,
        b"bearer pdc_x",
        b"Token abc",
        "\u00e9".encode("latin-1"),
    ):
        assert_clean(bad_auth.get("/me", headers={b"Authorization": header}), 400, 401, 403)
