"""Screens layer of the admin app: the typed way from a screen (or any widget) to the app.

Textual types ``self.app`` as a bare ``App``, so reading ``self.app.client`` needed a
``type: ignore`` that also hid every misspelt or removed attribute. ``PadcomScreen.padcom``
(and ``admin_of`` for other nodes) returns the ``PadcomAdmin`` itself, checked once at
run time, so mypy checks every use of the client, settings, clock and signed-in user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode
from textual.screen import Screen, ScreenResultType

if TYPE_CHECKING:
    from padcom_tui.app import PadcomAdmin


def admin_of(node: DOMNode) -> PadcomAdmin:
    """The ``PadcomAdmin`` that ``node`` runs in; TypeError inside any other app."""
    from padcom_tui.app import PadcomAdmin  # here: the app module imports the screens

    app = node.app
    if not isinstance(app, PadcomAdmin):
        raise TypeError(f"{type(node).__name__} runs only inside PadcomAdmin, not {type(app)}")
    return app


class PadcomScreen(Screen[ScreenResultType]):
    """A screen of the admin app: ``self.padcom`` is the app, typed."""

    @property
    def padcom(self) -> PadcomAdmin:
        return admin_of(self)
