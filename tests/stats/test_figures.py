"""The statistics of a fixed history, checked against figures worked out by hand.

See history.py for the eleven tickets; each expectation below names the tickets
it comes from. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.stats.history import History, seed_history
from tests.support.live import Live


@pytest.fixture(scope="module")
def history(live: Live) -> History:
    return seed_history(live)


def _stats(person: Any, history: History, **params: Any) -> dict[str, Any]:
    reply = person.api().get("/stats", params={**history.period(), **params})
    assert reply.status_code == 200, reply.text
    figures: dict[str, Any] = reply.json()
    return figures


def _spread(count: int, median: int | None, p90: int | None) -> dict[str, Any]:
    return {"count": count, "median_seconds": median, "p90_seconds": p90}


NONE = _spread(0, None, None)
HOUR = 3600


def test_staff_see_the_queue_as_it_stands(live: Live, history: History) -> None:
    now = _stats(history.agent_x, history)["now"]
    # open: T3 (open), T5 (new), T8 (waiting), T9 (new), T10 (open)
    assert now["open"] == 5
    assert now["by_status"] == {"new": 2, "open": 2, "waiting": 1}
    assert now["by_priority"] == {"low": 0, "normal": 2, "high": 2, "urgent": 1}
    assert now["by_category"] == {
        "hardware": 1, "software": 0, "usage": 1, "security": 1, "other": 2,
    }  # fmt: skip
    x, y = history.agent_x, history.agent_y
    assert now["by_assignee"] == [
        {"id": x.id, "name": x.user.name, "open": 2},  # T8, T10
        {"id": y.id, "name": y.user.name, "open": 1},  # T3
    ]
    assert now["unassigned"] == 2  # T5, T9
    # T3 and T10 are past their resolution due, T5 past both; T8 paused before its due
    assert now["breached"] == 3
    assert now["at_risk"] == 1  # T9: first response due in 30 minutes
    oldest = now["oldest_open"]
    assert oldest["number"] == history.tickets["T10"]
    assert oldest["age_seconds"] >= 13 * 86400


def test_staff_see_each_day_of_the_period(live: Live, history: History) -> None:
    body = _stats(history.agent_x, history)
    days = body["daily"]
    assert [d["day"] for d in days] == [
        (history.d0 + timedelta(days=i)).date().isoformat() for i in range(10)
    ]
    assert [d["created"] for d in days] == [2, 1, 1, 1, 1, 1, 0, 0, 0, 1]
    # T2 and T11 on day 0, T1 day 1, T4 day 2, T6 day 4, T7 day 8 (T3 was reopened)
    assert [d["resolved"] for d in days] == [2, 1, 1, 0, 1, 0, 0, 0, 1, 0]
    # open at the start: T10 and T11 (created before, resolved on day 0)
    assert [d["backlog"] for d in days] == [2, 2, 2, 3, 3, 4, 4, 4, 3, 4]
    assert (body["created"], body["resolved"], body["deleted"]) == (8, 6, 1)
    assert body["period"]["days"] == 10


def test_staff_see_response_and_resolution_times(live: Live, history: History) -> None:
    body = _stats(history.agent_x, history)
    first = body["first_response"]
    # T8 0.5 h, T3 1 h, T7 1 h, T1 2 h, T6 2 h, T2 3 h (T4, T5 never answered)
    assert first["overall"] == _spread(6, HOUR, 3 * HOUR)
    assert first["by_priority"] == {
        "low": NONE,
        "normal": _spread(2, HOUR, 2 * HOUR),  # T7, T1
        "high": _spread(2, HOUR // 2, HOUR),  # T8, T3
        "urgent": _spread(2, 2 * HOUR, 3 * HOUR),  # T6 (raised mid-way), T2
    }
    assert first["by_category"]["software"] == _spread(2, HOUR, 2 * HOUR)
    assert first["by_category"]["other"] == NONE  # T5 never answered
    resolution = body["resolution"]
    # T4 1 h, T6 3 h, T2 5 h, T1 24 h, T7 60 h (84 h less the 24 h waiting)
    assert resolution["overall"] == _spread(5, 5 * HOUR, 60 * HOUR)
    assert resolution["by_priority"] == {
        "low": _spread(1, HOUR, HOUR),
        "normal": _spread(2, 24 * HOUR, 60 * HOUR),
        "high": NONE,  # T3 reopened, T8 waiting
        "urgent": _spread(2, 3 * HOUR, 5 * HOUR),
    }
    assert resolution["by_category"]["hardware"] == _spread(1, 3 * HOUR, 3 * HOUR)


def test_staff_see_sla_compliance_and_reopens(live: Live, history: History) -> None:
    body = _stats(history.agent_x, history)
    # response met: T1, T3, T7, T8; late: T2, T6 (after the raise), T5 (never answered);
    # T4 was closed before its response was due, so it counts neither way
    assert body["sla"]["first_response"] == {"met": 4, "late": 3, "percent": 57.1}
    # resolution met: T1, T4, T6, T7 (thanks to the pause); late: T2, T3, T5; T8 is paused in time
    assert body["sla"]["resolution"] == {"met": 4, "late": 3, "percent": 57.1}
    # solved at least once: T1, T2, T3, T4, T6, T7; reopened: T3
    assert body["reopens"] == {"solved": 6, "reopened": 1, "percent": 16.7}


def test_staff_see_who_reports_most(live: Live, history: History) -> None:
    body = _stats(history.agent_x, history)
    assert [(o["id"], o["tickets"]) for o in body["top_organizations"]] == [
        (history.org_a.id, 6),
        (history.org_b.id, 2),
    ]
    s = history.services
    assert [(o["id"], o["tickets"]) for o in body["top_services"]] == [
        (s["a1"], 4),  # T1, T2, T4, T8
        (s["a2"], 2),  # T3, T7
        (s["b1"], 2),  # T5, T6
    ]


def test_filters_narrow_every_figure(live: Live, history: History) -> None:
    urgent = _stats(history.agent_x, history, priority="urgent")
    assert urgent["created"] == 2  # T2, T6
    assert urgent["now"]["open"] == 1  # T9
    org_b = _stats(history.agent_y, history, organization=history.org_b.id)
    assert (org_b["created"], org_b["now"]["open"]) == (2, 2)  # T5, T6; T5, T9 open
    mine = _stats(history.agent_y, history, assignee="me")
    assert (mine["created"], mine["now"]["open"]) == (2, 1)  # T3, T6; T3
    nobody = _stats(history.agent_x, history, assignee="none", category="security,other")
    assert (nobody["created"], nobody["now"]["open"]) == (1, 2)  # T5; T5, T9


def test_a_customer_sees_the_same_figures_for_their_organization_only(
    live: Live, history: History
) -> None:
    body = _stats(history.customer_a, history)
    now = body["now"]
    assert (now["open"], now["breached"], now["at_risk"]) == (3, 2, 0)  # T3, T8, T10
    assert now["oldest_open"]["number"] == history.tickets["T10"]
    # T4 was deleted by its customer: it is gone from their figures
    assert (body["created"], body["resolved"], body["deleted"]) == (5, 4, 0)
    assert [d["backlog"] for d in body["daily"]] == [2, 2, 2, 2, 2, 3, 3, 3, 2, 3]
    assert body["first_response"]["overall"] == _spread(5, HOUR, 3 * HOUR)
    assert body["resolution"]["overall"] == _spread(3, 24 * HOUR, 60 * HOUR)
    assert body["sla"]["first_response"] == {"met": 4, "late": 1, "percent": 80.0}
    assert body["sla"]["resolution"] == {"met": 2, "late": 2, "percent": 50.0}
    assert body["reopens"] == {"solved": 4, "reopened": 1, "percent": 25.0}
    assert [o["id"] for o in body["top_organizations"]] == [history.org_a.id]
    assert {s["id"] for s in body["top_services"]} == {
        history.services["a1"],
        history.services["a2"],
    }


def test_a_customer_cannot_ask_for_another_organization(live: Live, history: History) -> None:
    api = history.customer_a.api()
    other = api.get("/stats", params={"organization": history.org_b.id})
    missing = api.get("/stats", params={"organization": 2_000_000_000})
    assert other.status_code == missing.status_code == 404
    assert other.json()["error"]["code"] == "not_found"
    assert "T5" not in other.text
    own = api.get("/stats", params={"organization": history.org_a.id})
    assert own.status_code == 200


def test_a_customer_of_a_quiet_organization_sees_zeros(live: Live, history: History) -> None:
    body = _stats(live.person("customer"), history)
    assert body["now"]["open"] == body["created"] == body["resolved"] == 0
    assert body["top_organizations"] == body["now"]["by_assignee"] == []
    assert body["sla"]["first_response"]["percent"] is None


def test_the_default_period_is_the_last_30_days(live: Live, history: History) -> None:
    reply = history.agent_x.api().get("/stats")
    assert reply.status_code == 200
    period = reply.json()["period"]
    assert period["days"] == 30  # though 30 x 24 h touch 31 UTC dates unless at midnight
    assert reply.json()["created"] == 11  # the whole history is 13 days old


def _padcom(live: Live, person: Any, *args: str) -> Any:
    from typer.testing import CliRunner

    from padcom_cli.main import app

    env = {"PADCOM_URL": live.url, "PADCOM_TOKEN": person.token}
    return CliRunner().invoke(app, ["stats", *args], env=env)


def test_padcom_stats_tells_a_customer_how_their_tickets_stand(
    live: Live, history: History
) -> None:
    result = _padcom(live, history.customer_a)
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert "Your tickets, last 30 days" in lines
    assert "Open now 3 (new 0, in progress 2, waiting on you 1)" in lines
    assert "Filed 7" in lines  # T1, T2, T3, T7, T8, T10, T11 (T4 deleted)
    assert "Solved 4" in lines  # T1, T2, T7, T11
    # responses 0.5, 1, 1, 1, 1, 2, 3 h; resolutions 5, 24, 27, 60 h
    assert "First response median 1 h, 9 in 10 within 3 h" in lines
    assert "Resolution median 1 d, 9 in 10 within 2 d 12 h" in lines
    assert result.stderr == ""


def test_padcom_stats_json_is_the_api_document(live: Live, history: History) -> None:
    result = _padcom(live, history.customer_b, "--json", "--days", "7")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["period"]["days"] == 7
    assert [o["id"] for o in body["top_organizations"]] == [history.org_b.id]
    assert body["now"]["open"] == 2  # T5, T9


def test_padcom_stats_refuses_a_bad_period(live: Live, history: History) -> None:
    result = _padcom(live, history.customer_b, "--days", "0")
    assert result.exit_code == 2
