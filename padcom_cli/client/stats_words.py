"""Words for the figures of ``GET /stats``, shared by ``padcom stats`` and the dashboard."""

from __future__ import annotations

from typing import Any

UNITS = (("d", 86400), ("h", 3600), ("min", 60))


def duration(seconds: int | None) -> str:
    """``45 min``, ``3 h 20 min``, ``2 d 4 h``: the two largest units; ``-`` for none."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{max(seconds, 0)} s"
    parts = []
    rest = seconds
    for name, size in UNITS:
        if rest >= size:
            parts.append(f"{rest // size} {name}")
            rest %= size
        elif parts:
            break
    return " ".join(parts[:2])


def percent(value: float | None) -> str:
    """``87.5 %`` or ``-`` when nothing was measured."""
    return "-" if value is None else f"{value:.1f} %"


def spread(figures: dict[str, Any]) -> str:
    """``median 2 h, 9 in 10 within 5 h`` or ``no tickets yet``."""
    if not figures.get("count"):
        return "no tickets yet"
    return (
        f"median {duration(figures['median_seconds'])}, "
        f"9 in 10 within {duration(figures['p90_seconds'])}"
    )
