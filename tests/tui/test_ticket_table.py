"""The queue table on its own: a live change rearranges the rows as a rebuild would."""

from __future__ import annotations

from padcom_tui.widgets.ticket_table import TicketTable
from tests.tui.conftest import NOW, TableApp, sample_ticket


def order(table: TicketTable) -> list[tuple[str, str]]:
    """(number cell, subject cell) of every row, top to bottom, as plain text."""
    keys = [c.key for c in table.columns_now]
    rows = [dict(zip(keys, table.get_row_at(i), strict=True)) for i in range(table.row_count)]
    return [(r["number"].plain, r["subject"].plain) for r in rows]


async def test_rearrange_adds_removes_rewrites_and_keeps_the_cursor_on_its_ticket() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(TicketTable)
        table.lay_out(120)
        table.show(
            [sample_ticket(1, "one"), sample_ticket(2, "two"), sample_ticket(3, "three")],
            NOW,
            set(),
        )
        table.move_cursor(row=1)
        await pilot.pause()

        shown = [
            sample_ticket(4, "four", "urgent"),
            sample_ticket(3, "three, changed"),
            sample_ticket(2, "two"),
        ]
        table.rearrange(shown, [4, 3], NOW, {3})
        await pilot.pause()
        rearranged = order(table)

        assert rearranged == [("  4", "four"), ("● 3", "three, changed"), ("  2", "two")]
        assert table.current_number == 2  # the cursor followed its ticket
        table.show(shown, NOW, {3})
        assert order(table) == rearranged  # the same rows as a rebuild

        table.rearrange([sample_ticket(4, "four", "urgent")], [], NOW, set())
        assert order(table) == [("  4", "four")]
        assert table.current_number == 4  # its ticket left: back to the top, as show does
