"""A customer attaches files with ``padcom``, lists them and downloads them back: as a real process.

And the story of the log piped into ``padcom ticket new -F -`` that is over the
text limit: the CLI says so and names ``--attach-body``, which sends it as a file.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cli.terminal import PADCOM
from tests.support.live import Live, Person


def padcom(
    person: Person, *args: str, cwd: Path, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    env = {
        "PADCOM_URL": person.base_url,
        "PADCOM_TOKEN": person.token,
        "PADCOM_CONFIG": str(cwd / "c.toml"),
    }
    return subprocess.run(
        [PADCOM, *args], input=stdin, capture_output=True, timeout=60, env=env, cwd=cwd
    )


def test_file_a_ticket_with_two_files_reply_with_one_list_and_download(
    live: Live, tmp_path: Path
) -> None:
    customer = live.person("customer")
    log, shot = tmp_path / "php-fpm.log", tmp_path / "screen.png"
    log.write_bytes(b"worker 77 exited on signal 11\n" * 1000)
    shot.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(5000))
    filed = padcom(
        customer, "ticket", "new", "-s", "PHP crashes", "-b", "see files", "-a", str(log),
        "-a", str(shot), cwd=tmp_path,
    )  # fmt: skip
    assert filed.returncode == 0, filed.stderr
    number = filed.stdout.decode().strip()
    (tmp_path / "again.txt").write_text("still crashing at 10:00\n")
    replied = padcom(
        customer, "ticket", "reply", number, "-b", "more", "-a", str(tmp_path / "again.txt"),
        cwd=tmp_path,
    )  # fmt: skip
    assert replied.returncode == 0, replied.stderr
    assert b"again.txt" in replied.stdout
    listed = padcom(customer, "ticket", "attachments", number, "--json", cwd=tmp_path)
    files = json.loads(listed.stdout)
    assert [(f["filename"], f["content_type"]) for f in files] == [
        ("php-fpm.log", "text/plain; charset=utf-8"),
        ("screen.png", "image/png"),
        ("again.txt", "text/plain; charset=utf-8"),
    ]
    human = padcom(customer, "ticket", "attachments", number, cwd=tmp_path).stdout.decode()
    assert "php-fpm.log" in human and "29.3 KiB" in human
    out = tmp_path / "down"
    out.mkdir()
    got = padcom(customer, "ticket", "download", number, str(files[1]["id"]), cwd=out)
    assert got.returncode == 0, got.stderr
    assert (out / "screen.png").read_bytes() == shot.read_bytes()
    kept = padcom(customer, "ticket", "download", number, str(files[1]["id"]), cwd=out)
    assert kept.returncode == 2 and b"exists" in kept.stderr
    to = padcom(
        customer, "ticket", "download", number, str(files[0]["id"]), "-o", "crash.log", cwd=out
    )
    assert to.returncode == 0 and (out / "crash.log").read_bytes() == log.read_bytes()
    piped = padcom(customer, "ticket", "download", number, str(files[2]["id"]), "-o", "-", cwd=out)
    assert piped.stdout == b"still crashing at 10:00\n"
    missing = padcom(customer, "ticket", "download", number, "999999", cwd=out)
    assert missing.returncode == 3


def test_a_piped_log_over_the_text_limit_is_refused_in_words_then_sent_as_a_file(
    live: Live, tmp_path: Path
) -> None:
    customer = live.person("customer")
    journal = b"".join(
        f"Dec 01 09:{i % 60:02d}:00 host kernel: oom-kill pid {i}\n".encode() for i in range(20000)
    )
    refused = padcom(customer, "ticket", "new", "-s", "OOM", "-F", "-", stdin=journal, cwd=tmp_path)
    assert refused.returncode == 2
    said = refused.stderr.decode()
    assert "65,536 characters" in said and "--attach-body" in said
    assert "connection reset" not in said
    sent = padcom(
        customer, "ticket", "new", "-s", "OOM", "-F", "-", "--attach-body", stdin=journal,
        cwd=tmp_path,
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    number = sent.stdout.decode().strip()
    files = customer.api().get(f"/tickets/{number}/attachments").json()
    assert [f["filename"] for f in files] == ["body.txt"]
    body = customer.api().get(f"/tickets/{number}/attachments/{files[0]['id']}").content
    assert body == journal
    ticket = customer.api().get(f"/tickets/{number}").json()
    assert "20,000 lines" in ticket["body"] and "body.txt" in ticket["body"]


def test_a_file_over_the_cap_is_refused_before_it_is_sent(live: Live, tmp_path: Path) -> None:
    customer = live.person("customer")
    huge = tmp_path / "dump.sql"
    with huge.open("wb") as out:
        out.truncate(11 * 1024 * 1024)
    done = padcom(customer, "ticket", "new", "-s", "DB", "-b", "x", "-a", str(huge), cwd=tmp_path)
    assert done.returncode == 2
    assert b"10.0 MiB" in done.stderr and b"dump.sql" in done.stderr
