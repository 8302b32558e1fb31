"""A request still running when the shutdown grace period ends gets a 503, not a 500.

On SIGTERM uvicorn waits ``shutdown_grace_seconds`` for in-flight requests and
then cancels them; a cancelled request that had not started its answer became
uvicorn's 500 (a login queued for an argon2 slot, for one). This middleware
catches that cancellation and answers 503 ``unavailable`` with ``Retry-After``,
which every client already retries. The request's transaction, if any, was
never committed: nothing the client was told about is lost.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.http.errors import error_response

RETRY_AFTER_SECONDS = 1


class ShutdownGate:
    """ASGI middleware turning a shutdown's cancellation into a 503 when nothing was sent yet."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch_start)
        except asyncio.CancelledError:
            if started:
                raise
            refusal = error_response(
                503,
                "unavailable",
                "the server is shutting down; try again",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Connection": "close"},
            )
            await refusal(scope, receive, send)
