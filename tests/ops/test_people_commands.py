"""An operator at the host runs the company's people from ``padcom-server``, on both databases.

Organizations, people and tokens are listed, added, changed, deactivated and
revoked, with ``--json`` for scripts; each change lands in the audit trail as
the operator's; a deactivated person's token stops working at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.operator import operator_env, run_server_command
from tests.support.process import ServerProcess

PASSWORD = "lighthouse keeper 1987"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    with operator_env(request.param, tmp_path) as values:
        yield values


def _ok(env: dict[str, str], *args: str, stdin: str = "") -> Any:
    done = run_server_command(env, *args, "--json", stdin=stdin)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_operator_adds_an_organization_and_its_people_and_changes_them(
    env: dict[str, str],
) -> None:
    org = _ok(env, "org", "add", "Acme Hosting", "--customer-number", "K-1001")
    assert org["customer_number"] == "K-1001"
    renamed = _ok(env, "org", "edit", "K-1001", "--name", "Acme Hosting GmbH")
    assert renamed["name"] == "Acme Hosting GmbH"
    invited = _ok(env, "user", "invite", "jo@acme.example", "--org", "K-1001", "--name", "Jo")
    assert invited["invitation_pending"] is True and invited["code"]  # mail is off: shown here
    agent = run_server_command(
        env, "user", "add", "kim@padcom.example", "--role", "agent", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert agent.returncode == 0, agent.stderr
    people = _ok(env, "user", "list")
    assert [(p["email"], p["role"]) for p in people] == [
        ("jo@acme.example", "customer"),
        ("kim@padcom.example", "agent"),
    ]
    promoted = _ok(env, "user", "edit", "kim@padcom.example", "--role", "admin")
    assert promoted["role"] == "admin"
    refused = run_server_command(env, "user", "edit", "jo@acme.example", "--role", "agent")
    assert refused.returncode == 1
    assert "staff do not belong" in refused.stderr
    missing = run_server_command(env, "user", "disable", "nobody@acme.example")
    assert missing.returncode == 3
    assert _ok(env, "user", "disable", "jo@acme.example")["active"] is False
    assert _ok(env, "user", "enable", "jo@acme.example")["active"] is True
    assert _ok(env, "org", "list", "--q", "Acme")[0]["name"] == "Acme Hosting GmbH"


def test_a_deactivated_persons_token_stops_at_once_and_the_audit_names_the_operator(
    env: dict[str, str], tmp_path: Path
) -> None:
    for email, role in (("ana@acme.example", "customer"), ("lee@padcom.example", "admin")):
        extra = ("--org", "Acme") if role == "customer" else ()
        done = run_server_command(
            env, "user", "add", email, "--role", role, *extra, "--password-stdin",
            stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    server = ServerProcess(
        env.get("PADCOM_DATABASE_URL"), Path(env["PADCOM_DATA_DIR"]), tmp_path / "log"
    )
    server.start()
    try:
        with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as api:
            login = api.post(
                "/auth/login", json={"email": "ana@acme.example", "password": PASSWORD}
            )
            token = login.json()["token"]
            auth = {"Authorization": f"Bearer {token}"}
            assert api.get("/me", headers=auth).status_code == 200
            tokens = _ok(env, "token", "list", "--user", "ana@acme.example")
            assert [t["name"] for t in tokens] == [""]
            _ok(env, "user", "disable", "ana@acme.example")
            assert api.get("/me", headers=auth).status_code == 401
            assert _ok(env, "token", "list", "--user", "ana@acme.example") == []
    finally:
        server.stop()
    revoked = run_server_command(env, "token", "revoke", "999999")
    assert revoked.returncode == 3
    from server.storage.db import bind, db
    from server.storage.identity_models import AuditEntry

    bind(env.get("PADCOM_DATABASE_URL") or f"sqlite:///{env['PADCOM_DATA_DIR']}/padcom.db")
    with db.connection_context():
        trail = [
            (e.action, e.target_label, e.after) for e in AuditEntry.select().order_by(AuditEntry.id)
        ]
        labels = {e.actor_label for e in AuditEntry.select()}
    db.close_all()
    assert [t[0] for t in trail] == ["user.added", "user.added", "user.changed"]
    assert trail[-1][2] == {"active": False}
    assert all(label.startswith("operator ") for label in labels)
