"""The bytes of one plain-text mail, built from untrusted text as data.

``email.message.EmailMessage`` with the default policy parses a header value it
is given: an RFC 2047 encoded word in a subject is decoded and refolded, so an
encoded CR/LF came out as real header lines (Python 3.11), and a malformed one
made ``as_bytes()`` raise. Here nothing a customer wrote is ever parsed: each
untrusted header text is flattened to one line (``header_text``) and written as
our own encoded words (``email.header.Header``), the legacy ``compat32``
policy (frozen behaviour, the same on every Python patch level) stores values
as given, and the body travels base64-encoded, so no line of it is read as
anything but text. An address that needs SMTPUTF8 is the one thing written in
raw UTF-8, after it is checked to hold no space, control or special.
"""

from __future__ import annotations

import re
import unicodedata
from email.charset import BASE64, Charset
from email.header import Header
from email.message import Message
from email.policy import compat32
from email.utils import formatdate

_WIRE = compat32.clone(linesep="\r\n", max_line_length=78)
_UTF8 = Charset("utf-8")
_UTF8.header_encoding = BASE64
_UTF8.body_encoding = BASE64
_BREAKING = frozenset({"Cc", "Zl", "Zp"})  # controls, line and paragraph separators
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_PLAIN_WORDS = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.,;:()\[\]<>@\" ]*")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9 ]*")
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
_UTF8_ADDRESS = re.compile(
    r"[^\s\x00-\x20\x7f-\x9f<>()\[\]\\,;:\"@]+@[^\s\x00-\x20\x7f-\x9f<>()\[\]\\,;:\"@]+"
)
_PLACEHOLDER = "x-padcom-utf8-address@invalid"
"""Written where a UTF-8 address goes; replaced in the bytes (compat32 writes ASCII only)."""
_MESSAGE_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>")
LONGEST_PLAIN_WORD = 60


class Uncomposable(ValueError):
    """A mail that can never be written (a bad address or Message-ID); retrying cannot help."""


def no_surrogates(text: str) -> str:
    """``text`` with lone surrogates (not encodable as UTF-8) shown as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def header_text(text: str) -> str:
    """``text`` on one line: every control, line or paragraph separator becomes a space,
    format characters (bidi overrides, zero-width) go, and spaces collapse."""
    kept = []
    for char in no_surrogates(text):
        category = unicodedata.category(char)
        if category in _BREAKING:
            kept.append(" ")
        elif category != "Cf":
            kept.append(char)
    return _SPACES.sub(" ", "".join(kept)).strip()


def _is_plain(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether ``text`` may go out as it is: nothing a reader could decode or mis-split."""
    words = text.split(" ")
    return (
        pattern.fullmatch(text) is not None
        and "=?" not in text
        and all(len(word) <= LONGEST_PLAIN_WORD for word in words)
    )


def _encoded(text: str, name: str, pattern: re.Pattern[str]) -> Header:
    """A header value of ``text`` alone: plain ASCII when harmless, else UTF-8 encoded words."""
    flat = header_text(text)
    charset = "us-ascii" if _is_plain(flat, pattern) else _UTF8
    return Header(flat, charset, header_name=name)


def _address(address: str) -> str:
    if _ADDRESS.fullmatch(address) is None:
        raise Uncomposable(f"not a deliverable ASCII address: {address!r}")
    return address


def needs_smtputf8(address: str) -> bool:
    """Whether ``address`` can only be sent with SMTPUTF8 (RFC 6531); raises
    ``Uncomposable`` when it is no deliverable address at all."""
    if _ADDRESS.fullmatch(address) is not None:
        return False
    if address.isascii() or _UTF8_ADDRESS.fullmatch(no_surrogates(address)) is None:
        raise Uncomposable(f"not a deliverable address: {address!r}")
    if header_text(address) != address:
        raise Uncomposable(f"not a deliverable address: {address!r}")
    return True


def _mailbox(address: str, name: str) -> str | Header:
    """``Name <address>``, the name as data (our encoded words when it is not plain)."""
    if not header_text(name):
        return address
    header = _encoded(name, "To", _PLAIN_NAME)
    header.append(f"<{address}>", "us-ascii")
    return header


def build(
    *,
    sender: str,
    to: str,
    to_name: str,
    subject: str,
    body: str,
    message_id: str,
    reply_to: str = "",
    references: str = "",
) -> bytes:
    """The mail's bytes, ready for SMTP ``DATA``; raises ``Uncomposable`` when it cannot be.

    ``reply_to`` (the ticket's reply address) and ``references`` (its thread id) are
    ours, never a customer's text; both are checked all the same.
    """
    if _MESSAGE_ID.fullmatch(message_id) is None:
        raise Uncomposable(f"not a valid Message-ID: {message_id!r}")
    if references and _MESSAGE_ID.fullmatch(references) is None:
        raise Uncomposable(f"not a valid thread id: {references!r}")
    message: Message[str, str | Header] = Message(policy=_WIRE)
    utf8 = needs_smtputf8(to)
    message["From"] = _address(sender)
    message["To"] = _mailbox(_PLACEHOLDER if utf8 else _address(to), to_name)
    message["Subject"] = _encoded(subject, "Subject", _PLAIN_WORDS)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id
    if reply_to:
        message["Reply-To"] = _address(reply_to)
    if references:
        message["In-Reply-To"] = references
        message["References"] = references
    message["Auto-Submitted"] = "auto-replied"  # RFC 3834: no auto-reply comes back
    message["MIME-Version"] = "1.0"
    message.set_payload(no_surrogates(body), _UTF8)
    data = message.as_bytes(policy=_WIRE)
    if utf8:  # RFC 6532: the address itself in UTF-8, checked above to hold no specials
        data = data.replace(_PLACEHOLDER.encode(), to.encode(), 1)
    return data
