"""The home screen: the queue in urgency (or any) order, filtered, paged as the agent scrolls.

Filters, the order, saved views, selection and bulk changes are in ``_desk().py``.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from types import ModuleType
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.widgets import DataTable, Input

from padcom_cli.client.errors import PadcomError
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.live import ticket_views
from padcom_cli.client.plural import counted
from padcom_cli.client.vocabulary import (
    EventKind,
    Priority,
)
from padcom_tui.background import in_background
from padcom_tui.flood_gate import FloodGate, Notice
from padcom_tui.format import line
from padcom_tui.messages import EventsArrived, QueuePainted, Reconnected
from padcom_tui.queue_pages import QueueFilters, TicketQueue
from padcom_tui.screens.queue_intake import IntakeKeys
from padcom_tui.widgets.incident_banner import IncidentBanner
from padcom_tui.widgets.keys_footer import KeysFooter
from padcom_tui.widgets.status_line import StatusLine
from padcom_tui.widgets.ticket_table import TicketTable


def _desk() -> ModuleType:
    """The desk's dialogs and bulk work, imported on first use: no part of the first paint."""
    from padcom_tui.screens import queue_desk

    return queue_desk


CLOCK_SECONDS = 30
"""How often the queue's ages and SLA due times are brought up to the clock."""


class QueueScreen(IntakeKeys):
    AUTO_FOCUS = "#queue"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("f", "filter", "Filter"),
        Binding("e", "mail_triage", "Mail in"),  # early: the footer shows it at 80 columns
        Binding("F", "find", "Find", show=False),  # in ? help
        Binding("o", "sort", "Order"),
        Binding("space", "select", "Select", key_display="␣"),
        Binding("s", "change('status')", "Status"),
        Binding("p", "change('priority')", "Priority"),
        Binding("c", "change('category')", "Category"),
        Binding("a", "change('assignee')", "Assign"),
        Binding("m", "filter_assignee('me')", "Mine", show=False),
        Binding("u", "filter_assignee('none')", "Unassigned", show=False),
        Binding("x", "clear_filters", "Clear filters", show=False),
        Binding("shift+down", "extend(1)", "Select down", show=False),
        Binding("shift+up", "extend(-1)", "Select up", show=False),
        Binding("asterisk", "select_all", "Select all matching", key_display="*", show=False),
        Binding("w", "save_view", "Save as view", show=False),
        *[Binding(str(n), f"view({n})", f"View {n}", show=False) for n in range(1, 10)],
        Binding("W", "filter_place", "Where", show=False),  # in the help (?): the footer is full
        Binding("i", "filter_incident", "Incident", show=False),
        Binding("t", "filter_tag", "Tag", show=False),  # listed in ? help
        Binding("N", "new_ticket", "New ticket", key_display="N", show=False),  # in ? help
        Binding("M", "macro", "Macro", key_display="M", show=False),
        Binding("ctrl+r", "reload", "Reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.queue = TicketQueue()
        self.loading = False
        self.painted = False
        self.live_since = 0
        self.floods = FloodGate(10.0)
        self.started = False
        """The first page was asked for (after the open incidents, whose tickets it folds)."""
        self.views: list[Json] | None = None
        """The saved views (read on first use of 1-9)."""
        self.view_name = ""
        self.selected: dict[int, Json] = {}
        """Tickets chosen for a bulk change, as last seen (their versions), loaded or not."""
        self.last_bulk: Json | None = None

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="search every text, customer and service; enter applies, esc closes",
            id="search",
        )
        yield IncidentBanner(id="incidents")
        yield TicketTable(id="queue")
        yield StatusLine()
        yield KeysFooter()

    @property
    def table(self) -> TicketTable:
        return self.query_one(TicketTable)

    def on_mount(self) -> None:
        self.table.present = lambda number: self.padcom.presence.marker(number, self._now())
        self.table.lay_out(self.app.size.width)
        self.watch(self.table, "scroll_y", self._scrolled, init=False)
        self.set_interval(CLOCK_SECONDS, self.tick)
        window = self.padcom.settings.flood_window_seconds
        self.floods = FloodGate(window)
        self.set_interval(min(1.0, window / 4), self._floods_due)
        self.refresh_incidents()  # the first page follows, once it is known what to fold

    def tick(self) -> None:
        """Ages and SLA due times move on while the queue stays open (a live change
        rewrites only its own rows, and a quiet hour brings none); presence expires."""
        self.table.refresh_clock(self.queue.ordered(), self._now())
        self.refresh_incidents()
        gone = [t for n, t in self.queue.tickets.items() if n in self.padcom.presence.on]
        if gone:
            self.table.refresh_tickets(gone, self._now(), self.queue.marked)

    def on_resize(self, event: Resize) -> None:
        if self.table.lay_out(event.size.width):
            self._show_all()

    # -- loading ------------------------------------------------------------------

    def load(self, filters: QueueFilters) -> None:
        """Start again from the first page under ``filters``."""
        self.queue.reset(filters)
        self.table.clear()
        self.loading = False
        self.status()
        self.load_more(first=True)

    def load_more(self, first: bool = False) -> None:
        if self.loading or not self.queue.more:
            return
        self.loading = True
        filters, cursor = self.queue.filters, self.queue.next_cursor
        size = self.padcom.settings.page_size

        start_live = not self.painted

        def fetch() -> tuple[QueueFilters, Json]:
            client = self.padcom.client
            if start_live:  # asked before the page is read: no change can fall in between
                self.live_since = client.latest_event()
            page = client.list_tickets(
                sort=filters.sort, limit=size, cursor=cursor, **filters.params()
            )
            return filters, page

        in_background(
            self, fetch, self._page_arrived, failed=self._page_failed, group="page", exclusive=first
        )

    def _page_arrived(self, result: tuple[QueueFilters, Json]) -> None:
        filters, page = result
        self.loading = False
        if filters != self.queue.filters:
            return  # the filters changed while this page was on its way
        fresh = self.queue.add_page(page["items"], page.get("next_cursor"))
        if self.table.fit_numbers(fresh):
            self._show_all()  # a longer number widened '#': every row again
        else:
            self.table.append(fresh, self._now(), self.queue.marked)
        self.status()
        if not self.painted:
            self.painted = True
            self.call_after_refresh(self.post_message, QueuePainted(self.live_since))

    def _page_failed(self, error: PadcomError) -> None:
        self.loading = False
        self.padcom.report(error)

    @property
    def lookahead(self) -> int:
        """Rows before the end of the table at which the next page is fetched."""
        return max(1, self.padcom.settings.page_size // 5)

    def _scrolled(self, scroll_y: float) -> None:
        if scroll_y >= self.table.max_scroll_y - self.lookahead:
            self.load_more()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= self.table.row_count - self.lookahead:
            self.load_more()

    def on_reconnected(self, _message: Reconnected) -> None:
        self.load(self.queue.filters)

    def action_reload(self) -> None:
        self.load(self.queue.filters)

    # -- live changes ---------------------------------------------------------------

    def on_events_arrived(self, message: EventsArrived) -> None:
        if any(e.get("kind") == EventKind.LINKED for e in message.events):
            self.refresh_incidents()  # a ticket joined an incident: its count moved
        self.apply_events(message.events)

    def apply_events(self, events: list[Json]) -> None:
        """Merge the tickets a batch of events brings (each as we may see it now) into the
        queue: no request, the events carry all it needs. Presence changes no ticket:
        its rows are only redrawn with who is on them now."""
        on_it = {int(e["ticket"]) for e in events if e.get("kind") == EventKind.PRESENCE}
        events = [e for e in events if e.get("kind") != EventKind.PRESENCE]
        shown = [self.queue.tickets[n] for n in on_it if n in self.queue.tickets]
        if shown:
            self.table.refresh_tickets(shown, self._now(), self.queue.marked)
        if not events:
            return
        views = ticket_views(events)
        fresh = [ticket for ticket in views.values() if ticket is not None]
        gone = [number for number, ticket in views.items() if ticket is None]
        me = (self.padcom.me or {}).get("id")
        by_others = {int(e["ticket"]) for e in events if (e.get("actor") or {}).get("id") != me}
        self.merge(fresh, gone, mark=by_others)
        self.announce(events, {int(t["number"]): t for t in fresh})

    def merge(
        self, fresh: list[Json], gone: list[int] | None = None, mark: Collection[int] = ()
    ) -> None:
        """Merge tickets as they are now into the table; those in ``mark`` get the ● until opened."""
        me = (self.padcom.me or {}).get("id")
        result = self.queue.merge(fresh, gone or [], me, mark)
        if self.table.fit_numbers(fresh):
            self._show_all()
        elif result.inserted or result.removed:
            self.table.rearrange(
                self.queue.ordered(),
                [*result.inserted, *result.updated],
                self._now(),
                self.queue.marked,
            )
        elif result.updated:
            self.table.refresh_tickets(
                [self.queue.tickets[n] for n in result.updated], self._now(), self.queue.marked
            )
        self.status()

    def announce(self, events: list[Json], tickets: dict[int, Json]) -> None:
        """A toast for a new ticket or one that became urgent, a bell for urgent; a burst
        from one organization is summed up in one notice (padcom_tui/flood_gate.py)."""
        now = time.monotonic()
        for event in events:
            ticket = tickets.get(int(event["ticket"]))
            if ticket is None:
                continue
            became_urgent = Priority.URGENT in (event.get("changes") or {}).get("priority", [])
            created = event.get("kind") == EventKind.CREATED
            urgent = ticket.get("priority") == Priority.URGENT and (created or became_urgent)
            if not (created or urgent):
                continue
            single = Notice(
                title=f"{'URGENT' if urgent else 'New'} ticket #{ticket['number']}",
                text=line(ticket.get("subject")),
                urgent=urgent,
                bell=urgent,
            )
            organization = line((ticket.get("organization") or {}).get("name") or "?")
            shown = self.floods.arrived(organization, urgent, created, now, single)
            if shown is not None:
                self._show_notice(shown)

    def _floods_due(self) -> None:
        for notice in self.floods.due(time.monotonic()):
            self._show_notice(notice)

    def _show_notice(self, notice: Notice) -> None:
        app: Any = self.app
        severity: SeverityLevel = "error" if notice.urgent else "information"
        self.notify(notice.text, title=notice.title, severity=severity, markup=False)
        if notice.bell and app.settings.bell:
            app.bell()

    # -- keys -----------------------------------------------------------------------

    def action_open(self) -> None:
        number = self.table.current_number
        if number is None:
            return
        from padcom_tui.screens.ticket import TicketScreen

        self.queue.seen(number)
        ticket = self.queue.tickets.get(number)
        if ticket:
            self.table.refresh_tickets([ticket], self._now(), self.queue.marked)
        self.app.push_screen(TicketScreen(number), self.ticket_closed)

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    def ticket_closed(self, ticket: Json | None) -> None:
        if ticket is not None:
            self.queue.seen(int(ticket["number"]))
            self.merge([ticket])

    def action_filter(self) -> None:
        _desk().choose_filter(self)

    def action_sort(self) -> None:
        _desk().choose_sort(self)

    def action_view(self, number: int) -> None:
        _desk().open_view(self, number)

    def action_save_view(self) -> None:
        _desk().save_view(self)

    def action_select(self) -> None:
        _desk().toggle(self)

    def action_extend(self, step: int) -> None:
        _desk().extend(self, step)

    def action_select_all(self) -> None:
        _desk().select_all(self)

    def action_change(self, field: str) -> None:
        _desk().change(self, field)

    def show_selection(self, numbers: list[int]) -> None:
        """Redraw the rows whose selection changed, and the count in the status line."""
        self.table.selected = set(self.selected)
        shown = [self.queue.tickets[n] for n in numbers if n in self.queue.tickets]
        self.table.refresh_tickets(shown, self._now(), self.queue.marked)
        self.status()

    def action_filter_assignee(self, who: str) -> None:
        same = self.queue.filters.assignee == who
        self.load(self.queue.filters.but(assignee=None if same else who))

    def action_clear_filters(self) -> None:
        self.view_name = ""
        self.load(QueueFilters(folded=self.queue.filters.folded))

    def action_find(self) -> None:
        """The full-text search: hits with their snippets, best first; enter opens one."""
        from padcom_tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen())

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("shown")
        search.value = self.queue.filters.q or ""
        search.focus()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        self._close_search()
        self.load(self.queue.filters.but(q=event.value.strip() or None))

    def key_escape(self) -> None:
        if not _desk().clear(self):  # esc first unselects, then closes the search
            self._close_search()

    def _close_search(self) -> None:
        self.query_one("#search", Input).remove_class("shown")
        self.table.focus()

    def _now(self) -> Any:
        return self.padcom.clock()

    def _show_all(self) -> None:
        self.table.show(self.queue.ordered(), self._now(), self.queue.marked)

    def status(self) -> None:
        count = len(self.queue.tickets)
        more = bool(self.queue.next_cursor)
        shown = "loading…" if self.loading and not count else counted(count, "ticket", more=more)
        parts = [shown]
        if self.selected:
            parts.append(f"{len(self.selected)} selected (T: tag, M: macro)")
        if self.view_name:
            parts.append(f"view {line(self.view_name)}")
        parts.append(self.queue.filters.describe())
        self.query_one(StatusLine).set_detail(" · ".join(parts))
