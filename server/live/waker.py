"""The thread every waker runs on: started with the app, stopped at shutdown, told apart by name."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable


class WakerThread(ABC):
    """Runs ``self._run`` on a daemon thread that calls ``on_events`` when others commit.

    ``listening`` is set while the waker is connected and hears commits (tests wait for it).
    """

    def __init__(self, name: str, on_events: Callable[[list[int]], None]) -> None:
        self.on_events = on_events
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.listening = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    @abstractmethod
    def _run(self) -> None:
        """Listen for commits until ``_stop`` is set (each database its own way)."""
