"""The queue's fast cell rendering draws exactly what DataTable's own rendering draws."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from padcom_tui.format import use_monochrome
from padcom_tui.widgets.table_cells import cell_lines
from padcom_tui.widgets.ticket_table import TicketTable
from tests.tui.conftest import NOW, TableApp, sample_ticket


@pytest.mark.parametrize("width", [80, 140])
@pytest.mark.parametrize("no_color", [False, True])
async def test_every_cell_matches_datatables_rendering(width: int, no_color: bool) -> None:
    use_monochrome(no_color)
    try:
        app = TableApp()
        async with app.run_test(size=(width, 30)) as pilot:
            table = app.query_one(TicketTable)
            table.lay_out(width)
            priorities = ["low", "normal", "high", "urgent"]
            subjects = [
                "",
                "short",
                "[b]markup[/b] stays text",
                "long subject " * 12,
                "Bäckerei 日本",
            ]
            tickets = [
                sample_ticket(n, subjects[n % len(subjects)], priorities[n % 4])
                for n in range(1, 30)
            ]
            table.show(tickets, NOW, {3, 5})
            table.move_cursor(row=2)
            await pilot.pause()
            even = table.get_component_styles("datatable--even-row").rich_style
            compared = 0
            for row in range(-1, table.row_count):
                for column, key in enumerate(table.columns):
                    width_of = table.columns[key].get_render_width(table)
                    for base in (table.rich_style, table.rich_style + even):
                        for cursor in (False, True):
                            fast = cell_lines(table, row, column, base, width_of, cursor, False)
                            table._cell_render_cache.clear()
                            slow = DataTable._render_cell(
                                table, row, column, base, width_of, cursor, False
                            )
                            assert fast is not None
                            assert fast == slow, (row, key)
                            compared += 1
            assert compared == (table.row_count + 1) * len(table.columns) * 4
    finally:
        use_monochrome(False)
