"""Schemathesis over the whole OpenAPI document, against a live server.

Every operation is called with generated requests, signed in as a customer and
as an admin: no response may be a 5xx, and every status, content type and body
must match what the document declares. Bounded and derandomized so it runs the
same short way every time; the number of cases run is printed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.helpdesk.tokens import issue
from server.storage.db import db
from server.storage.models import User
from tests.support.live import Live, Person

EXAMPLES_PER_OPERATION = 10
NOT_FUZZED = {
    "GET /api/v1/events/stream": "an endless stream: tests/security/test_other_organizations.py reads it",
}
DISRUPTIVE = {
    "POST /api/v1/auth/logout",
    "POST /api/v1/me/password",
    "PATCH /api/v1/users/{user_id}",
    "POST /api/v1/users/{user_id}/revoke-tokens",
    "DELETE /api/v1/tokens/{token_id}",
}
"""Operations after whose cases the actor is restored and signed in afresh."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _fresh_token(person: Person) -> str:
    """Put the actor back as it was (a case may have renamed, demoted or deactivated it)
    and give it a new token (a case may have revoked the last one)."""
    with db.connection_context():
        User.update(
            active=True, role=person.user.role, organization=person.user.organization_id
        ).where(User.id == person.id).execute()
        return issue(person.user, timedelta(hours=1), "fuzz")[0]


def _run(live: Live, actor: Person, operation: Any, counts: dict[str, int], label: str) -> None:
    """Up to EXAMPLES_PER_OPERATION generated calls of one operation, each checked."""
    token = [_fresh_token(actor)]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        counts[label] += 1
        auth = {"Authorization": f"Bearer {token[0]}"}
        try:
            response = case.call(base_url=live.url, headers=auth)
        finally:
            if label in DISRUPTIVE:
                token[0] = _fresh_token(actor)
        case.validate_response(response, checks=CHECKS)

    check()


def _fuzz(live: Live, actor: Person) -> dict[str, int]:
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    counts: dict[str, int] = {}
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if label not in NOT_FUZZED:
            counts[label] = 0
            _run(live, actor, operation, counts, label)
    return counts


def _report(who: str, counts: dict[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(
            f"\nschemathesis as {who}: {sum(counts.values())} cases over {len(counts)} operations"
        )


@pytest.mark.parametrize("role", ["customer", "admin"])
def test_every_operation_answers_within_its_schema_and_never_5xx(
    live: Live, role: str, capsys: pytest.CaptureFixture[str]
) -> None:
    actor = live.person(role)
    if role == "customer":
        actor.api().post("/tickets", json={"subject": "Fuzz target", "body": "number 1 exists"})
    counts = _fuzz(live, actor)
    _report(role, counts, capsys)
    assert all(counts.values()), (
        f"operations never exercised: {[k for k, v in counts.items() if not v]}"
    )
