"""HTTP layer: a ticket as a response — its JSON written once, its version as ETag.

Shared by ``GET /tickets/{n}`` and the fast path (server/http/fast_read.py), so
both answer byte for byte the same.
"""

from __future__ import annotations

from starlette.responses import Response

from server.reads.ticket_read import JSON, dumps, ticket_now
from server.storage.models import User


def ticket_response(user: User, number: int, status_code: int = 200) -> Response:
    """The ticket as the user may see it now, its version as ETag, written without re-validation."""
    ticket = ticket_now(user, number)
    return Response(
        dumps(ticket),
        status_code=status_code,
        media_type=JSON,
        headers={"ETag": f'"{ticket["version"]}"'},
    )
