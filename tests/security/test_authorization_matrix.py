"""Every route times anonymous, customer of the ticket's organization, customer of another,
agent and admin: each gets exactly what the route's declared level allows.

The routes come from the app itself (tests/security/routes.py). A route missing
from ``DECLARED`` fails ``test_every_route_is_declared``: nobody can add an
endpoint without saying who may use it, and the level its dependencies enforce
must be the level declared here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest

from server.helpdesk.tokens import issue
from server.storage.db import db
from server.storage.desk_models import CannedReply, Macro, SavedView
from server.storage.models import Organization, Service, User
from tests.security.routes import api_routes
from tests.support.files import upload
from tests.support.limits import NO_WRITE_LIMITS
from tests.support.live import Live, Person, own_server

PASSWORD = "matrix-persona-pass-2026"
PERSONAS = ("anonymous", "customer_a", "customer_b", "agent", "admin")
CUSTOMERS = ("customer_a", "customer_b")
SIGNED_IN = ("customer_a", "customer_b", "agent", "admin")


@dataclass
class World:
    """Who acts, on what: organization A owns the tickets; B is the neighbour."""

    live: Live
    org_a: Organization
    people: dict[str, Person]
    victim_org: Organization
    tokens: dict[str, str] = field(default_factory=dict)
    shared_ticket: int | None = None
    file_id: int | None = None
    last_ticket: int | None = None
    shared_incident: int | None = None
    last_incident: int | None = None

    def ticket(self, fresh: bool) -> int:
        """A ticket of organization A; a new one when the request may change or delete it."""
        if fresh or self.shared_ticket is None:
            with httpx.Client(base_url=f"{self.live.url}/api/v1", timeout=30) as client:
                reply = client.post(
                    "/tickets",
                    json={"subject": "Disk full", "body": "df says 100%"},
                    headers={"Authorization": f"Bearer {self.token_of('customer_a')}"},
                )
            assert reply.status_code == 201, reply.text
            if fresh:
                self.last_ticket = int(reply.json()["number"])
                return self.last_ticket
            self.shared_ticket = int(reply.json()["number"])
        return self.shared_ticket

    def shared_file(self) -> int:
        """A file on the shared ticket, put there by customer A in a reply."""
        if self.file_id is None:
            number = self.ticket(fresh=False)
            with httpx.Client(
                base_url=f"{self.live.url}/api/v1",
                timeout=30,
                headers={"Authorization": f"Bearer {self.token_of('customer_a')}"},
            ) as client:
                shown = upload(client, "df.txt", b"/dev/sda1 100%\n")
                reply = client.post(
                    f"/tickets/{number}/messages",
                    json={"body": "the output", "attachments": [shown["id"]]},
                )
                assert reply.status_code == 201, reply.text
            self.file_id = int(shown["id"])
        return self.file_id

    def _staff(self, method: str, path: str, body: Any = None) -> Any:
        with httpx.Client(base_url=f"{self.live.url}/api/v1", timeout=30) as client:
            reply = client.request(
                method, path, json=body,
                headers={"Authorization": f"Bearer {self.token_of('agent')}"},
            )  # fmt: skip
        assert reply.status_code < 300, reply.text
        return reply.json() if reply.content else None

    def incident(self, fresh: bool) -> int:
        """An incident hitting organization A's service (on server matrix-01), not B's."""
        if fresh or self.shared_incident is None:
            made = self._staff(
                "POST", "/incidents",
                {"title": "matrix outage", "servers": ["matrix-01"], "internal_notes": "secret"},
            )  # fmt: skip
            self.last_incident = int(made["number"])
            if not fresh:
                self.shared_incident = self.last_incident
            return self.last_incident
        return self.shared_incident

    def link_on_last_ticket(self) -> int:
        """A link on the ticket made last (the route's ``{number}``)."""
        other = self.ticket(fresh=False)
        made = self._staff("POST", f"/tickets/{self.last_ticket}/links", {"ticket": other})
        return int(made[-1]["id"])

    def ticket_of_last_incident(self) -> int:
        """A ticket linked to the incident made last (the route's ``{incident}``)."""
        number = self.ticket(fresh=False)  # each call has an incident of its own
        self._staff("POST", f"/incidents/{self.last_incident}/tickets", {"ticket": number})
        return number

    def service_of_a(self) -> int:
        with db.connection_context():
            return int(Service.get(Service.organization == self.org_a.id).id)

    def victim(self) -> int:
        return self.live.person("customer", org=self.victim_org).id

    def _user(self, persona: str) -> User:
        return self.people["customer_a" if persona == "anonymous" else persona].user

    def token_of(self, persona: str) -> str:
        """A live token of the persona (kept until a request revokes it)."""
        if persona not in self.tokens:
            with db.connection_context():
                self.tokens[persona] = issue(self._user(persona), timedelta(hours=1), "matrix")[0]
        return self.tokens[persona]

    def view_of(self, persona: str) -> int:
        """A saved view of the persona's own (staff), or a shared one (anyone else)."""
        with db.connection_context():
            owner = self._user(persona) if persona in ("agent", "admin") else None
            view = SavedView.create(owner=owner, name=f"view {_unique()}", filters={})
            return int(view.id)

    def shared(self, what: str) -> int:
        """A new shared canned reply or macro (an admin's, usable by every staff member)."""
        with db.connection_context():
            if what == "canned":
                return int(CannedReply.create(name="Logs", body="Logs, {customer.name}?").id)
            actions = [{"action": "add_tags", "value": ["matrix"]}]
            return int(Macro.create(name="Tag", actions=actions).id)

    def token_id_of(self, persona: str) -> int:
        with db.connection_context():
            return int(issue(self._user(persona), timedelta(hours=1), "spare")[1].id)


@dataclass(frozen=True)
class Declared:
    """A route's declared level, a valid request for it, and exceptions to the level's rule."""

    level: str
    body: Callable[[World, str], Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    special: dict[str, int] = field(default_factory=dict)


def _unique() -> str:
    return uuid.uuid4().hex[:10]


def _me(world: World, persona: str) -> Person:
    return world.people["customer_a" if persona == "anonymous" else persona]


SIGNS_OUT = ("POST /api/v1/auth/logout", "POST /api/v1/me/password")
TICKET_ROUTE = {"customer_b": 404}  # another organization's ticket does not exist for them
NOT_MERGED = {"agent": 409, "admin": 409}  # past the staff check, a fresh ticket is not merged
RATING = {"customer_a": 409, "customer_b": 404, "agent": 403, "admin": 403}
"""A fresh ticket is not resolved (409 to its requester); only the requester ever rates."""


def _filing(world: World, persona: str) -> dict[str, Any]:
    """A new ticket; staff file it for customer A (who phoned), customers for themselves."""
    body: dict[str, Any] = {"subject": "Mail down", "body": "bounces"}
    if persona in ("agent", "admin"):
        body["requester"] = world.people["customer_a"].email
    return body


HARMLESS = ("/api/v1/tickets/{number}/tags", "/api/v1/tickets/{number}/macros/{macro_id}")
"""Writes that only tag the shared ticket (the matrix's macro tags): no fresh ticket needed."""
SHARED_IS_ADMINS = {"agent": 403}  # a shared canned reply or macro: agents use, admins manage

DECLARED: dict[str, Declared] = {
    "POST /api/v1/auth/login": Declared(
        "public", body=lambda w, p: {"email": _me(w, p).email, "password": PASSWORD}
    ),
    "POST /api/v1/auth/logout": Declared("user"),
    "POST /api/v1/me/password": Declared(
        "user", body=lambda w, p: {"current_password": PASSWORD, "new_password": PASSWORD}
    ),
    "GET /api/v1/me": Declared("user"),
    "GET /api/v1/me/totp": Declared("user"),
    "POST /api/v1/me/totp": Declared("user"),
    # A wrong code for everyone signed in (nobody has a secret to confirm with here).
    "POST /api/v1/me/totp/confirm": Declared(
        "user", body=lambda w, p: {"code": "000000"}, special=dict.fromkeys(SIGNED_IN, 422)
    ),
    "POST /api/v1/me/totp/disable": Declared(
        "user",
        body=lambda w, p: {"password": PASSWORD, "code": "000000"},
        special=dict.fromkeys(SIGNED_IN, 404),  # not on for anyone here
    ),
    "GET /api/v1/me/tokens": Declared("user"),
    "DELETE /api/v1/me/tokens/{token_id}": Declared("user"),
    "POST /api/v1/auth/reset": Declared("public", body=lambda w, p: {"email": _me(w, p).email}),
    "POST /api/v1/auth/reset/confirm": Declared(
        "public",
        body=lambda w, p: {"email": _me(w, p).email, "code": "abcd-efgh", "new_password": "x"},
        special=dict.fromkeys(PERSONAS, 422),  # no such code, whoever asks
    ),
    "GET /api/v1/tickets": Declared("user", query={"status": "new,open", "q": "disk"}),
    "POST /api/v1/tickets": Declared("user", body=_filing),
    "GET /api/v1/tickets/{number}": Declared("user", special=TICKET_ROUTE),
    "PATCH /api/v1/tickets/{number}": Declared(
        "user",
        body=lambda w, p: {"priority": "high"},
        headers={"If-Match": '"1"'},
        special=TICKET_ROUTE,
    ),
    "DELETE /api/v1/tickets/{number}": Declared("user", special=TICKET_ROUTE),
    "GET /api/v1/tickets/{number}/messages": Declared("user", special=TICKET_ROUTE),
    "POST /api/v1/tickets/{number}/messages": Declared(
        "user", body=lambda w, p: {"body": "any news?"}, special=TICKET_ROUTE
    ),
    "GET /api/v1/tickets/{number}/events": Declared("user", special=TICKET_ROUTE),
    "POST /api/v1/tickets/{number}/merge": Declared(
        "staff",
        body=lambda w, p: {"into": w.ticket(fresh=True), "into_version": 1},
        headers={"If-Match": '"1"'},
    ),
    "POST /api/v1/tickets/{number}/unmerge": Declared(
        "staff", headers={"If-Match": '"1"'}, special=NOT_MERGED
    ),
    "POST /api/v1/tickets/{number}/rating": Declared(
        "user", body=lambda w, p: {"rating": "good"}, special=RATING
    ),
    "POST /api/v1/tickets/{number}/presence": Declared(
        "staff", body=lambda w, p: {"state": "viewing"}
    ),
    "GET /api/v1/tickets/{number}/presence": Declared("staff"),
    "GET /api/v1/tickets/{number}/attachments": Declared("user", special=TICKET_ROUTE),
    "GET /api/v1/tickets/{number}/attachments/{file_id}": Declared("user", special=TICKET_ROUTE),
    # anyone signed in may upload; only the uploader can attach it (tests/api/test_attachments.py)
    "POST /api/v1/uploads": Declared(
        "user", body=lambda w, p: {"log": "raw bytes"}, query={"name": "log.txt"}
    ),
    "GET /api/v1/limits": Declared("user"),
    # mail from unknown senders: staff only; linking or refusing needs a mail waiting (404 for a
    # made-up one)
    "GET /api/v1/mail/triage": Declared("staff"),
    "POST /api/v1/mail/triage/{mail_id}/link": Declared(
        "staff",
        body=lambda w, p: {"customer": _me(w, "customer_a").id},
        special={"agent": 404, "admin": 404},
    ),
    "POST /api/v1/mail/triage/{mail_id}/refuse": Declared(
        "staff", body=lambda w, p: {"reason": "spam"}, special={"agent": 404, "admin": 404}
    ),
    "GET /api/v1/events": Declared("user", query={"after": "0"}),
    "GET /api/v1/events/stream": Declared("user"),
    "GET /api/v1/events/latest": Declared("user"),
    "GET /api/v1/stats": Declared("user"),
    "POST /api/v1/tickets/bulk": Declared(
        "staff",
        body=lambda w, p: {
            "tickets": [{"number": w.ticket(fresh=True), "version": 1}],
            "changes": {"priority": "high"},
        },
    ),
    # Saved views: an agent's own and the shared ones; a customer has none (403).
    "GET /api/v1/views": Declared("staff"),
    "POST /api/v1/views": Declared("staff", body=lambda w, p: {"name": "Mine", "filters": {}}),
    "PATCH /api/v1/views/{view_id}": Declared("staff", body=lambda w, p: {"name": "Renamed"}),
    "DELETE /api/v1/views/{view_id}": Declared("staff"),
    "GET /api/v1/users": Declared("staff"),
    "POST /api/v1/users": Declared(
        "admin",
        body=lambda w, p: {
            "email": f"new-{_unique()}@example.com",
            "name": "New Person",
            "role": "customer",
            "organization": w.org_a.id,
            "password": "a-long-enough-passphrase-77",
        },
    ),
    "GET /api/v1/users/{user_id}": Declared("staff"),
    "PATCH /api/v1/users/{user_id}": Declared("admin", body=lambda w, p: {"name": "Renamed"}),
    "POST /api/v1/users/{user_id}/revoke-tokens": Declared("admin"),
    "POST /api/v1/users/{user_id}/reset-totp": Declared("admin"),
    # The person has a password already: a fresh invitation is refused.
    "POST /api/v1/users/{user_id}/invite": Declared("admin", special={"admin": 422}),
    "POST /api/v1/invitations": Declared(
        "admin",
        body=lambda w, p: {
            "email": f"invited-{_unique()}@example.com",
            "name": "Invited Person",
            "organization": w.org_a.id,
        },
    ),
    "GET /api/v1/audit": Declared("admin", query={"action": "user", "q": "example"}),
    "GET /api/v1/settings/security": Declared("staff"),
    "PUT /api/v1/settings/security": Declared(
        "admin", body=lambda w, p: {"totp_required": ["admin"]}
    ),
    "GET /api/v1/organizations": Declared("staff"),
    "POST /api/v1/organizations": Declared(
        "admin", body=lambda w, p: {"name": f"Org {_unique()}", "customer_number": _unique()}
    ),
    "PATCH /api/v1/organizations/{org_id}": Declared(
        "admin", body=lambda w, p: {"customer_number": f"M-{_unique()}"}
    ),
    "GET /api/v1/organizations/{org_id}/services": Declared("staff"),
    "POST /api/v1/organizations/{org_id}/services": Declared(
        "admin", body=lambda w, p: {"kind": "vps", "label": "vps1.example.net"}
    ),
    "GET /api/v1/services": Declared("staff", query={"server": "matrix-01", "state": "active"}),
    "POST /api/v1/services": Declared(
        "staff",
        body=lambda w, p: {"organization": w.org_a.id, "kind": "vps", "label": f"{_unique()}.ex"},
    ),
    "GET /api/v1/services/{service_id}": Declared("staff"),
    "PATCH /api/v1/services/{service_id}": Declared("staff", body=lambda w, p: {"plan": "XL"}),
    # a customer's own service; another organization's does not exist for them
    "GET /api/v1/services/{service_id}/incidents": Declared("user", special={"customer_b": 404}),
    "GET /api/v1/tickets/{number}/links": Declared("user", special=TICKET_ROUTE),
    "POST /api/v1/tickets/{number}/links": Declared(
        "staff", body=lambda w, p: {"ticket": w.ticket(fresh=False), "kind": "same_outage"}
    ),
    "DELETE /api/v1/tickets/{number}/links/{link_id}": Declared("staff"),
    # customers: those hitting their services (A's), never B's; staff all
    "GET /api/v1/incidents": Declared("user", query={"state": "live"}),
    "POST /api/v1/incidents": Declared(
        "staff", body=lambda w, p: {"title": "Declared", "datacenters": ["MATRIX-DC"]}
    ),
    "GET /api/v1/incidents/{incident}": Declared("user", special={"customer_b": 404}),
    "PATCH /api/v1/incidents/{incident}": Declared(
        "staff", body=lambda w, p: {"internal_notes": "more"}
    ),
    "POST /api/v1/incidents/{incident}/updates": Declared(
        "staff", body=lambda w, p: {"body": "working on it"}
    ),
    "POST /api/v1/incidents/{incident}/resolve": Declared("staff", body=lambda w, p: {}),
    "POST /api/v1/incidents/{incident}/tickets": Declared(
        "staff", body=lambda w, p: {"ticket": w.ticket(fresh=False)}
    ),
    "DELETE /api/v1/incidents/{incident}/tickets/{ticket}": Declared("staff"),
    "POST /api/v1/incidents/{incident}/subscribe": Declared("user", special={"customer_b": 404}),
    # Monitoring's own secrets, no user's token; with no source configured they do not exist.
    "POST /api/v1/alerts/alertmanager": Declared(
        "public", body=lambda w, p: {"alerts": []}, special=dict.fromkeys(PERSONAS, 404)
    ),
    "POST /api/v1/alerts/generic": Declared(
        "public",
        body=lambda w, p: {"alerts": [{"status": "firing", "name": "x"}]},
        special=dict.fromkeys(PERSONAS, 404),
    ),
    "POST /api/v1/tickets/{number}/tags": Declared("staff", body=lambda w, p: {"add": ["vip"]}),
    "GET /api/v1/tags": Declared("staff"),
    "PUT /api/v1/tags/allowed": Declared("admin", body=lambda w, p: {"allowed": []}),
    "POST /api/v1/tags/allowed": Declared("admin", body=lambda w, p: {"remove": ["unlisted"]}),
    "GET /api/v1/canned-replies": Declared("staff"),
    "GET /api/v1/canned-replies/placeholders": Declared("staff"),
    "POST /api/v1/canned-replies": Declared(
        "staff", body=lambda w, p: {"name": "Thanks", "body": "Thanks, {customer.name}!"}
    ),
    "GET /api/v1/canned-replies/{reply_id}": Declared("staff"),
    "GET /api/v1/canned-replies/{reply_id}/rendered": Declared(
        "staff", query={"ticket": "{number}"}
    ),
    # a shared reply: agents use it, only admins change it
    "PATCH /api/v1/canned-replies/{reply_id}": Declared(
        "staff", body=lambda w, p: {"name": "Renamed"}, special=SHARED_IS_ADMINS
    ),
    "DELETE /api/v1/canned-replies/{reply_id}": Declared("staff", special=SHARED_IS_ADMINS),
    "GET /api/v1/macros": Declared("staff"),
    "POST /api/v1/macros": Declared(
        "staff",
        body=lambda w, p: {"name": "Spam", "actions": [{"action": "add_tags", "value": ["spam"]}]},
    ),
    "GET /api/v1/macros/{macro_id}": Declared("staff"),
    "PATCH /api/v1/macros/{macro_id}": Declared(
        "staff", body=lambda w, p: {"name": "Renamed"}, special=SHARED_IS_ADMINS
    ),
    "DELETE /api/v1/macros/{macro_id}": Declared("staff", special=SHARED_IS_ADMINS),
    "POST /api/v1/tickets/{number}/macros/{macro_id}": Declared("staff"),
    "POST /api/v1/macros/{macro_id}/apply": Declared(
        "staff", body=lambda w, p: {"tickets": [{"number": w.ticket(fresh=False)}]}
    ),
    "GET /api/v1/tokens": Declared("staff"),
    "DELETE /api/v1/tokens/{token_id}": Declared("staff"),
    # The balancer's probes: public by design, and they say nothing of tickets or people.
    "GET /healthz": Declared("public"),
    "GET /readyz": Declared("public"),
    # Off unless PADCOM_METRICS_TOKEN is set (then only its Bearer may read): 404 for everyone.
    "GET /metrics": Declared("public", special=dict.fromkeys(PERSONAS, 404)),
}


def expected(declared: Declared, persona: str) -> str:
    """'2xx' or an exact status, from the declared level and the route's exceptions."""
    if persona in declared.special:
        return str(declared.special[persona])
    if persona == "anonymous":
        return "2xx" if declared.level == "public" else "401"
    allowed = {
        "public": PERSONAS,
        "user": PERSONAS,
        "staff": ("agent", "admin"),
        "admin": ("admin",),
    }[declared.level]
    return "2xx" if persona in allowed else "403"


@pytest.fixture(scope="module")
def live(database_url: str) -> Iterator[Live]:
    """The server of the matrix, without write limits: customer A files a fresh ticket for
    every write it asks about (two for a merge), more than a customer may in 10 minutes;
    the limits have stories of their own (tests/security/test_write_limits.py)."""
    with own_server(database_url, write_limits=NO_WRITE_LIMITS) as world:
        yield world


@pytest.fixture(scope="module")
def world(live: Live) -> World:
    org_a, org_b, victims = live.organization(), live.organization(), live.organization()
    with db.connection_context():
        Service.update(server="matrix-01").where(Service.organization == org_a.id).execute()
    people = {
        "customer_a": live.person("customer", org=org_a, password=PASSWORD),
        "customer_b": live.person("customer", org=org_b, password=PASSWORD),
        "agent": live.person("agent", password=PASSWORD),
        "admin": live.person("admin", password=PASSWORD),
    }
    return World(live, org_a, people, victims)


def test_every_route_is_declared_with_the_level_its_dependencies_enforce(live: Live) -> None:
    app = live.thread.app
    routes = api_routes(app)
    undeclared = [r.key for r in routes if r.key not in DECLARED]
    assert not undeclared, f"declare who may use these routes in DECLARED: {undeclared}"
    wrong = {
        r.key: (r.level, DECLARED[r.key].level) for r in routes if DECLARED[r.key].level != r.level
    }
    assert not wrong, f"(enforced, declared) levels differ: {wrong}"


def _path(method: str, template: str, world: World, persona: str) -> str:
    values: dict[str, Callable[[], int]] = {
        "number": lambda: world.ticket(fresh=method != "GET" and template not in HARMLESS),
        "user_id": world.victim,
        "org_id": lambda: int(world.org_a.id),
        "token_id": lambda: world.token_id_of(persona),
        "service_id": world.service_of_a,
        "link_id": world.link_on_last_ticket,
        "incident": lambda: world.incident(fresh=method != "GET"),
        "ticket": world.ticket_of_last_incident,
        "view_id": lambda: world.view_of(persona),
        "reply_id": lambda: world.shared("canned"),
        "macro_id": lambda: world.shared("macro"),
        "file_id": world.shared_file,
        "mail_id": lambda: 999999,
    }
    path = template
    for name, make in values.items():
        if "{" + name + "}" in path:
            path = path.replace("{" + name + "}", str(make()))
    assert "{" not in path, f"no value for a parameter of {template}"
    return path


def _call(world: World, key: str, persona: str) -> int:
    method, template = key.split(" ", 1)
    declared = DECLARED[key]
    headers = dict(declared.headers)
    if persona != "anonymous":
        headers["Authorization"] = f"Bearer {world.token_of(persona)}"
    body = declared.body(world, persona) if declared.body else None
    path = _path(method, template, world, persona)
    query = {
        name: str(world.ticket(fresh=False)) if value == "{number}" else value
        for name, value in declared.query.items()
    }
    with (
        httpx.Client(base_url=world.live.url, timeout=30) as client,
        client.stream(method, path, params=query, headers=headers, json=body) as reply,
    ):
        status = reply.status_code  # status only: the event stream never ends by itself
    if key in SIGNS_OUT:
        world.tokens.clear()  # a logout or a password change ends that persona's sessions
    return status


def _matches(status: int, want: str) -> bool:
    return 200 <= status < 300 if want == "2xx" else status == int(want)


CASES = [(key, persona) for key in DECLARED for persona in PERSONAS]


@pytest.mark.parametrize(("key", "persona"), CASES, ids=[f"{k} as {p}" for k, p in CASES])
def test_the_route_answers_the_persona_as_declared(
    world: World, live: Live, key: str, persona: str
) -> None:
    present = {r.key for r in api_routes(live.thread.app)}
    if key not in present:
        pytest.skip(f"{key} is not part of this build")
    want = expected(DECLARED[key], persona)
    status = _call(world, key, persona)
    assert _matches(status, want), f"{key} as {persona}: {status}, expected {want}"


def test_the_matrix_covers_every_route_and_persona(live: Live) -> None:
    routes = api_routes(live.thread.app)
    assert len(routes) * len(PERSONAS) <= len(CASES)
    assert {r.key for r in routes} <= {key for key, _ in CASES}
