"""Times, durations, changes and conflicts in words, as the CLI and the admin app both show them
(each used to have its own formatter; now both read ``padcom_cli.client``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from padcom_cli.client.conflict_words import differences, headline
from padcom_cli.client.duration_words import duration, short_duration
from padcom_cli.client.event_words import changes
from padcom_cli.client.time_words import ago, parse, relative, when

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


def test_the_admin_app_names_the_agent_a_ticket_went_to() -> None:
    to_sam = {"kind": "assigned", "changes": {"assignee": [None, 3]}}
    assert changes(to_sam, {3: "Sam Support"}) == "assigned to Sam Support"
    assert changes(to_sam, {4: "Kim"}) == "assigned to an agent"
    assert changes({"kind": "assigned", "changes": {"assignee": [3, None]}}, {3: "Sam"}) == (
        "unassigned"
    )


def test_a_missed_deadline_reads_as_words_not_as_a_list() -> None:
    missed = {"kind": "sla_breached", "changes": {"targets": ["first_response", "resolution"]}}
    assert changes(missed) == "SLA deadline missed: first response, resolution"


def test_durations_long_for_sentences_short_for_cells() -> None:
    assert [duration(s) for s in (None, -3, 45, 60, 90, 3 * 3600 + 20 * 60, 2 * 86400 + 7200)] == [
        "-", "0 s", "45 s", "1 min", "1 min", "3 h 20 min", "2 d 2 h"
    ]  # fmt: skip
    assert [short_duration(s) for s in (0, 45.9, -720, 5 * 3600, 3 * 86400, 6 * 604800)] == [
        "0s", "45s", "12m", "5h", "3d", "6w"
    ]  # fmt: skip


def test_api_times_parse_with_z_offset_or_none() -> None:
    expected = datetime(2026, 11, 28, 9, tzinfo=UTC)
    assert parse("2026-11-28T09:00:00Z") == expected
    assert parse("2026-11-28T09:00:00+00:00") == expected
    assert parse("2026-11-28T09:00:00") == expected  # naive: the API's times are UTC
    assert parse(None) is None and parse("") is None


def test_a_conflict_names_both_versions_and_every_field_that_moved() -> None:
    before = {"number": 7, "version": 3, "status": "open", "assignee": None, "body": "a"}
    now = {"number": 7, "version": 5, "status": "waiting", "assignee": {"id": 2, "name": "Kim"},
           "body": "b" * 300}  # fmt: skip
    assert (
        headline(7, 3, 5) == "ticket #7 changed since version 3 (now version 5); nothing was saved"
    )
    assert differences(before, now) == [
        "status: open → waiting", "assignee: nobody → Kim", "body changed"
    ]  # fmt: skip


def test_every_event_kind_has_words_and_none_shows_python() -> None:
    """Each kind with the changes the server writes for it: a line a person reads, without
    brackets, braces, quotes or stored names such as ``first_response``."""
    from padcom_cli.client.event_words import DESCRIBE
    from padcom_cli.client.vocabulary import EventKind

    written = {
        "created": {"subject": "Disk full", "priority": "high", "category": "usage"},
        "updated": {"priority": ["normal", "high"], "service": [None, 7]},
        "replied": {"message": 4, "status": ["new", "open"]},
        "note": {"message": 5},
        "status": {"status": ["open", "waiting"]},
        "assigned": {"assignee": [None, 3]},
        "deleted": {},
        "tagged": {"tags": [["dns"], ["dns", "outage"]]},
        "macro": {"macro": {"id": 1, "name": "Outage reply"}},
        "merged": {"into": 12},
        "unmerged": {"from": 13},
        "rated": {"rating": "good", "comment": "fast, thanks"},
        "reminded": {"days": 3},
        "linked": {"link": 2, "ticket": 14, "kind": "same_outage"},
        "unlinked": {"link": 2, "ticket": 14, "kind": "caused_by"},
        "presence": {"state": "writing", "expires_at": "2026-11-28T09:00:30Z"},
        "sla_breached": {
            "targets": ["first_response", "resolution"],
            "due": {"first_response": "2026-11-28T09:00:00Z", "resolution": "2026-11-29T09:00:00Z"},
        },
        "incident_declared": {"incident": 7, "title": "web-07 down", "state": "acknowledged"},
        "incident_changed": {"incident": 7, "fields": ["public_text", "severity"]},
        "incident_updated": {"incident": 7, "update": 3, "state": "acknowledged"},
        "incident_resolved": {"incident": 7, "update": 4, "state": ["acknowledged", "resolved"]},
    }
    assert set(DESCRIBE) == set(EventKind) == set(written)
    for kind, data in written.items():
        words = changes({"kind": kind, "changes": data}, {3: "Sam"})
        assert words and not any(c in words for c in "[]{}'_"), (kind, words)
    assert changes({"kind": "sla_breached", "changes": written["sla_breached"]}) == (
        "SLA deadline missed: first response (due Nov 28 09:00 UTC), "
        "resolution (due Nov 29 09:00 UTC)"
    )
    assert (
        changes({"kind": "deleted", "changes": {}}) == "deleted by the customer (out of the queue)"
    )
    assert changes({"kind": "incident_changed", "changes": written["incident_changed"]}) == (
        "incident #7 changed: public text, severity"
    )
    assert changes({"kind": "incident_declared", "changes": written["incident_declared"]}) == (
        "incident #7 declared: web-07 down"
    )
    newer = changes(
        {"kind": "merged_into", "changes": {"into": {"number": 4}, "tags": ["a", "b", "c"]}}
    )
    assert newer == "into: number 4; tags: a, b, c"  # a kind this client does not know yet
