"""API tokens: 256-bit random secrets handed out once, stored only as SHA-256.

A stolen database therefore holds no usable token; a token expires and can be
revoked, and every request looks it up afresh, so revocation takes effect at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from server.fields import utcnow
from server.models import Token, User

SECRET_PREFIX = "pdc_"  # noqa: S105 - a public marker, not a secret
LAST_USED_GRANULARITY = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user: User, ttl: timedelta, name: str = "") -> tuple[str, Token]:
    """A new token for ``user``: the secret (shown once) and its stored row."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    row = Token.create(
        user=user, token_hash=hash_secret(secret), name=name[:100], expires_at=utcnow() + ttl
    )
    return secret, row


def authenticate(secret: str) -> tuple[User, Token] | None:
    """The active user and live token behind ``secret``, or None."""
    now = utcnow()
    row = (
        Token.select(Token, User)
        .join(User)
        .where(
            Token.token_hash == hash_secret(secret),
            Token.revoked_at.is_null(),
            Token.expires_at > now,
            User.active == True,  # noqa: E712 - peewee expression
        )
        .first()
    )
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_GRANULARITY:
        Token.update(last_used_at=now).where(Token.id == row.id).execute()
    return row.user, row


def revoke(token_id: int) -> None:
    """Revoke one token now."""
    Token.update(revoked_at=utcnow()).where(
        Token.id == token_id, Token.revoked_at.is_null()
    ).execute()


def revoke_all(user_id: int, keep: int | None = None, at: datetime | None = None) -> int:
    """Revoke every live token of a user (but ``keep``); returns how many."""
    query = Token.update(revoked_at=at or utcnow()).where(
        Token.user == user_id, Token.revoked_at.is_null()
    )
    if keep is not None:
        query = query.where(Token.id != keep)
    return int(query.execute())
