"""Read models: the few words around a search's match, and where the matched words are in them.

A hit shows one line of the text that matched, cut around the first matched
word, with ``…`` where it was cut and every run of white space (line breaks
too) as one space. ``marks`` are ``[start, end)`` character offsets into the
snippet, so a client can highlight the words without the server writing any
markup into untrusted text: the snippet is that text, as data, and each client
sanitises it as it sanitises the text itself.
"""

from __future__ import annotations

import re

from server.storage.search_index import WORD

BEFORE = 40
"""Characters kept before the first matched word."""
WIDTH = 160
"""The longest snippet, in characters (without the ``…``)."""
_SPACE = re.compile(r"\s+")


def _is_hit(word: str, terms: list[str]) -> bool:
    """``word`` is one of the search's terms."""
    return word.lower() in terms


def snippet(text: str, terms: list[str], typed: str) -> tuple[str, list[list[int]]]:
    """The snippet of ``text`` around the first of ``terms`` (or, with none, of ``typed``)."""
    flat = _SPACE.sub(" ", text).strip()
    spans = [m.span() for m in WORD.finditer(flat) if _is_hit(m.group(), terms)]
    if not spans:
        needle = typed.strip().lower()
        at = flat.lower().find(needle) if needle else -1
        spans = [(at, at + len(needle))] if at >= 0 else []
    first = spans[0][0] if spans else 0
    start = max(0, first - BEFORE)
    if start:
        space = flat.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and first - space <= BEFORE * 2 else start
    end = min(len(flat), start + WIDTH)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > first else end
    lead = "…" if start else ""
    shown = lead + flat[start:end] + ("…" if end < len(flat) else "")
    offset = len(lead) - start
    marks = [[s + offset, e + offset] for s, e in spans if s >= start and e <= end]
    return shown, marks
