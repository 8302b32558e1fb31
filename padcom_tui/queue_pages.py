"""The queue's data, apart from any widget: filters, urgency order, pages, live changes.

Only the pages the staff member scrolled to are held (keyset cursors from the
API), so the queue costs the same with 1M tickets in the database as with 100.
A batch of events brings the tickets as they are now (``ticket_now``), merged in
place without asking the server: updated, inserted where the urgency order puts
them, or dropped when they no longer match. Which tickets match and in which
order is the server's rule, shared with it in ``padcom_cli.client.ticket_rules``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.ticket_rules import matches, urgency_key
from padcom_cli.client.vocabulary import OPEN_WORK


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows; ``None`` means any. ``assignee`` is ``me``, ``none`` or an id."""

    status: str | None = OPEN_WORK
    priority: str | None = None
    category: str | None = None
    assignee: str | None = None
    q: str | None = None
    tag: str | None = None

    def params(self) -> dict[str, str]:
        values = {
            "status": self.status,
            "priority": self.priority,
            "category": self.category,
            "assignee": self.assignee,
            "q": self.q,
            "tag": self.tag,
        }
        return {k: v for k, v in values.items() if v}

    def but(self, **changes: str | None) -> QueueFilters:
        return replace(self, **changes)

    def describe(self) -> str:
        """The filters in words, for the status line."""
        parts = ["open work" if self.status == OPEN_WORK else f"status {self.status or 'any'}"]
        if self.priority:
            parts.append(f"priority {self.priority}")
        if self.category:
            parts.append(self.category)
        if self.assignee:
            parts.append({"me": "mine", "none": "unassigned"}.get(self.assignee, "assigned"))
        if self.tag:
            parts.append(f"tag {self.tag}")
        if self.q:
            parts.append(f"search {self.q!r}")
        return " · ".join(parts)

    def matches(self, ticket: Json, me: int | None) -> bool:
        """Whether the server would list ``ticket`` under these filters."""
        return matches(self.params(), ticket, me)


@dataclass
class Merge:
    """What one batch of changed tickets did to the queue."""

    updated: list[int] = field(default_factory=list)
    inserted: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)

    @property
    def reordered(self) -> bool:
        return bool(self.inserted)


@dataclass
class TicketQueue:
    """The loaded part of the queue, in urgency order, and the cursor of the rest."""

    filters: QueueFilters = field(default_factory=QueueFilters)
    tickets: dict[int, Json] = field(default_factory=dict)
    next_cursor: str | None = None
    loaded_once: bool = False
    marked: set[int] = field(default_factory=set)

    def reset(self, filters: QueueFilters) -> None:
        self.filters, self.tickets, self.next_cursor = filters, {}, None
        self.loaded_once = False

    @property
    def more(self) -> bool:
        return not self.loaded_once or self.next_cursor is not None

    def add_page(self, items: list[Json], next_cursor: str | None) -> list[Json]:
        """Append a page from the API; returns the tickets that were not shown yet."""
        self.loaded_once = True
        self.next_cursor = next_cursor
        fresh = [t for t in items if int(t["number"]) not in self.tickets]
        for ticket in fresh:
            self.tickets[int(ticket["number"])] = ticket
        return fresh

    def ordered(self) -> list[Json]:
        return sorted(self.tickets.values(), key=urgency_key)

    def _within_loaded(self, ticket: Json) -> bool:
        """A ticket past the last loaded row arrives with a later page instead."""
        if self.next_cursor is None or not self.tickets:
            return True
        last = max(self.tickets.values(), key=urgency_key)
        return urgency_key(ticket) < urgency_key(last)

    def merge(
        self, fresh: list[Json], gone: list[int], me: int | None, mark: Collection[int] = ()
    ) -> Merge:
        """Apply tickets as they are now (and numbers no longer visible); marks those in ``mark``."""
        result = Merge()
        for number in gone:
            if self.tickets.pop(number, None) is not None:
                result.removed.append(number)
        for ticket in fresh:
            number = int(ticket["number"])
            shown = number in self.tickets
            if self.filters.matches(ticket, me) and (shown or self._within_loaded(ticket)):
                moved = shown and urgency_key(self.tickets[number]) != urgency_key(ticket)
                self.tickets[number] = ticket
                if number in mark:
                    self.marked.add(number)
                (result.inserted if moved or not shown else result.updated).append(number)
            elif shown:
                del self.tickets[number]
                result.removed.append(number)
        return result

    def seen(self, number: int) -> None:
        """The agent opened the ticket: it is no longer marked as new or changed."""
        self.marked.discard(number)
