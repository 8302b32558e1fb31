"""Refuse request bodies over the configured size before any route reads them.

A pure ASGI middleware: it reads the body (bounded), answers 413 when it is too
large, and otherwise hands the buffered body to the app. Bodies are small JSON
documents, so buffering costs nothing worth measuring. The one exception is a
file upload (``streamed`` paths): its body passes through unbuffered, refused
up front only when its declared length is over ``streamed_max_bytes``; the route
counts what really arrives against the file cap as it reads.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """ASGI middleware answering 413 for bodies larger than ``max_bytes``."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        streamed: tuple[str, ...] = (),
        streamed_max_bytes: int = 0,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.streamed = streamed
        self.streamed_max_bytes = streamed_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if scope["path"] in self.streamed:
            if declared is not None and (
                not declared.isdigit() or int(declared) > self.streamed_max_bytes
            ):
                await self._refuse(send, self.streamed_max_bytes, "a file")
                return
            await self.app(scope, receive, send)
            return
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, limit: int = 0, what: str = "request body") -> None:
        limit = limit or self.max_bytes
        payload = json.dumps(
            {
                "error": {
                    "code": "too_large",
                    "message": f"{what} larger than {limit} bytes",
                    "details": {"limit": limit},
                }
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})
