"""Times for people: the local zone, and "3 h ago" where a relative time reads better.

Generic (no Rich, no Typer), so the admin app can use the same words.
"""

from __future__ import annotations

from datetime import UTC, datetime

FAR_SECONDS = 14 * 86400
"""Beyond two weeks a date says more than "23 d ago"."""


def parse(value: str | None) -> datetime | None:
    """An API timestamp (ISO 8601, UTC) as an aware datetime; None stays None."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def local(moment: datetime) -> str:
    """``2026-11-28 05:16`` in the local zone."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def relative(moment: datetime, now: datetime | None = None) -> str:
    """``just now``, ``12 min ago``, ``3 h ago``, ``2 d ago``, ``in 4 h``; a date when far off."""
    now = now or datetime.now(UTC)
    seconds = (now - moment).total_seconds()
    ahead = seconds < 0
    seconds = abs(seconds)
    if seconds < 45:
        return "just now"
    if seconds < 90 * 60:
        amount = f"{max(1, round(seconds / 60))} min"
    elif seconds < 36 * 3600:
        amount = f"{round(seconds / 3600)} h"
    elif seconds < FAR_SECONDS:
        amount = f"{round(seconds / 86400)} d"
    else:
        return moment.astimezone().strftime("%Y-%m-%d")
    return f"in {amount}" if ahead else f"{amount} ago"


def when(value: str | None, now: datetime | None = None) -> str:
    """An API timestamp as ``local time (relative)``, or ``-`` when there is none."""
    moment = parse(value)
    if moment is None:
        return "-"
    now = now or datetime.now(UTC)
    if abs((now - moment).total_seconds()) >= FAR_SECONDS:  # relative() would repeat the date
        return local(moment)
    return f"{local(moment)} ({relative(moment, now)})"


def ago(value: str | None, now: datetime | None = None) -> str:
    """An API timestamp as a relative time only, or ``-``."""
    moment = parse(value)
    return relative(moment, now) if moment else "-"
