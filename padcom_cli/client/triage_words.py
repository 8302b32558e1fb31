"""How a mail waiting in triage is summed up in one line, the same in ``padcom`` and padcom-admin."""

from __future__ import annotations

from padcom_cli.client.sanitize import clean

OPENING_CHARS = 200


def opening(text: str, limit: int = OPENING_CHARS) -> str:
    """The mail's first lines with words in them, on one line (``Hello,`` alone says nothing),
    cleaned for a terminal; at most ``limit`` characters."""
    words = " ".join(row.strip() for row in text.splitlines()[:20] if row.strip())
    flat = clean(words, single_line=True)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
