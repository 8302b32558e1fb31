"""What every route needs: the settings, the signed-in user, and a write transaction.

Authentication runs in a dependency so a bad token is a 401 before any route
(or event stream) starts. Plain ``def`` dependencies and routes run on worker
threads; each opens its own pooled connection with ``connection_context()``
because peewee's connection state is per thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server.config import Settings
from server.helpdesk.tokens import authenticate
from server.http.errors import ApiError, Forbidden, Unauthorized
from server.live.journal import order_event_writes, record
from server.storage.db import db
from server.storage.group_commit import committed
from server.storage.models import Event, User
from server.vocabulary import Role

bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/login")
T = TypeVar("T")

QUERY_TOKEN_NAMES = ("token", "access_token", "api_key")


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
    with db.connection_context():
        found = authenticate(credentials.credentials)
    if found is None:
        raise Unauthorized(
            "the token is invalid, expired or revoked",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    user, token = found
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


def write(request: Request, change: Callable[[], tuple[T, list[Event]]]) -> T:
    """Run ``change`` in one write transaction, then wake whoever listens for its events.

    ``change`` returns (result, events written). Listeners in
    ``app.state.on_commit`` hear the event ids only after the commit succeeded;
    the mails and webhooks the events cause are enqueued in the same transaction.
    """

    def step() -> tuple[T, list[Event]]:
        order_event_writes()
        result, events = change()
        if events:
            record(events, request.app.state.settings)
        return result, events

    result, events = committed(step)  # shares its COMMIT with concurrent writes
    if events:
        ids = [event.id for event in events]
        for listener in request.app.state.on_commit:
            listener(ids)
    return result
