"""Client layer: how long something took or has left, in words, for the CLI and the admin app.

Two styles from one rule: ``duration`` (``3 h 20 min``: the two largest units, for
sentences and the statistics) and ``short_duration`` (``3h``: one unit, for table cells
and deadlines). They were two formatters in two packages; one table of units keeps an
hour an hour in both.
"""

from __future__ import annotations

WORDS = (("d", 86400), ("h", 3600), ("min", 60))
"""Units of ``duration``; under a minute it counts seconds."""
SHORT = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
"""Units of ``short_duration``."""


def _largest(seconds: int, units: tuple[tuple[str, int], ...], most: int) -> list[tuple[int, str]]:
    """Up to ``most`` amounts in consecutive units from the largest that fits: (3, 'h'), ..."""
    parts: list[tuple[int, str]] = []
    rest = seconds
    for name, size in units:
        if rest >= size:
            parts.append((rest // size, name))
            rest %= size
        elif parts:
            break
        if len(parts) == most:
            break
    return parts


def duration(seconds: float | None) -> str:
    """``45 s``, ``45 min``, ``3 h 20 min``, ``2 d 4 h``; ``-`` for none."""
    if seconds is None:
        return "-"
    whole = max(int(seconds), 0)
    if whole < 60:
        return f"{whole} s"
    return " ".join(f"{amount} {unit}" for amount, unit in _largest(whole, WORDS, 2))


def short_duration(seconds: float) -> str:
    """A duration in one short unit, its sign dropped: ``45s``, ``12m``, ``5h``, ``3d``, ``6w``."""
    amount, unit = (_largest(int(abs(seconds)), SHORT, 1) or [(0, "s")])[0]
    return f"{amount}{unit}"
