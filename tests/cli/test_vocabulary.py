"""The clients' words are the server's: what the CLI and the admin app offer, the server accepts.

The server announces its enums in the OpenAPI document; the client package keeps
its own copy (the clients never import the server) in ``padcom_cli.client.vocabulary``.
If either side adds, drops, renames or reorders a word, this fails.
"""

from __future__ import annotations

from enum import StrEnum

import server.vocabulary as server_words
from padcom_cli.client import vocabulary as client_words
from tests.support.live import Live

ANNOUNCED: list[type[StrEnum]] = [
    client_words.Status,
    client_words.Priority,
    client_words.Category,
    client_words.Role,
    client_words.ServiceKind,
    client_words.ServiceState,
    client_words.IncidentSeverity,
    client_words.IncidentState,
    client_words.LinkKind,
    client_words.Rating,
    client_words.PresenceState,
]


def test_the_running_server_announces_the_clients_words(live: Live) -> None:
    with live.anonymous() as api:
        schemas = api.get(f"{live.url}/openapi.json").json()["components"]["schemas"]
    announced = {name: shape["enum"] for name, shape in schemas.items() if "enum" in shape}
    assert announced == {words.__name__: [str(w) for w in words] for words in ANNOUNCED}


def test_words_the_api_does_not_announce_match_the_servers_too() -> None:
    assert [str(k) for k in client_words.EventKind] == [str(k) for k in server_words.EventKind]
    assert [str(s) for s in client_words.OPEN_STATUSES] == list(server_words.OPEN_STATUSES)


def test_the_admin_app_lists_priorities_most_urgent_first() -> None:
    assert [str(p) for p in client_words.MOST_URGENT_FIRST] == ["urgent", "high", "normal", "low"]
    ranked = sorted(client_words.PRIORITIES, key=client_words.URGENCY.__getitem__, reverse=True)
    assert ranked == list(client_words.MOST_URGENT_FIRST)
