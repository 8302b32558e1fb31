"""Rules layer: one-time codes sent by mail that set a password: resets and invitations.

Nobody's password is ever mailed. A reset or an invitation creates a random code
(80 bits), mails it, and keeps only its SHA-256 (random codes need no slow hash;
a stolen database holds no usable code). A code works once, for a short time
(``Settings.reset_code_minutes``, ``invitation_hours``), only for the address it
was sent to; a new one voids the person's older ones. Setting the password with it
signs the person out everywhere. Whether an address is known never shows: the
request route answers the same before any of this runs (server/http/routes/reset.py).

The mail's outbox row carries ``scrub``: once delivered (or given up) its body,
which holds the code, is blanked (server/outbox/worker.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from server.helpdesk.accounts import INVITED, create_user
from server.helpdesk.audit import Actor, record
from server.helpdesk.errors import Invalid
from server.helpdesk.tokens import revoke_all
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.identity_models import OneTimeCode
from server.storage.models import Outbox, User
from server.vocabulary import AuditAction, CodePurpose

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
WRONG_CODE = "the code is wrong, expired or used already"


def digest(code: str) -> str:
    """The stored digest of a code as typed (dashes, spaces and case ignored)."""
    typed = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(f"padcom-code:{typed}".encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _issue(user: User, purpose: CodePurpose, lifetime: timedelta) -> tuple[str, OneTimeCode]:
    """A new code for ``user`` (their older unused ones are void)."""
    now = utcnow()
    OneTimeCode.update(used_at=now).where(
        OneTimeCode.user == user.id, OneTimeCode.used_at.is_null()
    ).execute()
    code = _new_code()
    row = OneTimeCode.create(
        user=user.id, purpose=purpose.value, code_hash=digest(code), expires_at=now + lifetime
    )
    return code, row


def _mail(sender: str | None, row: OneTimeCode, to: str, subject: str, body: str) -> None:
    """Enqueue the code's mail; ``sender`` None means mail is off (an operator passes it on)."""
    if sender is None:
        return
    domain = sender.rpartition("@")[2] or "localhost"
    Outbox.create(
        channel="mail",
        dedupe_key=f"code:{row.id}",
        target=to,
        payload={
            "subject": subject,
            "body": body,
            "message_id": f"<padcom.code.{row.id}.{secrets.token_hex(4)}@{domain}>",
            "scrub": True,
        },
    )


def _how_to(code: str, email: str, minutes: int) -> str:
    return (
        f"Your code: {code}\n\n"
        f"It works once, for {minutes} minutes. Set your password with:\n\n"
        f"    padcom password --reset --email {email} --code {code}\n\n"
        "If you did not ask for this, ignore this mail: your password stays as it is.\n"
    )


def request_reset(email: str, minutes: int, sender: str | None) -> str | None:
    """Mail a reset code to ``email`` if an active person has it; returns the code (or None).

    The caller answers the same either way; only an operator's command shows the code.
    """
    user = User.get_or_none(User.email == email.strip().lower(), User.active == True)  # noqa: E712
    if user is None:
        return None
    code, row = _issue(user, CodePurpose.RESET, timedelta(minutes=minutes))
    body = f"Hello {user.name},\n\nsomeone asked to reset your Padcom password.\n\n"
    text = body + _how_to(code, user.email, minutes)
    _mail(sender, row, user.email, "Padcom: your password reset code", text)
    return code


def invite(
    actor: Actor,
    *,
    email: str,
    name: str,
    role: str,
    organization_id: int | None,
    hours: int,
    sender: str | None,
) -> tuple[User, str]:
    """A new person without a password and the code that lets them set one (mailed).

    Raises Invalid and Conflict as ``create_user`` does.
    """
    user = create_user(
        email=email, name=name, role=role, password_hash=INVITED, organization_id=organization_id
    )
    code = invite_existing(user, hours, sender)
    record(
        actor, AuditAction.USER_INVITED, "user", user.id, user.email,
        after={"role": role, "organization": organization_id, "name": name},
    )  # fmt: skip
    return user, code


def invite_existing(user: User, hours: int, sender: str | None) -> str:
    """An invitation for someone already stored without a password (an imported contact)."""
    code, row = _issue(user, CodePurpose.INVITE, timedelta(hours=hours))
    body = f"Hello {user.name},\n\nyou are invited to the Padcom helpdesk as {user.email}.\n\n"
    _mail(
        sender,
        row,
        user.email,
        "Padcom: your invitation",
        body + _how_to(code, user.email, hours * 60),
    )
    return code


def reinvite(actor: Actor, user: User, hours: int, sender: str | None) -> str:
    """A fresh invitation code for someone who has not accepted yet. Raises Invalid."""
    if user.password_hash != INVITED:
        raise Invalid("this person has set a password already; use a password reset")
    code, row = _issue(user, CodePurpose.INVITE, timedelta(hours=hours))
    body = f"Hello {user.name},\n\nhere is a new invitation to the Padcom helpdesk.\n\n"
    _mail(
        sender,
        row,
        user.email,
        "Padcom: your invitation",
        body + _how_to(code, user.email, hours * 60),
    )
    record(actor, AuditAction.USER_INVITED, "user", user.id, user.email, after={"again": True})
    return code


def check(email: str, code: str) -> None:
    """Refuse a code that cannot work before any password is hashed for it (own connection).

    Raises Invalid (the same words whatever is wrong).
    """
    with db.connection_context():
        row = OneTimeCode.get_or_none(OneTimeCode.code_hash == digest(code))
        user = User.get_or_none(User.id == row.user_id) if row is not None else None
        if not _works(row, user, email):
            raise Invalid(WRONG_CODE)


def _works(row: OneTimeCode | None, user: User | None, email: str) -> bool:
    return (
        row is not None
        and user is not None
        and row.used_at is None
        and row.expires_at > utcnow()
        and user.email == email.strip().lower()
        and bool(user.active)
    )


def redeem(email: str, code: str, new_hash: str) -> User:
    """Set the password with a mailed code: used up, every session signed out.

    Raises Invalid (the same words for a wrong, expired, used or foreign code).
    """
    now = utcnow()
    row = OneTimeCode.get_or_none(OneTimeCode.code_hash == digest(code))
    user = User.get_or_none(User.id == row.user_id) if row is not None else None
    if row is None or user is None or not _works(row, user, email):
        raise Invalid(WRONG_CODE)
    spent = (
        OneTimeCode.update(used_at=now)
        .where(OneTimeCode.id == row.id, OneTimeCode.used_at.is_null())
        .execute()
    )
    if not spent:  # a concurrent redeem of the same code won
        raise Invalid(WRONG_CODE)
    User.update(password_hash=new_hash).where(User.id == user.id).execute()
    revoke_all(user.id)
    accepted = row.purpose == CodePurpose.INVITE
    action = AuditAction.INVITATION_ACCEPTED if accepted else AuditAction.PASSWORD_RESET
    record(Actor.of(user), action, "user", user.id, user.email)
    return user


def pending_invitations(user_ids: list[int]) -> set[int]:
    """Those of ``user_ids`` invited who have not set a password yet."""
    if not user_ids:
        return set()
    query = User.select(User.id).where(User.id.in_(user_ids), User.password_hash == INVITED)
    return {int(u.id) for u in query}
