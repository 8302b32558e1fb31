"""HTTP layer: what every route needs: the settings, the signed-in user, and the write path.

Authentication runs in a dependency so a bad token is a 401 before any route
(or event stream) starts. Plain ``def`` dependencies and routes run on worker
threads; the rules and reads they call open their own pooled connection
(peewee's connection state is per thread), so no route touches the database.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server.config import Settings
from server.helpdesk.errors import Forbidden as RuleForbidden
from server.helpdesk.tokens import signed_in
from server.http.errors import ApiError, Forbidden, Unauthorized
from server.live.consequences import Consequences
from server.storage import write_path
from server.storage.models import User
from server.storage.write_path import Change
from server.vocabulary import Role, TokenScope

bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/login")
T = TypeVar("T")

QUERY_TOKEN_NAMES = ("token", "access_token", "api_key")
ENROL_PATHS = frozenset(
    {"/api/v1/me", "/api/v1/me/totp", "/api/v1/me/totp/confirm", "/api/v1/auth/logout"}
)
"""All an enrolment-only token may reach: enrol, see who it is, sign out."""


class EnrolFirst(RuleForbidden):
    """The token may only enrol a second factor, which the person's role requires."""

    code = "totp_enrolment_required"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The active user behind the bearer token; 401 otherwise."""
    if any(name in request.query_params for name in QUERY_TOKEN_NAMES):
        raise ApiError("tokens are accepted only in the Authorization header")
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("sign in first", headers={"WWW-Authenticate": "Bearer"})
    found = signed_in(credentials.credentials)
    if found is None:
        raise Unauthorized(
            "the token is invalid, expired or revoked",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    user, token = found
    if token.scope == TokenScope.ENROL and request.url.path not in ENROL_PATHS:
        raise EnrolFirst("your role requires two-factor sign-in: enrol first (padcom totp enrol)")
    request.state.user = user
    request.state.token_id = token.id
    return user


def staff_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_staff:
        raise Forbidden("this is for support staff only")
    return user


def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if user.role != Role.ADMIN:
        raise Forbidden("this is for administrators only")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
StaffUser = Annotated[User, Depends(staff_user)]
AdminUser = Annotated[User, Depends(admin_user)]
AppSettings = Annotated[Settings, Depends(get_settings)]


def journal(request: Request) -> Consequences:
    """The journal of this app's writes: its settings' outbox, its ``on_commit`` listeners."""
    return Consequences(request.app.state.settings, request.app.state.on_commit)


def write(request: Request, change: Change[T]) -> T:
    """Run ``change`` through the one write path (server/storage/write_path.py), batched.

    ``change`` returns (result, events written). Listeners in
    ``app.state.on_commit`` hear the event ids only after the commit succeeded;
    the mails and webhooks the events cause are enqueued in the same transaction.
    The events are saved, and get their ids, last in the transaction
    (``server/live/journal.py``).
    """
    return write_path.write(change, journal(request))
