"""Headers every response carries: no caching of anyone's data, no sniffing, no framing.

A pure ASGI middleware (no ``BaseHTTPMiddleware``), so it neither buffers nor
breaks the event stream. ``Cache-Control: no-store`` goes on every response that
did not choose its own: every API answer is someone's tickets or a token. The
headers are encoded once and appended as raw ASGI pairs (Starlette's
``MutableHeaders.setdefault``, seven times a response, showed in the profile).
HSTS is sent only over TLS, where it means something.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "interest-cohort=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]


DEFAULTS = _raw({**ALWAYS, "Cache-Control": "no-store"})
"""Added to every response that has not set its own, as ASGI raw headers (encoded once)."""
SECURE_DEFAULTS = [*DEFAULTS, *_raw({"Strict-Transport-Security": HSTS})]


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        defaults = SECURE_DEFAULTS if scope.get("scheme") == "https" else DEFAULTS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                chosen = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in defaults if name not in chosen]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
