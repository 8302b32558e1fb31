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
from typing import Any

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.ticket_rules import matches, sort_key
from padcom_cli.client.vocabulary import OPEN_WORK


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows and in which order; ``None`` means any. Every filter is a comma
    list as the API takes it (``status="new,open"``, ``assignee="me,none"``)."""

    status: str | None = OPEN_WORK
    priority: str | None = None
    category: str | None = None
    assignee: str | None = None
    q: str | None = None
    requester: str | None = None
    organization: str | None = None
    idle: str | None = None
    deleted: str | None = None
    server: str | None = None
    datacenter: str | None = None
    incident: int | None = None
    """Only the tickets linked to this incident (its tickets unfolded)."""
    folded: frozenset[int] = frozenset()
    """Open incidents whose tickets are folded under their line (not rows of their own)."""
    tag: str | None = None
    sort: str = "urgency"

    FILTERS = (
        "status",
        "priority",
        "category",
        "assignee",
        "requester",
        "organization",
        "idle",
        "deleted",
        "tag",
        "server",
        "datacenter",
    )

    @classmethod
    def of_view(cls, view: Json) -> QueueFilters:
        """The queue a saved view shows (its filters replace every one; any status if unnamed)."""
        given = view.get("filters") or {}
        values: dict[str, Any] = {name: given.get(name) for name in (*cls.FILTERS, "q")}
        return cls(**values, sort=str(view.get("sort") or "urgency"))

    def params(self) -> dict[str, str]:
        values = {name: getattr(self, name) for name in (*self.FILTERS, "q")}
        values["incident"] = str(self.incident) if self.incident else None
        return {k: v for k, v in values.items() if v}

    def but(self, **changes: Any) -> QueueFilters:
        return replace(self, **changes)

    def describe(self) -> str:
        """The filters in words, for the status line."""
        parts = ["open work" if self.status == OPEN_WORK else f"status {self.status or 'any'}"]
        if self.priority:
            parts.append(f"priority {self.priority}")
        if self.category:
            parts.append(self.category)
        if self.assignee:
            people = {"me": "mine", "none": "unassigned"}
            parts.append(" or ".join(people.get(a, "assigned") for a in self.assignee.split(",")))
        if self.idle:
            parts.append(f"idle {self.idle}")
        if self.deleted == "true":
            parts.append("deleted by the customer")
        if self.tag:
            parts.append(f"tag {self.tag}")
        if self.q:
            parts.append(f"search {self.q!r}")
        if self.server:
            parts.append(f"on {self.server}")
        if self.datacenter:
            parts.append(f"in {self.datacenter}")
        if self.incident:
            parts.append(f"incident #{self.incident}")
        if self.sort != "urgency":
            parts.append(f"by {self.sort.lstrip('-')}{' ↓' if self.sort.startswith('-') else ''}")
        return " · ".join(parts)

    def matches(self, ticket: Json, me: int | None) -> bool:
        """Whether the server would list ``ticket`` under these filters, and it is not folded."""
        return matches(self.params(), ticket, me) and not self.folds(ticket)

    def folds(self, ticket: Json) -> bool:
        """Whether ``ticket`` is folded under an open incident's line instead of a row."""
        if self.incident:
            return False
        return bool(self.folded.intersection(ticket.get("incidents") or ()))


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
        fresh = [
            t for t in items if int(t["number"]) not in self.tickets and not self.filters.folds(t)
        ]
        for ticket in fresh:
            self.tickets[int(ticket["number"])] = ticket
        return fresh

    def ordered(self) -> list[Json]:
        return sorted(self.tickets.values(), key=sort_key(self.filters.sort))

    def _within_loaded(self, ticket: Json) -> bool:
        """A ticket past the last loaded row arrives with a later page instead."""
        if self.next_cursor is None or not self.tickets:
            return True
        key = sort_key(self.filters.sort)
        last = max(self.tickets.values(), key=key)
        return bool(key(ticket) < key(last))

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
                key = sort_key(self.filters.sort)
                moved = shown and key(self.tickets[number]) != key(ticket)
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
