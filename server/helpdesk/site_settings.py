"""Rules layer: settings an admin changes while the helpdesk runs (who must use two-factor sign-in).

``PADCOM_TOTP_REQUIRED`` is the default; once an admin sets the roles (the API, the
admin app), the stored value wins, for every server process at once (it is read
at each sign-in). Admins are always among them: an admin's account can change
everything, so it never signs in with a password alone.
"""

from __future__ import annotations

from server.helpdesk.audit import Actor, record
from server.helpdesk.errors import Invalid
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.identity_models import SiteSetting
from server.vocabulary import ROLES, AuditAction, Role

TOTP_REQUIRED = "totp_required"


def totp_required(default: tuple[str, ...]) -> tuple[str, ...]:
    """The roles that must use two-factor sign-in now (own connection)."""
    with db.connection_context():
        found = SiteSetting.get_or_none(SiteSetting.key == TOTP_REQUIRED)
    return tuple(found.value) if found is not None else default


def set_totp_required(roles: list[str], default: tuple[str, ...], actor: Actor) -> tuple[str, ...]:
    """Store the roles (in the write transaction); returns them in the vocabulary's order.

    Raises Invalid for an unknown role or a list without admins.
    """
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise Invalid(f"unknown role: {', '.join(unknown)}")
    if Role.ADMIN not in roles:
        raise Invalid("admins always sign in with a second factor")
    wanted = [str(r) for r in ROLES if r in roles]
    found = SiteSetting.get_or_none(SiteSetting.key == TOTP_REQUIRED)
    before = list(found.value) if found is not None else list(default)
    if found is None:
        SiteSetting.create(key=TOTP_REQUIRED, value=wanted)
    else:
        SiteSetting.update(value=wanted, updated_at=utcnow()).where(
            SiteSetting.key == TOTP_REQUIRED
        ).execute()
    if before != wanted:
        record(actor, AuditAction.SETTINGS_CHANGED, "setting", None, TOTP_REQUIRED,
               {TOTP_REQUIRED: before}, {TOTP_REQUIRED: wanted})  # fmt: skip
    return tuple(wanted)
