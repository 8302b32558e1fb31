"""What can go wrong talking to Padcom, as the CLI's exit codes and the app's messages.

    PadcomError                  exit 1  server or network trouble
     ├── Unreachable             exit 1  no connection / timeout
     ├── ServerFailed            exit 1  5xx, or 429 (RateLimited)
     │    └── RateLimited
     ├── InvalidRequest          exit 2  the server refused the input (400/413/422/428)
     ├── InsecureTransport       exit 2  a secret would go over plain http (not loopback)
     ├── NotFound                exit 3
     ├── NotAuthorized           exit 4  not signed in, token expired (401) or forbidden (403)
     └── Conflict                exit 5  someone else changed the ticket (409/412)

Front ends catch ``PadcomError`` and show ``str(error)``; never a traceback.
"""

from __future__ import annotations

from typing import Any


class PadcomError(Exception):
    """Base of every client error; ``exit_code`` is the CLI's exit status for it."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        details: dict[str, Any] | None = None,
        code: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details or {}
        self.code = code
        """The API's word for the failure (``totp_required``, ``not_found`` ...), if it sent one."""


class Unreachable(PadcomError):
    """The server could not be reached or did not answer in time."""


class ServerFailed(PadcomError):
    """The server answered with an error of its own (5xx)."""


class RateLimited(ServerFailed):
    """Too many requests; ``retry_after`` seconds until the next try may succeed."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class InvalidRequest(PadcomError):
    exit_code = 2


class InsecureTransport(PadcomError):
    """A password or token would cross a network in clear; nothing was sent."""

    exit_code = 2


class NotFound(PadcomError):
    exit_code = 3


class NotAuthorized(PadcomError):
    exit_code = 4


class Conflict(PadcomError):
    """The ticket changed since the version this client saw; nothing was overwritten."""

    exit_code = 5

    @property
    def current_version(self) -> int | None:
        value = self.details.get("current_version")
        return int(value) if value is not None else None


EXIT_CODES = {
    0: "success",
    1: "server or network error",
    2: "usage error, or input the server refused",
    3: "not found",
    4: "not signed in, token expired or revoked, or not allowed",
    5: "conflict: someone else changed the ticket (nothing was overwritten)",
}
"""What each exit status means, as ``padcom --help`` and the README's table say it."""
