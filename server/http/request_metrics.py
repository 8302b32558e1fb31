"""Count every HTTP request and time it, per method and route template (``/metrics``).

Pure ASGI, so event streams pass through untouched. The label is the route's
template (``/api/v1/tickets/{number}``), never the raw path, so the number of
series stays bounded whatever clients ask for; the fast ticket read
(server/http/fast_read.py) answers before routing and names its route itself.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import telemetry


def route_of(scope: Scope) -> str:
    """The template of the route that answered, or ``unmatched`` (a 404 for an unknown path).

    An included router's route knows only its own part (``/tickets/{number}``); the
    prefix is the matched path's segments before it (a path parameter holds no ``/``).
    """
    template = getattr(scope.get("route"), "path_format", None)
    if not isinstance(template, str):
        return str(scope.get("padcom.route", "unmatched"))
    segments = str(scope["path"]).split("/")
    prefix = "/".join(segments[: max(1, len(segments) - template.count("/"))])
    return prefix + template


class RequestMetrics:
    """The outermost middleware: sees every answer, the other middlewares' included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route, method = route_of(scope), str(scope["method"])
            telemetry.REQUESTS.labels(method, route, str(status)).inc()
            telemetry.LATENCY.labels(method, route).observe(time.monotonic() - started)
