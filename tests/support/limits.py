"""Rate limits raised the way an operator raises them, for tests and benches that file in bulk.

The defaults (server/helpdesk/limits.py) stop one customer flooding staff; a
load test is exactly such a flood, so it says so explicitly.
"""

from __future__ import annotations

from server.helpdesk.limits import Limit, WriteLimits

NO_WRITE_LIMITS_ENV = {
    "PADCOM_RATE_CREATES_PER_USER": "off",
    "PADCOM_RATE_CREATES_PER_ORG": "off",
    "PADCOM_RATE_REPLIES_PER_USER": "off",
    "PADCOM_RATE_REPLIES_PER_ORG": "off",
    "PADCOM_RATE_CHANGES_PER_USER": "off",
    "PADCOM_RATE_CHANGES_PER_ORG": "off",
}
"""``padcom-server serve`` without write limits (environment of a server process)."""

OFF = Limit(0, 1)
NO_WRITE_LIMITS = WriteLimits(OFF, OFF, OFF, OFF, OFF, OFF)
"""The same for a server built in-process (``own_server(url, write_limits=...)``)."""
