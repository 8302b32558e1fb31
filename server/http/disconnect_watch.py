"""Notice that the client of a write request went away, while the request is still running.

An ASGI app hears of a closed connection only when it calls ``receive()`` after
the body: routes never do, so a request whose client gave up ran on and
committed. This middleware reads the body, hands it to the app, and keeps
listening; on ``http.disconnect`` it gives up the request's ``Wanted``
(server/storage/still_wanted.py), and a write not yet claimed for its commit is dropped.
Only for methods that write: a GET needs no claim, and event streams listen for
the disconnect themselves, and a file upload (``streamed`` paths) reads its own
body as it arrives, unbuffered, and hears the disconnect as an end of its body.
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.storage import still_wanted

READ_ONLY_METHODS = ("GET", "HEAD", "OPTIONS")


class DisconnectWatch:
    """ASGI middleware giving each write request a ``Wanted`` its client's leaving gives up."""

    def __init__(self, app: ASGIApp, streamed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.streamed = streamed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in READ_ONLY_METHODS
            or scope["path"] in self.streamed
        ):
            await self.app(scope, receive, send)
            return
        body: list[Message] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.append(message)
            if not message.get("more_body", False):
                break
        with still_wanted.tracked() as wanted:
            gone = asyncio.Event()
            answered = False

            async def watch() -> None:
                while (await receive())["type"] != "http.disconnect":
                    pass
                if not answered:  # uvicorn says http.disconnect after an answer too
                    wanted.give_up()
                gone.set()

            async def noting_send(message: Message) -> None:
                nonlocal answered
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    answered = True
                await send(message)

            async def replay() -> Message:
                if body:
                    return body.pop(0)
                await gone.wait()
                return {"type": "http.disconnect"}

            watcher = asyncio.create_task(watch())
            try:
                await self.app(scope, replay, noting_send)
            finally:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
