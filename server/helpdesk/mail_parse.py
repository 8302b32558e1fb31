"""Rules layer: what one incoming mail says, read so that no message can crash the reader.

Every header is read through ``_header``, which never raises (a broken
encoded word or charset becomes U+FFFD); the body prefers the plain-text part,
turns an HTML-only mail into text with BeautifulSoup (scripts and styles
dropped; nothing is ever rendered), and trims quoted history and signatures
where they are recognisable. Attachments and inline images become files.
``loop_reason`` names why a mail must never be answered (RFC 3834's
Auto-Submitted, Precedence, mailing lists, bounces, a null sender).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

REPLY_MARKER = "-- Reply above this line to answer. --"
"""The line our mails start with; everything from it down in a reply is our own mail quoted."""
_WROTE = re.compile(
    r"^\s*(On\b.{0,200}\bwrote:|Am\b.{0,200}\bschrieb.{0,80}:|-{2,}\s*Original Message\s*-{2,}"
    r"|-{2,}\s*Ursprüngliche Nachricht\s*-{2,}|From:\s.+)\s*$",
    re.IGNORECASE,
)
_MESSAGE_IDS = re.compile(r"<[^<>\s]{1,250}>")
_LIST_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_ROBOTS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|noreply)([+@]|$)", re.IGNORECASE)


@dataclass
class ParsedMail:
    """The parts of a mail the helpdesk acts on."""

    sender: str = ""
    sender_name: str = ""
    mail_id: str = ""
    subject: str = ""
    text: str = ""
    references: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    authentication: str = ""
    loop_reason: str = ""


def _header(message: Message, name: str) -> str:
    """A header's value as text; never raises (undecodable bytes become U+FFFD)."""
    try:
        values = message.get_all(name) or []
        return " ".join(str(v) for v in values)
    except Exception:  # a malformed header of any kind is only text lost
        try:
            return " ".join(
                str(v).encode("utf-8", "replace").decode("utf-8", "replace")
                for v in message._headers  # type: ignore[attr-defined]  # the raw values
                if v[0].lower() == name.lower()
            )
        except Exception:
            return ""


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.replace("\ufffd", "?").split())
    return flat[:limit]


def loop_reason(message: Message) -> str:
    """Why this mail must not be answered nor filed ('' when it may be)."""
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto[:40]}"
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in _LIST_PRECEDENCE:
        return f"Precedence: {precedence}"
    if _header(message, "List-Id") or _header(message, "List-Unsubscribe"):
        return "a mailing list (List-Id)"
    for robot in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if _header(message, robot):
            return f"an auto-reply ({robot})"
    if _header(message, "Return-Path").strip() == "<>":
        return "a bounce (null sender)"
    if message.get_content_type() == "multipart/report":
        return "a delivery report (bounce)"
    sender = parseaddr(_header(message, "From"))[1]
    if _ROBOTS.match(sender):
        return f"a robot's address ({sender[:60]})"
    return ""


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", "replace")


def html_to_text(html: str) -> str:
    """The text of an HTML mail: scripts, styles and comments dropped, nothing rendered."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "head", "title"]):
        hidden.decompose()
    for quote in soup.find_all("blockquote"):  # quoted history in HTML
        quote.decompose()
    text = soup.get_text("\n")
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def trimmed(text: str) -> str:
    """``text`` without our quoted mail, the quoted history and the signature, when recognisable."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        if line.strip() == REPLY_MARKER or line.strip().startswith("-- Reply above this line"):
            break
        if line == "-- " or line.rstrip() == "--":
            break  # the signature delimiter (RFC 3676)
        if _WROTE.match(line) and kept:
            break
        kept.append(line)
    while kept and (kept[-1].startswith(">") or not kept[-1].strip()):
        kept.pop()  # a quoted tail
    return "\n".join(kept).strip()


def _files(message: Message) -> list[tuple[str, bytes]]:
    files = []
    for index, part in enumerate(message.walk()):
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        kind = part.get_content_type()
        name = part.get_filename()
        inline_image = kind.startswith("image/") and disposition != "attachment"
        if disposition == "attachment" or name or inline_image:
            data = part.get_payload(decode=True)
            if isinstance(data, bytes) and data:
                files.append((str(name or f"part-{index}.{kind.split('/')[-1][:10]}"), data))
    return files


def _body(message: Message) -> str:
    plain = html = None
    for part in message.walk():
        if part.is_multipart() or (part.get_content_disposition() or "") == "attachment":
            continue
        if part.get_filename():
            continue
        if part.get_content_type() == "text/plain" and plain is None:
            plain = _decoded(part)
        elif part.get_content_type() == "text/html" and html is None:
            html = _decoded(part)
    if plain is not None and plain.strip():
        return plain
    return html_to_text(html) if html else ""


def parse(raw: bytes) -> ParsedMail:
    """What ``raw`` says; raises ValueError when it is no mail at all (no From address)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    name, sender = parseaddr(_header(message, "From"))
    if not sender or "@" not in sender:
        raise ValueError("no sender address in From")
    try:
        Address(addr_spec=sender)
    except Exception as exc:
        raise ValueError(f"an unusable sender address ({sender[:80]})") from exc
    references = _MESSAGE_IDS.findall(
        _header(message, "In-Reply-To") + " " + _header(message, "References")
    )
    recipients = [
        address
        for _name, address in getaddresses(
            [_header(message, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To")]
        )
        if address
    ]
    auth = " ".join(
        f"{method}={result}"
        for method, result in re.findall(
            r"\b(dkim|spf|dmarc)=(\w+)", _header(message, "Authentication-Results"), re.I
        )
    )
    try:
        text = trimmed(_body(message))
        files = _files(message)
    except Exception:  # a broken MIME structure: keep what the headers said
        text, files = "", []
    mail_id = _MESSAGE_IDS.findall(_header(message, "Message-ID"))
    return ParsedMail(
        sender=sender.lower(),
        sender_name=_one_line(name, 200),
        mail_id=mail_id[0] if mail_id else "",
        subject=_one_line(_header(message, "Subject"), 200),
        text=text,
        references=references[-50:],
        recipients=recipients,
        files=files,
        authentication=auth[:500],
        loop_reason=loop_reason(message),
    )
