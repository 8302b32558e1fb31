"""Run a blocking client call on a thread and come back to the UI with its result.

Every call to the server goes through here, so failures reach ``PadcomAdmin.report``
(a notification and the status line, never a traceback) and any success tells the
app the server is reachable again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from padcom_cli.client.errors import PadcomError
from padcom_tui.screens.base import admin_of

T = TypeVar("T")


def in_background(
    node: DOMNode,
    call: Callable[[], T],
    done: Callable[[T], Any],
    *,
    failed: Callable[[PadcomError], Any] | None = None,
    group: str = "default",
    exclusive: bool = False,
) -> Worker[None]:
    """Run ``call`` on a thread; then ``done(result)`` or ``failed(error)`` on the UI thread.

    Without ``failed`` the app reports the error. Nothing comes back once the
    worker was cancelled (its screen closed, the app quitting).
    """
    app = admin_of(node)

    def back(callback: Callable[..., Any], *args: Any) -> None:
        # call_later queues without waiting, so a thread never blocks on an app that has quit
        if not get_current_worker().is_cancelled:
            with contextlib.suppress(RuntimeError):  # the event loop is already closed
                node.call_later(callback, *args)

    def run() -> None:
        try:
            result = call()
        except PadcomError as error:
            back(failed or app.report, error)
            return
        back(app.reached_server)
        back(done, result)

    return node.run_worker(run, thread=True, group=group, exclusive=exclusive)
