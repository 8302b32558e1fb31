"""Client side: a search hit's ``match`` in words: where it was found, and its snippet in pieces.

``GET /tickets?q=`` gives each hit a ``match``: the text that matched (``field``),
a one-line ``snippet`` of it and ``marks``, the offsets of the matched words in
the snippet. The CLI and the admin app both show it; each piece here is already
sanitised (``clean``), cut at the marks *before* cleaning, since cleaning makes
a hidden character a visible stand-in and would move every offset after it.
"""

from __future__ import annotations

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean

FOUND_IN: dict[str, str] = {
    "subject": "subject",
    "description": "description",
    "reply": "reply",
    "note": "internal note",
    "customer": "customer",
    "organization": "organization",
    "service": "service",
}
"""The server's ``match.field`` words, as a person reads them."""


def found_in(match: Json | None) -> str:
    """Where a hit was found, in words (``-`` for a ticket that is not a search hit)."""
    if not match:
        return "-"
    field = str(match.get("field") or "")
    return FOUND_IN.get(field, clean(field, single_line=True))


def pieces(match: Json | None) -> list[tuple[str, bool]]:
    """The snippet as (sanitised text, matched?) pieces, in order; ``[]`` without one."""
    if not match:
        return []
    snippet = str(match.get("snippet") or "")
    out: list[tuple[str, bool]] = []
    at = 0
    for mark in match.get("marks") or []:
        try:
            start, end = int(mark[0]), int(mark[1])
        except (TypeError, ValueError, IndexError):
            continue
        if not at <= start < end <= len(snippet):
            continue  # a mark that does not fit is not a reason to show nothing
        if start > at:
            out.append((clean(snippet[at:start], single_line=True), False))
        out.append((clean(snippet[start:end], single_line=True), True))
        at = end
    if at < len(snippet):
        out.append((clean(snippet[at:], single_line=True), False))
    return out
