"""HTTP layer: a person's own sessions (``padcom sessions``): list them, revoke one.

Every role may see and end its own tokens; another person's token answers 404,
like one that does not exist. Staff's view of everyone's is ``/tokens`` (staff.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from server.helpdesk.audit import Actor, record
from server.helpdesk.tokens import live_tokens_of, revoke_own
from server.http.deps import CurrentUser, write
from server.http.schemas import TokenOut
from server.reads.serialize import token_json
from server.storage.write_path import plain
from server.vocabulary import AuditAction

router = APIRouter(tags=["auth"])


class SessionOut(TokenOut):
    current: bool


@router.get("/me/tokens", response_model=list[SessionOut])
def my_sessions(request: Request, user: CurrentUser) -> list[dict[str, Any]]:
    """My tokens that still work, newest first; ``current`` marks the one asking."""
    mine: int = request.state.token_id
    return [{**token_json(t), "current": t.id == mine} for t in live_tokens_of(user)]


@router.delete("/me/tokens/{token_id}", status_code=204)
def end_my_session(
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request, user: CurrentUser
) -> Response:
    """Revoke one of my tokens (a forgotten laptop); its open streams end at once."""

    def change() -> None:
        token = revoke_own(user, token_id)
        record(Actor.of(user), AuditAction.TOKEN_REVOKED, "token", token.id, user.email)

    write(request, plain(change))
    return Response(status_code=204)
