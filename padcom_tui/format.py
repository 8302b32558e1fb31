"""How ticket values look on screen: cleaned text, words that carry meaning without colour,
and times relative to an injectable clock (so snapshots do not drift)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rich.style import Style
from rich.text import Text

from padcom_cli.client.duration_words import short_duration
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.ticket_rules import next_deadline
from padcom_cli.client.time_words import parse
from padcom_cli.client.vocabulary import DONE_STATUSES, Category, Priority, Status

Clock = Callable[[], datetime]

PRIORITY_STYLE: dict[str, str] = {
    Priority.URGENT: "bold red",
    Priority.HIGH: "yellow",
    Priority.NORMAL: "",
    Priority.LOW: "dim",
}
STATUS_STYLE: dict[str, str] = {
    Status.NEW: "bold cyan",
    Status.OPEN: "",
    Status.WAITING: "magenta",
    Status.RESOLVED: "green",
    Status.CLOSED: "dim",
}
SHORT: dict[str, str] = {
    Priority.URGENT: "URG",
    Priority.HIGH: "high",
    Priority.NORMAL: "norm",
    Priority.LOW: "low",
    Status.WAITING: "wait",
    Status.RESOLVED: "done",
    Status.CLOSED: "clsd",
    Category.HARDWARE: "hw",
    Category.SOFTWARE: "sw",
    Category.USAGE: "use",
    Category.SECURITY: "sec",
    Category.OTHER: "oth",
}
"""The narrow table's abbreviations (a word not listed is shown whole)."""


_monochrome = False


def use_monochrome(on: bool) -> None:
    """Under NO_COLOR (process-wide, like this switch) colours become bold or reverse.

    Textual's monochrome filter maps a colour to a grey of the same lightness, which made
    red 'URG' dark grey on a dark background; emphasis keeps it readable.
    """
    global _monochrome
    _monochrome = on


def ink(style: str) -> str:
    """``style``, or its colourless stand-in under NO_COLOR."""
    if not _monochrome or not style:
        return style
    parsed = Style.parse(style)
    if parsed.bgcolor is not None:
        return "bold reverse"
    if parsed.color is not None or parsed.bold:
        return "bold"
    return style


def utc_now() -> datetime:
    return datetime.now(UTC)


def age(ticket: Json, now: datetime) -> str:
    created = parse(ticket.get("created_at"))
    return short_duration((now - created).total_seconds()) if created else ""


def sla_due(ticket: Json, now: datetime, short: bool = False) -> Text:
    """The next SLA deadline: first response until answered, then resolution.

    A missed one reads '3h late' ('-3h' when ``short``), so it shows without colour too.
    While the ticket waits on the customer the clock stands still: 'paused'.
    """
    if ticket.get("status") in DONE_STATUSES:
        return Text("-", style="dim")
    if ticket.get("status") == Status.WAITING:
        return Text("pause" if short else "paused", style="dim")
    due = parse(next_deadline(ticket))
    if due is None:
        return Text("-", style="dim")
    seconds = (due - now).total_seconds()
    if seconds < 0:
        late = f"-{short_duration(seconds)}" if short else f"{short_duration(seconds)} late"
        return Text(late, style=ink("bold red"))
    return Text(short_duration(seconds), style=ink("yellow") if seconds < 3600 else "")


def stamp(value: str | None) -> str:
    """An absolute UTC time, short: 'Nov 28 14:05'."""
    moment = parse(value)
    return moment.strftime("%b %d %H:%M") if moment else "-"


def line(value: Any) -> str:
    """Untrusted server text for one line (cells, titles): controls visible, no line breaks."""
    return clean(str(value) if value is not None else "", single_line=True)


def person(user: Json | None, empty: str = "-") -> str:
    return line(user.get("name") or user.get("email")) if user else empty


def organization(ticket: Json) -> str:
    org = ticket.get("organization")
    return line(org.get("name")) if org else "-"


def word(value: str, short: bool = False, styles: dict[str, str] | None = None) -> Text:
    """An enum value as a word (meaningful without colour), styled when colour is available."""
    shown = SHORT.get(value, value) if short else value
    return Text(shown, style=ink((styles or {}).get(value, "")))


def fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
