"""One ticket for a person or a script: properties, description, conversation (and history).

Kept apart from its Typer command (``commands/ticket_view.show``) and free of
Typer, so ``padcom_cli.fastpath`` can run the hottest read without importing
Typer; both ways call ``show`` with a signed-in client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from padcom_cli.output import emit

if TYPE_CHECKING:
    from padcom_cli.client.api import PadcomClient


def show(api: PadcomClient, number: int, *, history: bool, as_json: bool) -> None:
    """Print ticket ``number``; raises a ``PadcomError`` when it cannot be fetched.

    --json prints {"ticket", "messages"} (and "events" with ``history``).
    """
    ticket = api.get_ticket(number)
    messages = api.messages(number)
    events = api.history(number) if history else None
    data: dict[str, Any] = {"ticket": ticket, "messages": messages}
    if events is not None:
        data["events"] = events

    def draw() -> list[object]:
        from padcom_cli.render import history as render_history
        from padcom_cli.render import ticket_detail

        parts: list[object] = list(ticket_detail(ticket, messages))
        if events is not None:
            parts.append(render_history(events))
        return parts

    emit(data, as_json, draw)
