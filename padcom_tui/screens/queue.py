"""The home screen: the queue in urgency order, filtered by key, paged as the agent scrolls."""

from __future__ import annotations

import time
from collections.abc import Collection
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
    CATEGORIES,
    MOST_URGENT_FIRST,
    OPEN_WORK,
    STATUSES,
    EventKind,
    Priority,
)
from padcom_tui.background import in_background
from padcom_tui.flood_gate import FloodGate, Notice
from padcom_tui.format import line
from padcom_tui.messages import EventsArrived, QueuePainted, Reconnected
from padcom_tui.queue_pages import QueueFilters, TicketQueue
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.screens.macro_apply import choose_macro, summary
from padcom_tui.widgets.keys_footer import KeysFooter
from padcom_tui.widgets.status_line import StatusLine
from padcom_tui.widgets.ticket_table import TicketTable

CLOCK_SECONDS = 30
"""How often the queue's ages and SLA due times are brought up to the clock."""


class QueueScreen(PadcomScreen[None]):
    AUTO_FOCUS = "#queue"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("f", "find", "Find"),
        Binding("s", "filter_status", "Status"),
        Binding("p", "filter_priority", "Priority"),
        Binding("c", "filter_category", "Category"),
        Binding("m", "filter_assignee('me')", "Mine"),
        Binding("u", "filter_assignee('none')", "Unassigned"),
        Binding("t", "filter_tag", "Tag", show=False),  # listed in ? help
        Binding("x", "clear_filters", "Clear filters"),
        Binding("space", "select", "Select", show=False),
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

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="search every text, customer and service; enter applies, esc closes",
            id="search",
        )
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
        self.load(QueueFilters())

    def tick(self) -> None:
        """Ages and SLA due times move on while the queue stays open (a live change
        rewrites only its own rows, and a quiet hour brings none); presence expires."""
        self.table.refresh_clock(self.queue.ordered(), self._now())
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
        self._status()
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
                sort="urgency", limit=size, cursor=cursor, **filters.params()
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
        self.table.append(fresh, self._now(), self.queue.marked)
        self._status()
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
        if result.inserted or result.removed:
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
        self._status()

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
        self.app.push_screen(TicketScreen(number), self._ticket_closed)

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    def _ticket_closed(self, ticket: Json | None) -> None:
        if ticket is not None:
            self.queue.seen(int(ticket["number"]))
            self.merge([ticket])

    def _pick(
        self, title: str, name: str, values: tuple[str, ...], extra: list[tuple[str, str]]
    ) -> None:
        from padcom_tui.screens.choice import ChoiceScreen

        current = getattr(self.queue.filters, name) or ""
        options = [*extra, *[(v, v) for v in values]]
        self.app.push_screen(
            ChoiceScreen(title, options, current),
            lambda value: (
                None
                if value is None
                else self.load(self.queue.filters.but(**{name: value or None}))
            ),
        )

    def action_filter_status(self) -> None:
        self._pick("Show status", "status", STATUSES, [("open work", OPEN_WORK), ("any", "")])

    def action_filter_priority(self) -> None:
        self._pick("Show priority", "priority", MOST_URGENT_FIRST, [("any", "")])

    def action_filter_category(self) -> None:
        self._pick("Show category", "category", CATEGORIES, [("any", "")])

    def action_filter_assignee(self, who: str) -> None:
        same = self.queue.filters.assignee == who
        self.load(self.queue.filters.but(assignee=None if same else who))

    def action_filter_tag(self) -> None:
        """Show only tickets with one of the tags in use (the server counts them)."""

        def listed(found: Json) -> None:
            tags = [(f"{line(u['tag'])} ({u['tickets']})", str(u["tag"])) for u in found["used"]]
            self._pick("Show tag", "tag", (), [("any", ""), *tags])

        in_background(self, self.padcom.client.desk.tags, listed, group="tags")

    def action_select(self) -> None:
        """Pick the ticket under the cursor for a macro (again: put it back)."""
        number = self.table.current_number
        if number is None:
            return
        self.table.selected ^= {number}
        ticket = self.queue.tickets.get(number)
        if ticket:
            self.table.refresh_tickets([ticket], self._now(), self.queue.marked)
        self._status()

    def action_macro(self) -> None:
        """Apply a macro to the selected tickets (or the one under the cursor)."""
        numbers = sorted(self.table.selected) or [n for n in [self.table.current_number] if n]
        targets = [
            {"number": n, "version": int(self.queue.tickets[n]["version"])}
            for n in numbers
            if n in self.queue.tickets
        ]
        if not targets:
            return

        def done(result: Json) -> None:
            if "results" in result:
                self.notify(summary(result), markup=False)
                self.merge([r["ticket"] for r in result["results"] if r["ticket"]])
            else:
                self.notify(f"#{result['number']}: macro applied.", markup=False)
                self.merge([result])
            self.table.selected.clear()
            self._show_all()

        choose_macro(self, self.padcom.client, targets, done)

    def action_clear_filters(self) -> None:
        self.load(QueueFilters())

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
        self._close_search()

    def _close_search(self) -> None:
        self.query_one("#search", Input).remove_class("shown")
        self.table.focus()

    # -- helpers ----------------------------------------------------------------------

    def _now(self) -> Any:
        return self.padcom.clock()

    def _show_all(self) -> None:
        self.table.show(self.queue.ordered(), self._now(), self.queue.marked)

    def _status(self) -> None:
        count = len(self.queue.tickets)
        more = bool(self.queue.next_cursor)
        shown = "loading…" if self.loading and not count else counted(count, "ticket", more=more)
        if self.table.selected:
            shown += f" · {len(self.table.selected)} selected (M: macro)"
        self.query_one(StatusLine).set_detail(f"{shown} · {self.queue.filters.describe()}")
