"""A loopback TCP forwarder whose connections a test can cut or black-hole.

``cut()`` drops every stream for real. ``black_hole()`` is a network path that
goes silent: connections are still accepted and bytes are still taken in, but
nothing reaches the other side until ``restore()``, when what was held is
delivered late, as TCP would retransmit it after an outage.
"""

from __future__ import annotations

import contextlib
import socket
import threading

HOLD_CHECK_SECONDS = 0.2
"""How often a held stream looks whether the path is back (or the proxy closed)."""


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to ``upstream``; ``cut()`` kills every open connection."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = False
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def black_hole(self) -> None:
        """From now on nothing is forwarded, on open connections or new ones."""
        self._flowing.clear()

    def restore(self) -> None:
        """Deliver what was held and forward again."""
        self._flowing.set()

    def _wait_for_path(self) -> bool:
        """Block while black-holed; False when the proxy was closed meanwhile."""
        while not self._flowing.wait(HOLD_CHECK_SECONDS):
            if self._closed:
                return False
        return not self._closed

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        if not self._wait_for_path():
            client.close()
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            client.close()
            return
        with self._lock:
            self._open += [client, upstream]
            self.connections += 1
        self._forward(client, upstream)

    def _forward(self, client: socket.socket, upstream: socket.socket) -> None:
        """Pump both ways until either side closes."""
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                if not self._wait_for_path():
                    break
                sink.sendall(chunk)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            self._open.clear()

    def close(self) -> None:
        self._closed = True
        self.listener.close()
        self.cut()


class LosingProxy(CuttableProxy):
    """Forwards to ``upstream``, but loses the answers to the first ``times`` requests with ``method``.

    Such a request reaches the server (and is committed there); its answer is
    read and thrown away, then the client gets ``instead`` on that connection:
    nothing (it just closes, as at a cut) or a canned response (a gateway's
    503). Every other request and answer passes through unchanged.
    """

    def __init__(
        self, upstream_port: int, method: bytes, instead: bytes = b"", times: int = 1
    ) -> None:
        self.method = method
        self.times = times
        self.instead = instead
        self.lost = 0
        super().__init__(upstream_port)

    def _forward(self, client: socket.socket, upstream: socket.socket) -> None:
        losing = threading.Event()
        threading.Thread(target=self._ask, args=(client, upstream, losing), daemon=True).start()
        threading.Thread(target=self._answer, args=(upstream, client, losing), daemon=True).start()

    def _ask(self, client: socket.socket, upstream: socket.socket, losing: threading.Event) -> None:
        with contextlib.suppress(OSError):
            while chunk := client.recv(65536):
                with self._lock:
                    if self.lost < self.times and chunk.startswith(self.method):
                        self.lost += 1
                        losing.set()  # before the request goes on: its answer is lost
                upstream.sendall(chunk)

    def _answer(
        self, upstream: socket.socket, client: socket.socket, losing: threading.Event
    ) -> None:
        with contextlib.suppress(OSError):
            while chunk := upstream.recv(65536):
                if losing.is_set():  # the server has answered: the write is committed
                    if self.instead:
                        client.sendall(self.instead)
                    break
                client.sendall(chunk)
        for sock in (client, upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
