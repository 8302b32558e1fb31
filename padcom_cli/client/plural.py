"""A count with its noun in the right number: "1 ticket", "3 tickets", "1 day"."""

from __future__ import annotations


def counted(number: int, noun: str, *, more: bool = False) -> str:
    """``number`` and ``noun``, plural unless exactly one; ``more`` adds "+" (at least that many)."""
    plural = number != 1 or more
    return f"{number}{'+' if more else ''} {noun}{'s' if plural else ''}"
