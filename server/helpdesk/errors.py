"""Rules layer: what a rule answers when a change or a read cannot be done, in plain Python.

The rules (server/helpdesk, server/reads, server/stats, ...) raise these and
know nothing of HTTP; server/http/errors.py maps each class to its status and
to the ``{"error": {"code", "message", "details"}}`` body. ``code`` is the word
clients match on, so it lives with the error; ``retry_after`` (seconds) says
when trying again makes sense (the API sends it as ``Retry-After``).

    DomainError (bad_request)
     ├── Forbidden        ├── StaleVersion (version_mismatch)
     ├── NotFound         ├── Invalid
     ├── Conflict         ├── TooManyRequests (retry_after)
     ├── TooLarge         └── Unavailable (retry_after)
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the rules refuse as asked; the base of every error the client caused."""

    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.retry_after = retry_after


class Forbidden(DomainError):
    """The user may not do this (though they may know the thing exists)."""

    code = "forbidden"


class NotFound(DomainError):
    """No such thing, or none the user may see (the two look the same on purpose)."""

    code = "not_found"


class Conflict(DomainError):
    """The change contradicts what is stored (a taken email or name)."""

    code = "conflict"


class StaleVersion(DomainError):
    """Someone else changed the thing since the version the user last saw."""

    code = "version_mismatch"


class Invalid(DomainError):
    """A value the rules refuse (a field a customer may not set, a weak password)."""

    code = "invalid"


class TooManyRequests(DomainError):
    """Past a limit; ``retry_after`` says when the next attempt may pass."""

    code = "too_many_requests"


class Unavailable(DomainError):
    """The server cannot do it right now (every slot busy); ``retry_after`` says when to retry."""

    code = "unavailable"


class TooLarge(DomainError):
    """Over a size cap (a file, a ticket's files); the message names the limit."""

    code = "too_large"
