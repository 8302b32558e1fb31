"""DataTable's cell rendering, done directly for the one-line text cells the queue holds.

DataTable renders every cell through Rich's ``Padding`` and a full console pass
(~0.2 ms a cell); a screenful of the queue is ~300 cells, and all of them are
rendered again whenever a row is added, removed or moved (their row numbers and
stripes change). For a single line of ``Text`` that fits its column the result is
simply: padding, the text's segments, spaces up to the width, padding, under the
row's and the component's styles. ``cell_lines`` builds exactly those segments
(tests/tui/test_table_cells.py compares it with DataTable's own rendering, cell by
cell, so a Textual upgrade that changes the picture fails there); anything else
returns ``None`` and is rendered by DataTable as before.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable

_NEWLINE = Text("\n")


def cell_lines(
    table: DataTable[Any],
    row_index: int,
    column_index: int,
    base_style: Style,
    width: int,
    cursor: bool,
    hover: bool,
) -> list[list[Segment]] | None:
    """The cell's one line of segments, as ``DataTable._render_cell`` draws it, or None."""
    is_header = row_index == -1
    if column_index == -1:
        return None  # row labels: the queue has none
    if is_header:
        if table.header_height != 1:
            return None
    else:
        row_key = table._row_locations.get_key(row_index)
        row = table.rows.get(row_key) if row_key is not None else None
        if row is None or row.height != 1:
            return None
    _label, cells = table._get_row_renderables(row_index)
    cell = cells[column_index]
    padding = table.cell_padding
    room = width - 2 * padding
    if not isinstance(cell, Text) or "\n" in cell.plain or cell.cell_len > room:
        return None
    fixed = not is_header and (row_index < table.fixed_rows or column_index < table.fixed_columns)
    component_style, post_style = table._get_styles_to_render_cell(
        is_header,
        False,
        fixed,
        hover,
        cursor,
        table.show_cursor,
        table._show_hover_cursor,
        table.cursor_foreground_priority == "css",
        table.cursor_background_priority == "css",
    )
    pre_style = (
        base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
    )
    segments = [Segment(" " * padding)] if padding else []
    segments += _NEWLINE.join([cell]).render(table.app.console)  # as Text renders in a console
    if cell.cell_len < room:
        segments.append(Segment(" " * (room - cell.cell_len)))
    if padding:
        segments.append(Segment(" " * padding))
    return [list(Segment.apply_style(segments, style=pre_style, post_style=post_style))]
