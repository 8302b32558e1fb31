"""A customer attaches the log and the screenshot a hosting problem needs; staff attach theirs.

Every story talks HTTP to a real server. Files are stored once per content,
served only as downloads with a safe name and the type their bytes show, within
the caps (413 naming the limit), and as visible as the message they are on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest

from server.helpdesk.file_limits import FileLimits
from server.storage.db import db
from server.storage.file_models import Blob, BlobChunk
from server.storage.models import Message
from tests.security.sse import read_until
from tests.support.files import upload
from tests.support.live import Live, own_server
from tests.support.tickets import file_number

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
LOG = b"".join(
    f"Dec 01 09:{i % 60:02d} php-fpm[77]: worker exited\n".encode() for i in range(40000)
)


def test_a_customer_files_a_ticket_with_a_log_and_downloads_it_back(live: Live) -> None:
    customer = live.person("customer")
    api = customer.api()
    shown = upload(api, "php-fpm.log", LOG)
    assert shown["size"] == len(LOG) and shown["content_type"] == "text/plain; charset=utf-8"
    number = file_number(api, "PHP crashes", "log attached", attachments=[shown["id"]])
    listed = api.get(f"/tickets/{number}/attachments").json()
    assert [(f["id"], f["filename"], f["message"]) for f in listed] == [
        (shown["id"], "php-fpm.log", None)
    ]
    got = api.get(f"/tickets/{number}/attachments/{shown['id']}")
    assert got.status_code == 200
    assert got.content == LOG
    assert got.headers["content-disposition"] == 'attachment; filename="php-fpm.log"'
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert "sandbox" in got.headers["content-security-policy"]


def test_the_same_file_twice_is_stored_once(live: Live) -> None:
    api = live.person("customer").api()
    data = b"the same screenshot\n" * 20000
    first, second = upload(api, "a.txt", data), upload(api, "b.txt", data)
    assert first["id"] != second["id"]
    sha = hashlib.sha256(data).hexdigest()
    with db.connection_context():
        assert Blob.select().where(Blob.sha256 == sha).count() == 1
        pieces = list(BlobChunk.select().where(BlobChunk.blob == sha).order_by(BlobChunk.seq))
    assert b"".join(bytes(p.data) for p in pieces) == data and len(pieces) > 1


@pytest.mark.parametrize(
    ("name", "data", "declared", "served"),
    [
        ("screenshot.txt", PNG, "text/plain", "image/png"),
        (
            "page.png",
            b"<html><script>alert(1)</script></html>",
            "image/png",
            "text/plain; charset=utf-8",
        ),
        ("pic.svg", b"<svg onload=alert(1)></svg>", "image/svg+xml", "text/plain; charset=utf-8"),
        (
            "core.bin",
            b"\x7fELF\x02\x01\x01\x00" + bytes(64),
            "text/html",
            "application/octet-stream",
        ),
    ],
)
def test_the_type_comes_from_the_bytes_never_from_the_client(
    live: Live, name: str, data: bytes, declared: str, served: str
) -> None:
    api = live.person("customer").api()
    shown = upload(api, name, data, **{"Content-Type": declared})
    number = file_number(api, attachments=[shown["id"]])
    got = api.get(f"/tickets/{number}/attachments/{shown['id']}")
    assert got.headers["content-type"] == served
    assert got.headers["content-disposition"].startswith("attachment;")


def test_a_hostile_name_is_cleaned_and_a_non_ascii_one_kept_by_rfc_5987(live: Live) -> None:
    api = live.person("customer").api()
    shown = upload(api, "../../etc/Prüfbericht\x1b[31m\u202e.txt", b"ok\n")
    assert shown["filename"] == "Prüfbericht[31m.txt"
    number = file_number(api, attachments=[shown["id"]])
    disposition = api.get(f"/tickets/{number}/attachments/{shown['id']}").headers[
        "content-disposition"
    ]
    plain, extended = disposition.split("; filename*=UTF-8''")
    assert plain == 'attachment; filename="Prufbericht_31m.txt"'
    assert unquote(extended) == "Prüfbericht[31m.txt"
    assert "\x1b" not in disposition and "/" not in extended


def test_files_on_a_reply_and_a_note_keep_the_notes_files_from_the_customer(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_number(customer)
    staff = agent.api()
    public = upload(staff, "fix.sh", b"systemctl restart php-fpm\n")
    secret = upload(staff, "billing.txt", b"customer owes 300 EUR\n")
    reply = staff.post(
        f"/tickets/{number}/messages", json={"body": "Run this", "attachments": [public["id"]]}
    )
    note = staff.post(
        f"/tickets/{number}/messages",
        json={"body": "VIP?", "internal": True, "attachments": [secret["id"]]},
    )
    assert reply.status_code == note.status_code == 201
    assert [f["filename"] for f in reply.json()["attachments"]] == ["fix.sh"]
    assert [f["filename"] for f in note.json()["attachments"]] == ["billing.txt"]
    api = customer.api()
    assert [f["filename"] for f in api.get(f"/tickets/{number}/attachments").json()] == ["fix.sh"]
    assert api.get(f"/tickets/{number}/attachments/{secret['id']}").status_code == 404
    messages = api.get(f"/tickets/{number}/messages").json()
    assert [[f["filename"] for f in m["attachments"]] for m in messages] == [["fix.sh"]]
    staff_list = staff.get(f"/tickets/{number}/attachments").json()
    assert [(f["filename"], f["internal"]) for f in staff_list] == [
        ("fix.sh", False),
        ("billing.txt", True),
    ]
    assert (
        staff.get(f"/tickets/{number}/attachments/{secret['id']}").content
        == b"customer owes 300 EUR\n"
    )


def test_another_organization_sees_neither_the_list_nor_the_file(live: Live) -> None:
    owner, neighbour = live.person("customer"), live.person("customer")
    api = owner.api()
    shown = upload(api, "passwd.txt", b"secret\n")
    number = file_number(api, attachments=[shown["id"]])
    other = neighbour.api()
    assert other.get(f"/tickets/{number}/attachments").status_code == 404
    assert other.get(f"/tickets/{number}/attachments/{shown['id']}").status_code == 404
    own = file_number(other)  # a file id of another ticket does not open through one's own
    assert other.get(f"/tickets/{own}/attachments/{shown['id']}").status_code == 404


def test_only_the_uploader_can_attach_an_upload_and_a_refused_reply_stores_nothing(
    live: Live,
) -> None:
    owner, thief = live.person("customer"), live.person("customer")
    shown = upload(owner.api(), "id_rsa", b"-----BEGIN OPENSSH PRIVATE KEY-----\n")
    number = file_number(thief)
    with db.connection_context():
        before = Message.select().where(Message.ticket == number).count()
    stolen = thief.api().post(
        f"/tickets/{number}/messages", json={"body": "mine now", "attachments": [shown["id"]]}
    )
    assert stolen.status_code == 422, stolen.text
    assert "no upload" in stolen.json()["error"]["message"]
    with db.connection_context():
        assert Message.select().where(Message.ticket == number).count() == before
    assert thief.api().get(f"/tickets/{number}/attachments").json() == []
    twice = file_number(owner, attachments=[shown["id"]])  # still the owner's to attach, once
    again = owner.api().post(
        f"/tickets/{twice}/messages", json={"body": "x", "attachments": [shown["id"]]}
    )
    assert again.status_code == 422


@pytest.fixture(scope="module")
def capped(database_url: str) -> Iterator[Live]:
    """A server whose caps are small: 1000 bytes a file, 2500 a ticket."""
    limits = FileLimits(max_file_bytes=1000, max_ticket_bytes=2500, max_files_per_message=5)
    with own_server(database_url, files=limits) as world:
        yield world


def test_a_file_over_the_cap_is_a_413_naming_the_limit(capped: Live) -> None:
    api = capped.person("customer").api()
    declared = api.post("/uploads", params={"name": "big.log"}, content=b"x" * 1001)
    assert declared.status_code == 413
    assert "1000" in declared.json()["error"]["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b"y" * 600
        yield b"y" * 600

    streamed = api.post("/uploads", params={"name": "big.log"}, content=chunks())
    assert streamed.status_code == 413
    error = streamed.json()["error"]
    assert error["code"] == "too_large" and "1000 bytes" in error["message"]
    assert "PADCOM_ATTACHMENT_MAX_BYTES" in error["message"]
    assert api.get("/limits").json()["max_file_bytes"] == 1000


def test_a_ticket_over_its_cap_is_a_413_and_the_reply_is_not_stored(capped: Live) -> None:
    customer = capped.person("customer")
    api = customer.api()
    first = [upload(api, f"part{i}.log", bytes([65 + i]) * 900)["id"] for i in range(2)]
    number = file_number(api, attachments=first)
    third = upload(api, "part3.log", b"C" * 900)["id"]
    refused = api.post(f"/tickets/{number}/messages", json={"body": "more", "attachments": [third]})
    assert refused.status_code == 413
    assert "2500 bytes" in refused.json()["error"]["message"]
    assert api.get(f"/tickets/{number}/messages").json() == []
    assert len(api.get(f"/tickets/{number}/attachments").json()) == 2


def test_uploads_nobody_attached_are_capped_too(capped: Live) -> None:
    api = capped.person("customer").api()
    for i in range(2):
        upload(api, f"p{i}", bytes([70 + i]) * 1000)
    refused = api.post("/uploads", params={"name": "p3"}, content=b"Z" * 1000)
    assert refused.status_code == 413
    assert "not yet attached" in refused.json()["error"]["message"]


def test_the_stream_carries_a_replys_files_and_a_notes_files_to_staff_only(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    number = file_number(customer)
    after_c = customer.api().get("/events/latest").json()["id"]
    after_s = agent.api().get("/events/latest").json()["id"]
    staff = agent.api()
    secret = upload(staff, "vip.txt", b"gold customer\n")
    staff.post(
        f"/tickets/{number}/messages",
        json={"body": "VIP", "internal": True, "attachments": [secret["id"]]},
    ).raise_for_status()
    fix = upload(staff, "fix.sh", b"systemctl restart nginx\n")
    public = staff.post(
        f"/tickets/{number}/messages", json={"body": "Run it", "attachments": [fix["id"]]}
    ).json()

    def is_public(event: dict[str, Any]) -> bool:
        return bool(event["changes"].get("message") == public["id"])

    seen = read_until(live.url, customer.token, is_public, after=after_c)
    assert [e["kind"] for e in seen if e["ticket"] == number] == ["replied"]
    assert [f["filename"] for f in seen[-1]["message"]["attachments"]] == ["fix.sh"]
    staff_seen = [
        e
        for e in read_until(live.url, agent.token, is_public, after=after_s)
        if e["ticket"] == number
    ]
    assert [e["kind"] for e in staff_seen] == ["note", "replied"]
    assert [f["filename"] for f in staff_seen[0]["message"]["attachments"]] == ["vip.txt"]
