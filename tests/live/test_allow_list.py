"""Which webhook targets the allow-list lets through: the server must not be aimed elsewhere."""

from __future__ import annotations

import pytest

from server.outbox.webhook import allowed

ALLOW = (
    "hooks.example.com",
    "https://chat.example.net/hooks/padcom",
    "https://status.example.org",
)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/anything",
        "http://HOOKS.example.com/x",
        "https://hooks.example.com:443/x",
        "https://chat.example.net/hooks/padcom",
        "https://chat.example.net/hooks/padcom/team-a?x=1",
        "https://status.example.org/hook",
    ],
)
def test_listed_hosts_and_prefixes_are_allowed(url: str) -> None:
    assert allowed(url, ALLOW)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://127.0.0.1:5432/",
        "https://hooks.example.com.evil.test/",  # a longer host
        "https://evil.test/?next=hooks.example.com",
        "https://chat.example.net/hooks/padcom-evil",  # prefix, but not at a path boundary
        "https://chat.example.net/hooks/padcom@evil.test/",
        "https://status.example.org@evil.test/",  # the listed name as userinfo
        "https://status.example.org.evil.test/",
        "https://user:pass@hooks.example.com/",  # credentials in the URL
        "ftp://hooks.example.com/",
        "file:///etc/passwd",
        "hooks.example.com/no-scheme",
        "http://[::1/",  # unparseable
    ],
)
def test_everything_else_is_refused(url: str) -> None:
    assert not allowed(url, ALLOW)


def test_an_empty_allow_list_allows_nothing() -> None:
    assert not allowed("https://hooks.example.com/", ())
