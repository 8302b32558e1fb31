"""An event stream ends with a last word on shutdown, not in the middle of a chunk.

On SIGTERM sse-starlette used to cancel each stream, so the response ended
without its closing chunk and clients saw a protocol error. Now its cooperative
shutdown lets the hub go of every stream (``server.http.routes.stream``); each stream
sends ``FAREWELL`` — a comment saying why and a ``retry`` hint — and returns, so
the response ends cleanly and the client reconnects (with ``Last-Event-ID``) to
another worker or to the restarted server.
"""

from __future__ import annotations

FAREWELL = b": server shutting down; reconnect\nretry: 1000\n"
"""The stream's last frame: a comment (ignored by every client) and a 1 s reconnect delay.

No empty line ends it: a client takes ``retry`` as it reads the line, while an empty line
would end a block without data that clients keeping the last event id (httpx-sse 0.4)
hand out as the last event again (``server/http/routes/stream.py``, ``_Heartbeat``)."""
GRACE_SECONDS = 2.0
"""How long sse-starlette lets a stream send its farewell before it cancels it."""
