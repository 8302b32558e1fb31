"""What makes a password acceptable: at least 12 characters and not a well-known one.

The list of well-known passwords ships with the package (``common_passwords.txt``).
A password is refused when it, or it with its trailing digits and symbols taken
off ("Password2024!"), is on the list, or when it is one character repeated or a
run along the keyboard or the digits.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from server.errors import Invalid

MIN_LENGTH = 12
MAX_LENGTH = 1024
RUNS = (
    "0123456789012345678901234567890",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
)
_TRAILING = re.compile(r"[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of well-known passwords, lower-case."""
    text = resources.files("server.security").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def _is_run(word: str) -> bool:
    return len(set(word)) <= 2 or any(word in run or word in run[::-1] for run in RUNS)


def problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"a password may have at most {MAX_LENGTH} characters"
    lowered = password.lower()
    stem = _TRAILING.sub("", lowered)
    known = common_passwords()
    if lowered in known or stem in known or _is_run(lowered) or (stem and _is_run(stem)):
        return "that password is too well known; choose a longer, less common one"
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in lowered:
        return "a password may not contain the email address"
    return None


def check(password: str, email: str = "") -> None:
    """Raise Invalid (422) when ``password`` is not acceptable."""
    reason = problem(password, email)
    if reason:
        raise Invalid(reason)
