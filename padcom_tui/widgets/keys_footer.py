"""The footer of every screen: Textual's ``Footer``, rebuilt only when its keys change."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FIRST = ("quit", "app.quit", "help")
"""Shown first, so no width cuts them off: how to leave and how to find every other key."""
COMPACT_BELOW = 120
"""Narrower terminals get the footer's compact style (one space between keys)."""


class KeysFooter(Footer):
    """A ``Footer`` that skips a rebuild which would show the same keys again.

    Textual's footer remounts all its key widgets once per binding signal, and a
    screen that opens sends several (focus, screen resume, an idle callback): the
    queue's footer was rebuilt three times while the first page was painted,
    ~20 ms each with ~12 keys. The picture is a function of the active bindings,
    so identical bindings mean an identical footer.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Any, ...] | None = None

    def _keys(self) -> tuple[Any, ...]:
        """What ``compose`` draws from: every shown binding with its state, and the options."""
        bindings = tuple(
            (binding.key, binding.action, binding.description, binding.group, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING
        )
        return (self.show_command_palette, bindings)

    def compose(self) -> ComposeResult:
        """One key per action (the first of its keys), ``q Quit`` and ``? Help`` first."""
        if not self._bindings_ready:
            return
        shown: dict[str, tuple[Any, bool, str]] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding, enabled, tooltip)
        keys = sorted(shown.items(), key=lambda item: item[0] not in FIRST)
        self.compact = self.app.size.width < COMPACT_BELOW
        self.styles.grid_size_columns = len(keys)
        for action, (binding, enabled, tooltip) in keys:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)

    async def recompose(self) -> None:
        if self.is_attached:  # a rebuild queued before the screen closed finds no screen
            keys = self._keys()
            if keys == self._shown:
                return
            self._shown = keys
        await super().recompose()
