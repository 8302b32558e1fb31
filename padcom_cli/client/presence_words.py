"""Client side: who else of the staff is on which ticket now, from the stream's presence events.

The server announces presence as events of kind ``presence`` (staff only), each
holding until its ``expires_at`` unless renewed (server/helpdesk/presence.py).
``PresenceBoard`` keeps the latest announcement per ticket and person and
forgets what has expired, so a client that went away disappears by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.vocabulary import EventKind, PresenceState

RENEW_SECONDS = 10.0
"""How often a screen showing a ticket renews its presence (the server holds it 30 s)."""


def _time(value: object) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


@dataclass
class PresenceBoard:
    """Ticket number → person id → (their name, state, until when)."""

    on: dict[int, dict[int, tuple[str, str, datetime]]] = field(default_factory=dict)

    def apply(self, events: list[Json], me: int | None) -> set[int]:
        """Take in the presence events of a batch; returns the tickets whose presence changed."""
        touched = set()
        for event in events:
            if event.get("kind") != EventKind.PRESENCE:
                continue
            actor = event.get("actor") or {}
            who = actor.get("id")
            if not isinstance(who, int) or who == me:
                continue
            number = int(event["ticket"])
            changes = event.get("changes") or {}
            here = self.on.setdefault(number, {})
            if changes.get("state") == PresenceState.LEFT:
                here.pop(who, None)
            else:
                name = clean(str(actor.get("name") or f"user {who}"), single_line=True)
                here[who] = (name, str(changes.get("state")), _time(changes.get("expires_at")))
            touched.add(number)
        return touched

    def take(self, number: int, others: list[Json], me: int | None = None) -> None:
        """Who is on ``number`` now, as ``GET /tickets/{n}/presence`` (``present``) or an
        announcement's answer (``others``) says; ``me`` is left out."""
        here = self.on.setdefault(number, {})
        for other in others:
            user = other.get("user") or {}
            if isinstance(user.get("id"), int) and user["id"] != me:
                name = clean(str(user.get("name") or ""), single_line=True)
                here[user["id"]] = (name, str(other.get("state")), _time(other.get("expires_at")))

    def present(self, number: int, now: datetime) -> list[tuple[str, str]]:
        """(name, state) of everyone else on ``number`` until now, writers first."""
        here = self.on.get(number, {})
        for who in [w for w, (_, _, until) in here.items() if until <= now]:
            del here[who]
        return sorted(
            ((name, state) for name, state, _ in here.values()),
            key=lambda item: (item[1] != PresenceState.WRITING, item[0]),
        )

    def words(self, number: int, now: datetime) -> str:
        """``Kim is writing a reply · Lee is viewing``, or "" when nobody else is there."""
        return " · ".join(
            f"{name} is {'writing a reply' if state == PresenceState.WRITING else 'viewing'}"
            for name, state in self.present(number, now)
        )

    def marker(self, number: int, now: datetime) -> str:
        """A queue row's short sign: ``✎ Kim`` (writing), ``👁 2`` (viewing), or ""."""
        here = self.present(number, now)
        if not here:
            return ""
        writing = [name for name, state in here if state == PresenceState.WRITING]
        return f"✎ {writing[0]}" if writing else f"◉ {len(here)}"
