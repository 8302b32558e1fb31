"""Run ``padcom`` as a real process on a real pseudo-terminal and answer its prompts.

CliRunner's standard input is never a TTY, so prompting (which happens only on
a terminal) is tested here, the way a person meets it.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

PADCOM = str(Path(sys.executable).parent / "padcom")


def _take_the_terminal() -> None:
    """In the child, a session leader: make the pty its controlling terminal, as a login does
    (so /dev/tty is the pty, and Ctrl-C and job control work)."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """``padcom args`` (or another ``program``) on a pty; ``expect`` text, ``send`` a line,
    then ``finish``."""

    def __init__(
        self, args: list[str], env: dict[str, str], program: Sequence[str] = (PADCOM,)
    ) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [*program, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", **env},
            close_fds=True,
            start_new_session=True,
            preexec_fn=_take_the_terminal,
        )
        os.close(slave)
        self.screen = ""

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.screen += data.decode("utf-8", "replace")
        return bool(data)

    def expect(self, text: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r}; the screen was:\n{self.screen}")
            if not self._read(0.2) and self.process.poll() is not None:
                raise AssertionError(f"exited before {text!r}; the screen was:\n{self.screen}")

    def send(self, line: str) -> None:
        os.write(self.master, f"{line}\r".encode())

    def interrupt(self) -> None:
        """Ctrl-C, as a person presses it: SIGINT to the terminal's foreground processes."""
        os.write(self.master, b"\x03")

    def send_eof(self) -> None:
        """Ctrl-D at the start of a line: the end of what is typed."""
        os.write(self.master, b"\x04")

    def finish(self, timeout: float = 30.0) -> int:
        """Wait for the exit, collecting the rest of the output; returns the exit code."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        while self._read(0.05):
            pass
        os.close(self.master)
        if self.process.poll() is None:
            self.process.kill()
            raise AssertionError(f"still running after {timeout} s:\n{self.screen}")
        return int(self.process.returncode)
