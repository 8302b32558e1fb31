"""Cover a run of days with aligned spans of 1, 8 and 64 days, the fewest pieces first.

A pre-aggregate keyed by day holds as many rows per day as the day's distinct
keys; kept also per aligned 8- and 64-day span, a 90-day period reads at most
one or two long spans and a handful of short ones, instead of 90 days of rows.
"""

from __future__ import annotations

SPANS = (1, 8, 64)


def cover(first_day: int, end_day: int) -> dict[int, list[int]]:
    """{span: [start days]} of aligned spans that together cover [first_day, end_day) exactly once."""
    found: dict[int, list[int]] = {span: [] for span in SPANS}
    day = first_day
    while day < end_day:
        span = max(s for s in SPANS if day % s == 0 and day + s <= end_day)
        found[span].append(day)
        day += span
    return found
