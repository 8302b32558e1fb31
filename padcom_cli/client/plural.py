"""A count with its noun in the right number: "1 ticket", "3 tickets", "1 day"."""

from __future__ import annotations


def last_days(days: int) -> str:
    """A period in words: "last day", "last 7 days" (never "last 1 days")."""
    return "last day" if days == 1 else f"last {days} days"


def counted(number: int, noun: str, *, more: bool = False) -> str:
    """``number`` and ``noun``, plural unless exactly one; ``more`` adds "+" (at least that many)."""
    plural = number != 1 or more
    return f"{number}{'+' if more else ''} {noun}{'s' if plural else ''}"
