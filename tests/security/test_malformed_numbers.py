"""Tampered page cursors and out-of-range numbers: every one is a clean 4xx, never a 500.

A customer edits the ``cursor`` of a page (or an id in a filter, a path, the
stream's ``Last-Event-ID``) by hand. Whatever they send, the server answers in
the API's error shape and the next honest page still works, on both databases.
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.reads.listing import SORTS
from tests.security.test_hostile_input import assert_clean
from tests.support.live import Live, Person


def _cursor(data: object) -> str:
    """A cursor as the server writes them (urlsafe base64 of JSON, no padding)."""
    raw = json.dumps(data).encode() if not isinstance(data, bytes) else data
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _tampered(sort: str) -> list[str]:
    """Cursors of every wrong shape for ``sort``: numbers out of range, wrong types, broken."""
    width = len(SORTS[sort])
    honest = [1] * width
    shapes: list[object] = [
        [sort, *([2**64] * width)],  # past 64 bits: SQLite's driver overflowed
        [sort, *([2**63] * width)],
        [sort, *([10**400] * width)],
        [sort, *([-1] * width)],
        [sort, *([-(2**70)] * width)],
        [sort, *([1.5] * width)],
        [sort, *([1e400] * width)],
        [sort, *(["1"] * width)],
        [sort, *([None] * width)],
        [sort, *([True] * width)],
        [sort, *([[1]] * width)],
        [sort, *([{"a": 1}] * width)],
        [sort, *honest, 1],  # one value too many
        [sort],
        ["-number" if sort != "-number" else "number", *honest],  # another sort's cursor
        {"sort": sort},
        sort,
        42,
        None,
        [],
    ]
    cursors = [_cursor(shape) for shape in shapes]
    honest_cursor = _cursor([sort, *honest])
    cursors += [
        honest_cursor[:-3],  # truncated
        honest_cursor[:1],
        "!!!not base64!!!",
        "a",
        "====",
        "\u00e9t\u00e9",
        "\u00b2\u00b3",
        _cursor(b"\xff\xfe\x00"),  # not UTF-8
        _cursor(b"[" * 290),  # deep
        _cursor(b'["' + sort.encode() + b'", NaN]'),
        _cursor(b'["' + sort.encode() + b'", 1' + b"0" * 250 + b"]"),
    ]
    return cursors


@pytest.fixture(scope="module")
def bob(live: Live) -> Person:
    """A customer with enough tickets for a second page."""
    person = live.person("customer")
    api = person.api()
    for i in range(3):
        api.post("/tickets", json={"subject": f"Ticket {i}", "body": "text"})
    return person


@pytest.mark.parametrize("sort", list(SORTS))
def test_a_tampered_cursor_is_a_400_and_the_honest_one_still_works(
    live: Live, bob: Person, sort: str
) -> None:
    api = bob.api()
    for cursor in _tampered(sort):
        reply = api.get("/tickets", params={"sort": sort, "cursor": cursor})
        assert_clean(reply, 400, 422)
    first = api.get("/tickets", params={"sort": sort, "limit": 1}).json()
    assert first["next_cursor"], "there is a second page"
    second = api.get("/tickets", params={"sort": sort, "limit": 1, "cursor": first["next_cursor"]})
    assert second.status_code == 200 and second.json()["items"]


KEY_VALUES = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.none(),
    st.booleans(),
)


TEXT_SORTS = ("subject", "category")
"""The orders whose first key is a text, not a number."""


def _honest_key(value: object, *, text: bool) -> bool:
    if text:
        return type(value) is str and len(value) <= 200
    return type(value) is int and 0 <= value <= 2**63 - 1


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sort=st.sampled_from(list(SORTS)),
    keys=st.lists(KEY_VALUES, max_size=4),
    junk=st.binary(max_size=200),
)
def test_fuzzed_cursors_are_a_page_or_a_400(
    live: Live, bob: Person, sort: str, keys: list[object], junk: bytes
) -> None:
    """A cursor holding exactly the sort's keys, each a number in 0..2**63-1 (a subject or a
    category a short text), is a page; all else a 400."""
    api = bob.api()
    honest = len(keys) == len(SORTS[sort]) and all(
        _honest_key(k, text=i == 0 and sort.lstrip("-") in TEXT_SORTS) for i, k in enumerate(keys)
    )
    reply = api.get("/tickets", params={"sort": sort, "cursor": _cursor([sort, *keys])})
    assert_clean(reply, 200 if honest else 400)
    assert_clean(api.get("/tickets", params={"sort": sort, "cursor": _cursor(junk)}), 200, 400)
    api.close()


PEOPLE_VALUES = ["\u00b2", "\u0663", "99999999999", "2147483648", "-1", "1e3", " 1", "0x10", "1.0"]


def test_person_filters_out_of_range_are_422(live: Live, bob: Person) -> None:
    api = bob.api()
    for name in ("assignee", "requester"):  # comma lists: each word trimmed, as every list's
        for value in [v for v in PEOPLE_VALUES if v.strip() != "1"]:
            assert_clean(api.get("/tickets", params={name: value}), 422)
            assert_clean(api.get("/tickets", params={name: f"me,{value}"}), 422)
    for value in [v for v in PEOPLE_VALUES if v.strip() != "1"]:
        assert_clean(api.get("/stats", params={"assignee": value}), 422)


NUMBERS = ["0", "-1", "2147483648", "9" * 30, "1e3", "1.5", "\u00b2", "\u0663", "0x1", "nan"]


def test_numbers_in_paths_and_queries_are_range_checked(live: Live, bob: Person) -> None:
    api = bob.api()
    for value in NUMBERS:
        for path in (f"/tickets/{value}", f"/tickets/{value}/messages", f"/tickets/{value}/events"):
            assert_clean(api.get(path), 404, 422)
        assert_clean(api.get("/tickets", params={"limit": value}), 422)
        assert_clean(api.get("/tickets", params={"organization": value}), 422)
        assert_clean(api.get("/events", params={"limit": value}), 422)
    for after in ("-1", "9223372036854775808", "9" * 30, "1.5", "\u00b2"):
        assert_clean(api.get("/events", params={"after": after}), 422)


def test_a_malformed_last_event_id_is_a_4xx_before_the_stream_starts(
    live: Live, bob: Person
) -> None:
    headers = {"Authorization": f"Bearer {bob.token}"}
    with httpx.Client(base_url=live.url, timeout=10) as client:
        for value in ("-1", "9" * 19, "9" * 40, "1e3", "x", "1.5", "\u00b2"):
            resume = {
                b"Authorization": f"Bearer {bob.token}".encode(),
                b"Last-Event-ID": value.encode("latin-1"),
            }
            with client.stream("GET", "/api/v1/events/stream", headers=resume) as reply:
                reply.read()
                assert_clean(reply, 400, 422)
        for value in ("-1", str(10**18 + 1), "9" * 40, "1.5"):
            with client.stream(
                "GET", "/api/v1/events/stream", headers=headers, params={"last_event_id": value}
            ) as reply:
                reply.read()
                assert_clean(reply, 422)
