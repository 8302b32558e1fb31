"""A ticket number as people write it: ``401`` or ``#401`` (a ticket is "#401" everywhere).

One reader for ``padcom ticket show '#401'`` (Typer's and the fast path's arguments) and
for the admin app's "go to ticket" prompt, so both accept exactly the same spellings.
"""

from __future__ import annotations

NUMBER_MAX = 2**31 - 1
"""The largest ticket number (ids are 32-bit on both databases)."""


def ticket_number(text: str) -> int | None:
    """The number in ``text`` (``401``, ``#401``, surrounding blanks allowed); None if none.

    Only ASCII digits count (``str.isdigit`` also takes "²"), and only 1..NUMBER_MAX.
    """
    word = text.strip()
    if word.startswith("#"):
        word = word[1:]
    if not (word.isascii() and word.isdigit()) or len(word) > 10:
        return None
    number = int(word)
    return number if 1 <= number <= NUMBER_MAX else None
