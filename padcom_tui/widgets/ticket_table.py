"""The queue as a DataTable that only ever holds the pages loaded so far.

DataTable measures every cell it is given, so it gets at most a few pages, and
its columns are laid out for the terminal's width: short words at 80 columns,
full words and wide organization and assignee columns on a large terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.widgets import DataTable

from padcom_cli.client.jsontypes import Json
from padcom_tui.format import (
    PRIORITY_STYLE,
    STATUS_STYLE,
    age,
    fit,
    ink,
    line,
    organization,
    person,
    sla_due,
    word,
)
from padcom_tui.widgets.table_cells import cell_lines

WIDE = 130
NARROW = 100
MARK = "● "
"""Before the number of a ticket that is new or changed; ``rearrange`` reads the number after it."""
CHOSEN = "✓"
"""In the mark's first place on a row selected for a bulk action (readable without colour)."""


SELECTED = "✓ "
"""Before the number of a ticket picked for a macro (its own width: the new/changed mark's)."""


def subject_cell(ticket: Json, width: int) -> Text:
    """The subject, then the ticket's tags (staff see them) in a colour of their own."""
    subject = line(ticket.get("subject"))
    tags = " ".join(f"#{line(t)}" for t in ticket.get("tags") or [])
    if not tags:
        return Text(fit(subject, width))
    cell = Text(fit(subject, max(width - len(tags) - 1, min(width, 12))))
    room = width - len(cell.plain) - 1
    if room > 1:
        cell.append(" " + fit(tags, room), style=ink("cyan"))
    return cell


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # 0: the subject, which takes the room left over


def columns_for(width: int, digits: int = 3) -> list[Column]:
    """The queue's columns for a terminal ``width`` wide, ``#`` as wide as the numbers
    (``digits``) and the mark; the subject takes the rest. Below ``NARROW`` the category
    and the age give their room to the subject, the organization and assignee shrink."""
    compact, narrow = width < WIDE, width < NARROW
    category = [Column("category", "Cat" if compact else "Category", 3 if compact else 8)]
    return [
        Column("number", "#", len(MARK) + digits),
        Column("priority", "Pri", 4 if compact else 6),
        Column("status", "Stat" if compact else "Status", 4 if compact else 8),
        *([] if narrow else category),
        Column("subject", "Subject", 0),
        Column(
            "organization",
            "Org" if compact else "Organization",
            10 if narrow else min(28, max(10, width // 7)),
        ),
        Column(
            "assignee", "Assignee" if not narrow else "Agent", 6 if narrow else min(18, width // 10)
        ),
        *([] if narrow else [Column("age", "Age", 3)]),
        Column("sla", "SLA" if compact else "SLA due", 8),
    ]


class TicketTable(DataTable[Any]):
    """Tickets keyed by number; ``show``/``append``/``refresh_tickets`` keep it in step."""

    DEFAULT_CSS = "TicketTable { height: 1fr; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("home", "scroll_top", "First ticket", show=False),
        Binding("end", "scroll_bottom", "Last ticket", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        self.present: Callable[[int], str] | None = None
        """Who else is on a ticket now, as a short sign (the queue sets it)."""
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.layout_width = 0
        self.columns_now: list[Column] = []
        self.subject_width = 20
        self.selected: set[int] = set()
        """The numbers selected for a bulk action (the screen keeps this in step)."""
        self.digits = 3
        """How many digits the ``#`` column holds: the longest number shown so far."""
        self._sized = Size(0, 0)

    def _on_resize(self, event: events.Resize) -> None:
        """Keep the rendered cells when a resize leaves the table's size as it was.

        DataTable throws every rendered cell away on any Resize. The screen's first
        resize (the terminal's size, sent at start) often arrives just after the first
        page was painted, and painting a screenful of cells again cost ~70 ms of the
        first paint.
        """
        if event.size == self._sized:
            event.prevent_default()
        self._sized = event.size

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        """DataTable's cell rendering; the queue's plain one-line cells take the fast way."""
        lines = cell_lines(self, row_index, column_index, base_style, width, cursor, hover)
        if lines is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        return lines

    def fit_numbers(self, tickets: Collection[Json]) -> bool:
        """Widen ``#`` for the longest number in ``tickets``; True when the columns changed
        (the rows must be shown again)."""
        digits = max((len(str(t["number"])) for t in tickets), default=0)
        if digits <= self.digits:
            return False
        self.digits = digits
        return self.lay_out(self.layout_width, force=True)

    def lay_out(self, width: int, force: bool = False) -> bool:
        """Set columns for ``width``; True when they changed (the rows must be shown again)."""
        if width == self.layout_width and not force:
            return False
        self.layout_width = width
        self.columns_now = columns_for(width, self.digits)
        fixed = sum(c.width + 2 * self.cell_padding for c in self.columns_now if c.width)
        self.subject_width = max(12, width - fixed - 2 * self.cell_padding - 3)
        self.clear(columns=True)
        for column in self.columns_now:
            self.add_column(column.label, key=column.key, width=column.width or self.subject_width)
        return True

    def cells(self, ticket: Json, now: datetime, marked: bool) -> list[Text]:
        compact = self.layout_width < WIDE
        widths = {c.key: c.width or self.subject_width for c in self.columns_now}
        chosen = int(ticket["number"]) in self.selected
        mark = (CHOSEN if chosen else "") + (MARK if marked else " " * len(MARK))
        number = Text(mark[: len(MARK)], style=ink("bold cyan"))
        number.append(str(ticket["number"]), style="bold" if marked else "")
        values = {
            "number": number,
            "priority": word(ticket["priority"], compact, PRIORITY_STYLE),
            "status": word(ticket["status"], compact, STATUS_STYLE),
            "category": word(ticket["category"], compact),
            "subject": self._subject(ticket, widths["subject"]),
            "organization": Text(fit(organization(ticket), widths["organization"])),
            "assignee": Text(fit(person(ticket.get("assignee")), widths["assignee"])),
            "age": Text(age(ticket, now)),
            "sla": sla_due(ticket, now),
        }
        return [values[c.key] for c in self.columns_now]

    def _subject(self, ticket: Json, width: int) -> Text:
        """The subject, after who else is on the ticket now (``present``), if anyone."""
        sign = self.present(int(ticket["number"])) if self.present else ""
        if not sign:
            return subject_cell(ticket, width)
        shown = Text(fit(sign, max(1, width // 3)), style=ink("bold yellow"))
        shown.append(" ")
        shown.append_text(subject_cell(ticket, max(0, width - len(shown))))
        return shown

    @property
    def current_number(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    def show(self, tickets: list[Json], now: datetime, marked: set[int]) -> None:
        """Replace every row, keeping the cursor on the same ticket when it is still there."""
        keep = self.current_number
        self.clear()
        self.append(tickets, now, marked)
        numbers = [int(t["number"]) for t in tickets]
        if keep in numbers:
            self.move_cursor(row=numbers.index(keep), animate=False)

    def rearrange(
        self, tickets: list[Json], changed: Collection[int], now: datetime, marked: set[int]
    ) -> None:
        """Make the rows ``tickets`` in this order, as ``show`` would, without rebuilding.

        Rows no longer there are removed, new ones added, those in ``changed``
        rewritten, then one sort puts them in order. A rebuild re-added and
        re-measured every cell of every loaded page on each live change (~30 ms
        with 100 rows); this measures only the new rows.
        """
        keep = self.current_number
        wanted = {int(t["number"]): t for t in tickets}
        for key in list(self.rows):
            if int(str(key.value)) not in wanted:
                self.remove_row(key)
        self.refresh_tickets(
            [wanted[n] for n in changed if n in wanted and str(n) in self.rows], now, marked
        )
        self.append([t for n, t in wanted.items() if str(n) not in self.rows], now, marked)
        place = {number: index for index, number in enumerate(wanted)}
        self.sort("number", key=lambda cell: place[int(cell.plain[len(MARK) :])])
        self.move_cursor(row=place.get(keep, 0) if keep is not None else 0, animate=False)

    def append(self, tickets: list[Json], now: datetime, marked: set[int]) -> None:
        for ticket in tickets:
            number = int(ticket["number"])
            self.add_row(*self.cells(ticket, now, number in marked), key=str(number))

    def refresh_tickets(self, tickets: list[Json], now: datetime, marked: set[int]) -> None:
        """Rewrite the cells of rows already shown (their place in the order is unchanged)."""
        keys = [c.key for c in self.columns_now]
        for ticket in tickets:
            number = int(ticket["number"])
            for key, value in zip(keys, self.cells(ticket, now, number in marked), strict=True):
                self.update_cell(str(number), key, value)

    def refresh_clock(self, tickets: list[Json], now: datetime) -> None:
        """Rewrite only the cells that move with the clock: each row's age and SLA due."""
        keys = {c.key for c in self.columns_now}
        for ticket in tickets:
            number = str(ticket["number"])
            if number in self.rows:
                if "age" in keys:
                    self.update_cell(number, "age", Text(age(ticket, now)))
                self.update_cell(number, "sla", sla_due(ticket, now))
