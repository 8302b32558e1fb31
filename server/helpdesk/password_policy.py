"""What makes a password acceptable: long, not well known, and hard to guess.

Three checks, cheapest first:

1. At least 12 characters (at most 1024).
2. Not a well-known password: not on the shipped breach list
   (``common_passwords.txt``), not one with its trailing digits and symbols
   taken off ("Password2024!"), not one character repeated or a keyboard or
   digit run, not the email's name, and never the published demo password
   (``padcom-server demo`` seeds its accounts without asking this policy).
3. Not one known word dressed up with digits and symbols ("Sommer-2024-!!").
4. zxcvbn, a maintained strength estimator, must score it at least
   ``MIN_SCORE`` (of 4). zxcvbn knows English words only, so it is also given
   ``local_words.txt`` (German months, seasons, days, common words and names,
   the words of hosting and of this product) and, as user inputs, the
   person's own email and name: "Sommer2024!!!!", "Hallo1234567" or
   "Anna.Schmidt1985" are easy guesses for anyone attacking a German hosting
   customer, whatever an English dictionary says.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from importlib import resources

from server.helpdesk.errors import Invalid

MIN_LENGTH = 12
MAX_LENGTH = 1024
MIN_SCORE = 4
"""zxcvbn's score of 4 (10^10 guesses or more): its estimate of local patterns is generous
("Sommer2024!!!!" is 10^8.3 even with the German words), so the top score is the floor."""
ESTIMATED_CHARACTERS = 72
"""zxcvbn refuses longer input and slows with length; a longer password is judged by its start."""
DEMO_PASSWORD = "padcom-demo-2026"  # noqa: S105 - the published demo credential, refused here
RUNS = (
    "0123456789012345678901234567890",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
)
_TRAILING = re.compile(r"[\W\d_]+$")
_WORDS = re.compile(r"[^\W\d_]+")
_ZXCVBN = threading.Lock()
"""zxcvbn keeps the user inputs of a call in a module global: one call at a time."""


def _lines(name: str) -> list[str]:
    text = resources.files("server.helpdesk").joinpath(name).read_text("utf-8")
    return [
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of well-known passwords, lower-case."""
    return frozenset(_lines("common_passwords.txt"))


@cache
def _estimator() -> None:
    """Teach zxcvbn the local words once (a ranked list, most common first)."""
    from zxcvbn import matching

    matching.add_frequency_lists({"padcom_local": _lines("local_words.txt")})


def _is_run(word: str) -> bool:
    return len(set(word)) <= 2 or any(word in run or word in run[::-1] for run in RUNS)


def _personal_words(*context: str) -> list[str]:
    """The person's email and name, whole and in words: what zxcvbn gets as user inputs."""
    words = [part.lower() for part in context if part]
    for part in context:
        words += [word.lower() for word in _WORDS.findall(part) if len(word) >= 3]
    return words


@cache
def _dictionary_words() -> frozenset[str]:
    """Every word of zxcvbn's dictionaries and of ours."""
    from zxcvbn import matching

    _estimator()
    return frozenset(
        word
        for name, ranked in matching.RANKED_DICTIONARIES.items()
        if name != "user_inputs"
        for word in ranked
    )


def _dressed_up_word(lowered: str, *context: str) -> bool:
    """One known word with only digits and symbols around it ("Sommer-2024-!!", "anna1985")."""
    letters = "".join(_WORDS.findall(lowered))
    return bool(letters) and (
        letters in _dictionary_words() or letters in _personal_words(*context)
    )


def strength_problem(password: str, *context: str) -> str | None:
    """Why zxcvbn finds ``password`` too easy to guess for this person, or None."""
    from zxcvbn import zxcvbn

    _estimator()
    with _ZXCVBN:
        result = zxcvbn(password[:ESTIMATED_CHARACTERS], user_inputs=_personal_words(*context))
    if result["score"] >= MIN_SCORE:
        return None
    hint = str(result["feedback"].get("warning") or "").rstrip(".")
    return (
        "that password is too easy to guess"
        + (f" ({hint})" if hint else "")
        + ("; choose a longer, less common one, such as a few unrelated words")
    )


def problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is not acceptable for the person with ``email`` and ``name``, or None."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"a password may have at most {MAX_LENGTH} characters"
    lowered = password.lower()
    if lowered == DEMO_PASSWORD:
        return "that is the published demo password; choose your own"
    stem = _TRAILING.sub("", lowered)
    known = common_passwords()
    if lowered in known or stem in known or _is_run(lowered) or (stem and _is_run(stem)):
        return "that password is too well known; choose a longer, less common one"
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in lowered:
        return "a password may not contain the email address"
    if _dressed_up_word(lowered, email, name):
        return "one common word with digits and symbols is easy to guess; use a few unrelated words"
    return strength_problem(password, email, name)


def check(password: str, email: str = "", name: str = "") -> None:
    """Raise Invalid (422) when ``password`` is not acceptable."""
    reason = problem(password, email, name)
    if reason:
        raise Invalid(reason)
