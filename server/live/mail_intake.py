"""Live layer: taking one mail in, for ``padcom-server mail-in`` (an MTA's pipe) and the IMAP poller.

Exit codes as sysexits says, which every MTA understands: 0 the mail was taken
(filed, replied, waiting in triage, or kept as ignored or refused with its
reason: never answered, never retried), 65 (EX_DATAERR) it is no mail at all
(kept all the same), 75 (EX_TEMPFAIL) the database could not be reached: the
MTA keeps the mail and tries again later. A failure of our own while reading
the mail keeps it, refused with the reason, and exits 0, so a mail that trips
a bug is never retried forever.
"""

from __future__ import annotations

import logging

from peewee import DatabaseError, InterfaceError, OperationalError

from server.config import Settings
from server.helpdesk import mail_in
from server.helpdesk.mail_parse import ParsedMail
from server.live.consequences import Consequences
from server.storage import write_path
from server.storage.models import Event
from server.vocabulary import MailState

ACCEPTED, DATA_ERROR, TEMPORARY = 0, 65, 75
MAX_MAIL_BYTES = 64 * 1024 * 1024
log = logging.getLogger("padcom.mail")


def rules_of(settings: Settings) -> mail_in.Rules:
    return mail_in.Rules(settings.mail_in, settings.sla, settings.files)


def take(raw: bytes, settings: Settings) -> tuple[int, mail_in.Outcome]:
    """Act on one mail through the one write path; the exit code for the MTA and the outcome."""
    rules = rules_of(settings)

    def change() -> tuple[mail_in.Outcome, list[Event]]:
        return mail_in.receive(raw, rules)

    try:
        outcome = write_path.write(change, Consequences(settings), batched=False)
    except (OperationalError, InterfaceError) as exc:
        return TEMPORARY, mail_in.Outcome(MailState.REFUSED, f"the database: {exc}")
    except DatabaseError as exc:
        return _kept_after_failure(raw, settings, f"the database refused it: {exc}")
    except Exception as exc:  # a bug must not make the MTA retry forever
        log.exception("mail-in failed on a mail; kept as refused")
        return _kept_after_failure(raw, settings, f"{type(exc).__name__}: {exc}")
    return (DATA_ERROR if outcome.bad_data else ACCEPTED), outcome


def _kept_after_failure(raw: bytes, settings: Settings, reason: str) -> tuple[int, mail_in.Outcome]:
    def change() -> None:
        mail_in.keep(raw, ParsedMail(), MailState.REFUSED, reason)

    try:
        write_path.write(write_path.plain(change), None, batched=False)
    except Exception:
        return TEMPORARY, mail_in.Outcome(MailState.REFUSED, reason)
    return ACCEPTED, mail_in.Outcome(MailState.REFUSED, reason)


def describe(outcome: mail_in.Outcome) -> str:
    """One line for the MTA's log."""
    where = f" ticket {outcome.ticket_id}" if outcome.ticket_id else ""
    reason = f": {outcome.reason}" if outcome.reason else ""
    return f"padcom-server mail-in: {outcome.state}{where}{reason}"
