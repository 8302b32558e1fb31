"""The queue's answering keys: show one tag's tickets, tag the selection, apply a macro to it.

A base of ``QueueScreen`` (``screens/queue.py``, which would pass 400 lines with
them), as ``queue_outages.OutageKeys`` is for incidents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from padcom_cli.client.jsontypes import Json
from padcom_tui.background import in_background
from padcom_tui.format import line
from padcom_tui.screens.macro_apply import choose_macro, summary
from padcom_tui.screens.queue_outages import OutageKeys

if TYPE_CHECKING:
    from padcom_tui.widgets.ticket_table import TicketTable


class TagAndMacroKeys(OutageKeys):
    """``t``, ``T`` and ``M`` in the queue; the table, selection and merge are the queue's."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("T", "tag_selection", "Tag the selection", key_display="T", show=False),
    ]  # merged with the queue's own (``t`` and ``M`` are there); listed in ? help
    selected: dict[int, Json]

    if TYPE_CHECKING:

        @property
        def table(self) -> TicketTable: ...

        def merge(self, tickets: list[Json]) -> None: ...

        def _show_all(self) -> None: ...

    def action_filter_tag(self) -> None:
        """Show only tickets with one of the tags in use (the server counts them)."""

        def listed(found: Json) -> None:
            tags = [(f"{line(u['tag'])} ({u['tickets']})", str(u["tag"])) for u in found["used"]]
            from padcom_tui.screens.choice import ChoiceScreen

            self.app.push_screen(
                ChoiceScreen("Show tag", [("any", ""), *tags], self.queue.filters.tag or ""),
                lambda value: (
                    None if value is None else self.load(self.queue.filters.but(tag=value or None))
                ),
            )

        in_background(self, self.padcom.client.desk.tags, listed, group="tags")

    def action_tag_selection(self) -> None:
        """Put tags on the selected tickets (or the one under the cursor), take tags off."""
        from padcom_tui.screens import queue_desk
        from padcom_tui.screens.queue import QueueScreen

        assert isinstance(self, QueueScreen)
        queue_desk.tag(self)

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
            self.selected.clear()
            self.table.selected.clear()
            self._show_all()

        choose_macro(self, self.padcom.client, targets, done)
