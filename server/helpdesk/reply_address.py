"""Rules layer: the per-ticket reply address and thread id that cannot be guessed.

A mail about ticket 42 says ``Reply-To: support+42.<tag>@example.com`` and
``References: <padcom.t42.<tag>@example.com>``, where ``tag`` is an HMAC of the
ticket number under ``PADCOM_MAIL_REPLY_SECRET``: a reply carries one of them
back, and only a tag the server made points at a ticket. A subject's
``[Padcom #42]`` alone never does. Without a secret there is no tag (replies
are threaded only by the Message-IDs of the mails a sender was sent).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

TAG_CHARS = 20
_PLUS = re.compile(r"^[^@+]+\+(\d{1,10})\.([0-9a-f]{20})@", re.IGNORECASE)
_THREAD = re.compile(r"^<?padcom\.t(\d{1,10})\.([0-9a-f]{20})@", re.IGNORECASE)
_MAIL = re.compile(r"^<?padcom\.(\d{1,18})\.([0-9a-f]{16})@", re.IGNORECASE)


def tag(secret: str, ticket_id: int) -> str:
    return hmac.new(secret.encode(), f"ticket:{ticket_id}".encode(), hashlib.sha256).hexdigest()[
        :TAG_CHARS
    ]


def reply_address(base: str, secret: str, ticket_id: int) -> str:
    """``local+<ticket>.<tag>@domain`` of ``base``; raises ValueError without a secret."""
    if not secret:
        raise ValueError("no reply secret")
    local, _, domain = base.partition("@")
    return f"{local.split('+', 1)[0]}+{ticket_id}.{tag(secret, ticket_id)}@{domain}"


def thread_id(domain: str, secret: str, ticket_id: int) -> str:
    """The Message-ID every mail about the ticket refers to (the thread's root)."""
    return f"<padcom.t{ticket_id}.{tag(secret, ticket_id)}@{domain}>"


def _valid(secret: str, ticket: str, given: str) -> int | None:
    if not secret:
        return None
    number = int(ticket)
    return number if hmac.compare_digest(tag(secret, number), given.lower()) else None


def ticket_of_addresses(secret: str, addresses: Iterable[str]) -> int | None:
    """The ticket a reply address among ``addresses`` names, if its tag is ours."""
    for address in addresses:
        found = _PLUS.match(address.strip())
        if found:
            number = _valid(secret, found.group(1), found.group(2))
            if number is not None:
                return number
    return None


def ticket_of_references(secret: str, references: Iterable[str]) -> int | None:
    """The ticket a thread id among ``references`` names, if its tag is ours."""
    for reference in references:
        found = _THREAD.match(reference.strip())
        if found:
            number = _valid(secret, found.group(1), found.group(2))
            if number is not None:
                return number
    return None


def events_of_references(references: Iterable[str]) -> list[tuple[int, str]]:
    """(event id, recipient digest) of each of our per-mail Message-IDs in ``references``."""
    found = (_MAIL.match(r.strip()) for r in references)
    return [(int(m.group(1)), m.group(2).lower()) for m in found if m]
