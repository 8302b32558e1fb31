"""Rules layer: macros — a named list of actions an agent applies to a ticket in one step.

"Spam: close, tag spam"; "Need logs: reply with the logs template, set waiting".
A macro is shared (admins manage it) or an agent's own, like a canned reply. Its
actions are checked when it is saved (known words, a canned reply the macro's
users can use) and applied in order inside one change of one ticket: the reply
first (so a staff reply's ``new`` → ``open`` does not undo the status the macro
sets), then the fields through ``update_ticket`` (one version check, one bump),
then the tags. Every event of the change is the usual one; one more internal
``macro`` event says which macro did it. Applied to many tickets, each ticket is
its own change (its own version check): one stale ticket fails alone.

    {"action": "status", "value": "waiting"}      priority, category: their words
    {"action": "assign", "value": 7 | "me" | null}
    {"action": "add_tags" | "remove_tags", "value": ["spam"]}
    {"action": "reply", "value": <canned reply id>}
"""

from __future__ import annotations

from typing import Any

from peewee import ModelSelect

from server.helpdesk import canned, tags
from server.helpdesk.errors import Forbidden, Invalid, NotFound
from server.helpdesk.sla import SlaTargets
from server.helpdesk.tickets import add_message, refuse_if_stale, ticket_event, update_ticket
from server.helpdesk.visibility import get_ticket
from server.storage.desk_models import CannedReply, Macro
from server.storage.fields import utcnow
from server.storage.models import Event, Ticket, User
from server.vocabulary import CATEGORIES, PRIORITIES, STATUSES, EventKind, Role, Status

FIELD_ACTIONS = {"status": STATUSES, "priority": PRIORITIES, "category": CATEGORIES}
ACTIONS = (*FIELD_ACTIONS, "assign", "add_tags", "remove_tags", "reply")
"""Every action word, in the order a macro's actions are applied within their kinds."""
MAX_ACTIONS = 20


def _check_action(action: Any, shared: bool, owner: User) -> dict[str, Any]:
    """One action, checked and normalised; raises Invalid."""
    if not isinstance(action, dict) or set(action) != {"action", "value"}:
        raise Invalid('each action is {"action": word, "value": ...}')
    word, value = action["action"], action["value"]
    if word in FIELD_ACTIONS:
        if value not in FIELD_ACTIONS[word]:
            raise Invalid(f"{word} must be one of {', '.join(FIELD_ACTIONS[word])}")
        if word == "status" and value == Status.NEW:
            raise Invalid("a macro cannot set a ticket back to new")
        return {"action": word, "value": value}
    if word == "assign":
        if not (value is None or value == "me" or (isinstance(value, int) and value > 0)):
            raise Invalid('assign takes a staff member\'s id, "me" or null')
        return {"action": word, "value": value}
    if word in ("add_tags", "remove_tags"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
            raise Invalid(f"{word} takes a list of tags")
        return {"action": word, "value": tags.normalise_all(value)}
    if word == "reply":
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid("reply takes a canned reply's id")
        reply = CannedReply.get_or_none(CannedReply.id == value)
        usable = reply is not None and (
            reply.owner_id is None or (not shared and reply.owner_id == owner.id)
        )
        if not usable:
            raise Invalid(
                f"canned reply {value} not found"
                + (" among the shared ones (a shared macro uses shared replies)" if shared else "")
            )
        return {"action": word, "value": value}
    raise Invalid(f"unknown action {word!r}; known: {', '.join(ACTIONS)}")


def check_actions(actions: list[Any], shared: bool, owner: User) -> list[dict[str, Any]]:
    """The actions, each checked; raises Invalid (none, too many, one twice, a bad one)."""
    if not actions:
        raise Invalid("a macro needs at least one action")
    if len(actions) > MAX_ACTIONS:
        raise Invalid(f"a macro has at most {MAX_ACTIONS} actions")
    checked = [_check_action(a, shared, owner) for a in actions]
    words = [a["action"] for a in checked]
    twice = sorted({w for w in words if words.count(w) > 1})
    if twice:
        raise Invalid(f"each action at most once per macro: {', '.join(twice)}")
    return checked


def usable(user: User) -> ModelSelect[Macro]:
    """The macros ``user`` may apply: shared and their own; raises Forbidden for customers."""
    if not user.is_staff:
        raise Forbidden("macros are for support staff only")
    return Macro.select().where(Macro.owner.is_null() | (Macro.owner == user.id))


def find(user: User, macro_id: int) -> Macro:
    found: Macro | None = usable(user).where(Macro.id == macro_id).first()
    if found is None:
        raise NotFound(f"macro {macro_id} not found")
    return found


def _check_manage(user: User, macro: Macro | None, shared: bool) -> None:
    if shared and user.role != Role.ADMIN:
        raise Forbidden("only administrators manage shared macros")


def create(user: User, name: str, actions: list[Any], shared: bool) -> Macro:
    """A new macro, shared (admins) or the user's own. Raises Forbidden, Invalid."""
    usable(user)
    _check_manage(user, None, shared)
    checked = check_actions(actions, shared, user)
    now = utcnow()
    macro: Macro = Macro.create(
        name=name,
        actions=checked,
        owner=None if shared else user.id,
        created_at=now,
        updated_at=now,
    )
    return macro


def change(user: User, macro_id: int, values: dict[str, Any]) -> Macro:
    """Rename a macro or replace its actions. Raises Forbidden, NotFound, Invalid."""
    macro = find(user, macro_id)
    shared = macro.owner_id is None
    _check_manage(user, macro, shared)
    if "actions" in values:
        macro.actions = check_actions(values["actions"], shared, user)
    if "name" in values:
        macro.name = values["name"]
    macro.updated_at = utcnow()
    macro.save()
    return macro


def delete(user: User, macro_id: int) -> None:
    macro = find(user, macro_id)
    _check_manage(user, macro, macro.owner_id is None)
    macro.delete_instance()


def _by_word(macro: Macro) -> dict[str, Any]:
    return {a["action"]: a["value"] for a in macro.actions}


def apply(
    user: User, macro_id: int, number: int, expected_version: int | None, sla: SlaTargets
) -> tuple[Ticket, list[Event]]:
    """Apply macro ``macro_id`` to ticket ``number`` as ``user``, in the caller's transaction.

    ``expected_version`` None applies to the ticket as it is. Raises Forbidden,
    NotFound (macro, ticket, its canned reply), Invalid (an action the ticket
    refuses), StaleVersion.
    """
    macro = find(user, macro_id)
    ticket = get_ticket(user, number, for_update=True)
    refuse_if_stale(ticket, expected_version)
    wanted = _by_word(macro)
    events: list[Event] = []
    if "reply" in wanted:
        body = canned.fill(canned.find(user, wanted["reply"]).body, ticket, user)
        _message, ticket, made = add_message(user, number, body, internal=False)
        events += made
    patch = {word: wanted[word] for word in FIELD_ACTIONS if word in wanted}
    if "assign" in wanted:
        patch["assignee"] = user.id if wanted["assign"] == "me" else wanted["assign"]
    if patch:
        ticket, made = update_ticket(user, number, ticket.version, patch, sla)
        events += made
    if "add_tags" in wanted or "remove_tags" in wanted:
        ticket, made = tags.change_tags(
            user, number, wanted.get("add_tags", []), wanted.get("remove_tags", []), ticket=ticket
        )
        events += made
    if events:
        applied = {"macro": {"id": macro.id, "name": macro.name}, "events": len(events)}
        events.append(ticket_event(ticket, user, EventKind.MACRO, applied, internal=True))
    return ticket, events
