"""Choose a macro and apply it: to the ticket on screen, or to every ticket selected in the queue.

One ticket goes as of the version the agent saw (a stale one is refused by the
server, nothing applied); a selection goes in one request, each ticket its own
change, and the notice says how many were applied and which failed.
"""

from __future__ import annotations

from collections.abc import Callable

from padcom_cli.client.api import PadcomClient
from padcom_cli.client.jsontypes import Json
from padcom_tui.background import in_background
from padcom_tui.format import line
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.screens.choice import ChoiceScreen


def summary(result: Json) -> str:
    """``Applied to 3; failed: #12 (version_mismatch)`` for a selection's answer."""
    failed = [r for r in result["results"] if not r["ok"]]
    words = f"Applied to {result['applied']}"
    if failed:
        words += "; failed: " + ", ".join(
            f"#{r['number']} ({(r.get('error') or {}).get('code', '?')})" for r in failed
        )
    return words + "."


def choose_macro(
    screen: PadcomScreen[object] | PadcomScreen[Json | None] | PadcomScreen[None],
    client: PadcomClient,
    targets: list[Json],
    done: Callable[[Json], object],
) -> None:
    """Offer the macros, then apply the chosen one to ``targets`` (``{"number", "version"}``)
    and call ``done`` with the ticket (one target) or the selection's answer."""

    def apply(choice: str | None) -> None:
        if choice is None:
            return
        macro = int(choice)

        def call() -> Json:
            if len(targets) == 1:
                one = targets[0]
                return client.desk.apply_macro(int(one["number"]), macro, one.get("version"))
            return client.desk.apply_macro_to_many(macro, targets)

        in_background(screen, call, done, group="send")

    def listed(found: list[Json]) -> None:
        if not found:
            screen.notify("No macros yet.", severity="warning")
            return
        options = [(line(m["name"]), str(m["id"])) for m in found]
        title = "Apply macro" if len(targets) == 1 else f"Apply macro to {len(targets)} tickets"
        screen.app.push_screen(ChoiceScreen(title, options), apply)

    in_background(screen, client.desk.macros, listed, group="load")
