"""An httpx transport for plain ``http://`` over the standard library's ``http.client``.

httpx's own transport stands on httpcore, h11, anyio and certifi: ~20 ms of
imports in every ``padcom`` command, a seventh of the 150 ms a whole
``ticket show`` may take. ``http.client`` (HTTP/1.1, chunked bodies,
keep-alive) is loaded by httpx already. So a one-shot CLI command talking to
an ``http://`` server uses this transport; TLS (``https://``) and proxies stay
with httpx's transports (``client._transport``; httpx mounts its own for the
proxy variables), and so does the long-lived admin app.

Like httpx's transport it keeps one connection per server alive between
requests, replaces one the server has closed meanwhile (an editor left open
past the keep-alive timeout), retries a failed connect once, applies the
connect and read timeouts, and raises httpx's exceptions, so ``PadcomClient``
sees no difference. Bodies are read whole: no streaming (``padcom_cli.client.live``
uses httpx's transport).
"""

from __future__ import annotations

import http.client
import select

import httpx

CONNECT_ATTEMPTS = 2
"""A refused or timed-out connect is tried once more, as ``HTTPTransport(retries=1)`` does."""


def _stale(connection: http.client.HTTPConnection) -> bool:
    """Whether a kept-alive connection has something to read before we asked: the server's close."""
    sock = connection.sock
    return sock is not None and bool(select.select([sock], [], [], 0)[0])


class PlainHTTPTransport(httpx.BaseTransport):
    """HTTP/1.1 without TLS through ``http.client``; one kept-alive connection per host and port."""

    def __init__(self) -> None:
        self._connections: dict[tuple[str, int], http.client.HTTPConnection] = {}

    def _connection(self, request: httpx.Request) -> http.client.HTTPConnection:
        url, timeouts = request.url, request.extensions.get("timeout", {})
        if url.scheme != "http":
            raise httpx.UnsupportedProtocol(
                f"{url.scheme}: needs httpx's own transport", request=request
            )
        key = (url.host, url.port or 80)
        connection = self._connections.get(key)
        if connection is not None and _stale(connection):
            connection.close()
        if connection is None or connection.sock is None:
            connection = http.client.HTTPConnection(*key, timeout=timeouts.get("connect"))
            for attempt in range(CONNECT_ATTEMPTS):
                try:
                    connection.connect()
                    break
                except TimeoutError as exc:
                    if attempt + 1 == CONNECT_ATTEMPTS:
                        raise httpx.ConnectTimeout(
                            str(exc) or "timed out", request=request
                        ) from exc
                except OSError as exc:
                    if attempt + 1 == CONNECT_ATTEMPTS:
                        raise httpx.ConnectError(str(exc), request=request) from exc
            self._connections[key] = connection
        assert connection.sock is not None
        connection.sock.settimeout(timeouts.get("read"))
        return connection

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        connection = self._connection(request)
        try:
            connection.putrequest(
                request.method,
                request.url.raw_path.decode("ascii"),
                skip_host=True,
                skip_accept_encoding=True,
            )
            for name, value in request.headers.raw:
                connection.putheader(name, value)
            connection.endheaders(request.read() or None)
            response = connection.getresponse()
            body = response.read()
        except TimeoutError as exc:
            connection.close()
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        except (http.client.HTTPException, OSError) as exc:
            connection.close()
            raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc
        return httpx.Response(
            status_code=response.status,
            headers=response.getheaders(),
            content=body,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": response.reason.encode("ascii", "replace"),
            },
        )

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()
