"""Times and changes in words, as the CLI (and the admin app) show them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from padcom_cli.client.event_words import changes
from padcom_cli.client.time_words import ago, relative, when

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_relative_times_read_like_speech() -> None:
    assert relative(NOW - timedelta(seconds=10), NOW) == "just now"
    assert relative(NOW - timedelta(minutes=12), NOW) == "12 min ago"
    assert relative(NOW - timedelta(hours=3), NOW) == "3 h ago"
    assert relative(NOW - timedelta(days=2), NOW) == "2 d ago"
    assert relative(NOW + timedelta(hours=4), NOW) == "in 4 h"
    assert relative(NOW - timedelta(days=40), NOW) == (
        NOW - timedelta(days=40)
    ).astimezone().strftime("%Y-%m-%d")


def test_api_times_are_shown_in_the_local_zone() -> None:
    stamp = "2026-11-28T09:00:00Z"
    local = datetime(2026, 11, 28, 9, tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
    assert when(stamp, NOW) == f"{local} (3 h ago)"
    assert when(None, NOW) == "-" and ago(None, NOW) == "-"
    assert ago("2026-11-28T11:30:00.123000+00:00", NOW) == "30 min ago"


def test_changes_in_words_are_clean_and_short() -> None:
    assert changes({"kind": "updated", "changes": {"priority": ["normal", "high"]}}) == (
        "priority: normal → high"
    )
    assert changes({"kind": "updated", "changes": {"body": ["a" * 500, "b"]}}) == "body changed"
    assert changes({"kind": "updated", "changes": {"subject": ["x", "\x1b[2Jy\nz"]}}) == (
        "subject: x → ␛[2Jy⏎z"
    )
    assert changes({"kind": "replied", "changes": {"message": 4}}) == "replied"
    assert changes({"kind": "assigned", "changes": {"assignee": [None, 3]}}) == (
        "assigned to an agent"
    )
