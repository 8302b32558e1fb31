"""``?``: the keys of the screen underneath, built from its bindings so it is never stale."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def shown_bindings(screen: Screen[Any]) -> list[tuple[DOMNode, Binding]]:
    """The actions of ``screen`` (and the app, and a widget's keys shown in the footer),
    one per action, the screen's own first; cursor movement and the like are left out.

    Of two keys for one action the one the footer shows wins: Textual's own hidden
    ``ctrl+q`` used to be listed for Quit while the footer and README said ``q``.
    """
    found: dict[str, tuple[DOMNode, Binding]] = {}
    for active in screen.active_bindings.values():
        node, binding = active.node, active.binding
        ours = node is screen or node is screen.app or binding.show
        if not (ours and binding.description):
            continue
        known = found.get(binding.action)
        if known is None or (binding.show and not known[1].show):
            found[binding.action] = (node, binding)
    return sorted(found.values(), key=lambda pair: pair[0] is screen.app)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", key_display="esc")
    ]

    def __init__(self, bindings: list[tuple[DOMNode, Binding]]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for _node, binding in self.bindings:
            key = binding.key_display or binding.key.split(",")[0]
            table.add_row(Text(key), Text(binding.description))
        with VerticalScroll(id="help"):
            yield Static(Text("Keys", style="bold"), classes="title")
            yield Static(table)
            yield Static(Text("esc closes this help", style="dim"))
