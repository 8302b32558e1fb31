"""The webhook allow-list compares normalised URLs: no `../` escape, no other port.

An operator who allows ``https://chat.example.net/hooks/padcom`` means that
path on that host's HTTPS port, nothing beside it; a host entry means the
host's default port unless it names one. What is checked is what is sent.
"""

from __future__ import annotations

import pytest

from server.outbox.webhook import allowed, checked

ALLOW = (
    "hooks.example.com",
    "ops.example.com:8443",
    "https://chat.example.net/hooks/padcom",
    "http://status.example.org/",
)


@pytest.mark.parametrize(
    "url",
    [
        "https://chat.example.net/hooks/padcom/../../admin",
        "https://chat.example.net/hooks/padcom/..",
        "https://chat.example.net/hooks/padcom/./../padcom-evil",
        "https://chat.example.net/hooks/padcom/%2e%2e/%2e%2e/admin",
        "https://chat.example.net/hooks/padcom/%2E%2E/admin",
        "https://chat.example.net/hooks/padcom/.%2e/admin",
        "https://chat.example.net/hooks/padcom%2f..%2fadmin",
        "https://chat.example.net/hooks/padcom/..%5cadmin",
        "https://chat.example.net/hooks/padcom/..\\admin",
        "https://chat.example.net:8443/hooks/padcom",  # the prefix's host, another port
        "http://chat.example.net/hooks/padcom",  # another scheme
        "https://hooks.example.com:22/",  # a host entry allows its default port only
        "http://hooks.example.com:6379/",
        "https://hooks.example.com:8443/",
        "https://ops.example.com/",  # this host entry names its port
        "http://status.example.org:8080/",
    ],
)
def test_escapes_and_other_ports_are_refused(url: str) -> None:
    assert not allowed(url, ALLOW)


@pytest.mark.parametrize(
    ("url", "sent"),
    [
        ("https://chat.example.net/hooks/padcom/team/../ops", "https://chat.example.net/hooks/padcom/ops"),
        ("https://HOOKS.example.com./x", "https://hooks.example.com./x"),
        ("https://ops.example.com:8443/hook", "https://ops.example.com:8443/hook"),
        ("http://status.example.org:80/x?y=1", "http://status.example.org/x?y=1"),
    ],
)  # fmt: skip
def test_what_is_allowed_is_sent_as_it_was_checked(url: str, sent: str) -> None:
    target = checked(url, ALLOW)
    assert target is not None
    assert target.url == sent
