"""Words for the figures of ``GET /stats``, shared by ``padcom stats`` and the dashboard."""

from __future__ import annotations

from typing import Any

from padcom_cli.client.duration_words import duration


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
