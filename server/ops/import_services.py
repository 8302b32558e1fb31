"""The service columns of ``padcom-server import``: CSV cells to checked ``Service`` values.

A cell is checked by the very rule the API and ``padcom-server service`` use
(``server.helpdesk.services.checked``), so the import refuses the same values in
the same words, each with its line. Lists (IPs, host names) are written in one
cell, separated by spaces, commas or semicolons (WHMCS puts one address a line).
An empty ``service_state`` leaves the state as it is (a new service is
``active``): a state cannot be empty, and billing that does not say must not
wake a suspended service.
"""

from __future__ import annotations

import re
from typing import Any

from server.helpdesk.errors import Invalid
from server.helpdesk.services import checked

SERVICE_COLUMNS = {
    "service_kind": "kind",
    "service_label": "label",
    "service_plan": "plan",
    "service_datacenter": "datacenter",
    "service_state": "state",
    "service_server": "server",
    "service_ips": "ips",
    "service_hostnames": "hostnames",
}
"""CSV column → ``Service`` field; a column whose field the model lacks is refused."""
LISTS = frozenset({"ips", "hostnames"})
KEPT_WHEN_EMPTY = frozenset({"state"})
"""Fields an empty cell leaves alone instead of clearing."""
_SEPARATORS = re.compile(r"[\s,;]+")


def _cell(field: str, text: str) -> Any:
    if field in LISTS:
        return [word for word in _SEPARATORS.split(text) if word]
    return text


def service_values(row: dict[str, str], line: int) -> tuple[dict[str, Any], list[str]]:
    """The row's service as stored (``{}`` when it names none) and its problems, each with ``line``.

    A row names a service when any service cell is filled; then it needs a kind
    and a label.
    """
    given = {
        field: row[column]
        for column, field in SERVICE_COLUMNS.items()
        if column in row and not (field in KEPT_WHEN_EMPTY and not row[column])
    }
    if not any(given.values()):
        return {}, []
    problems = [
        f"line {line}: a service needs {column}"
        for column in ("service_kind", "service_label")
        if not row.get(column)
    ]
    values: dict[str, Any] = {}
    for column, field in SERVICE_COLUMNS.items():
        if field not in given or (field in ("kind", "label") and not given[field]):
            continue
        try:
            values.update(checked({field: _cell(field, given[field])}))
        except Invalid as refused:
            problems.append(f"line {line}: {column} {given[field][:100]!r}: {refused.message}")
    return ({} if problems else values), problems


def words(value: Any) -> str:
    """A value as a change line shows it: lists space-separated, nothing as ``(none)``."""
    shown = " ".join(value) if isinstance(value, list) else str(value)
    return shown or "(none)"


def described(values: dict[str, Any]) -> str:
    """`` (state suspended, server web-07)``: what a new service gets beyond kind and label."""
    parts = [f"{k} {words(v)}" for k, v in values.items() if k not in ("kind", "label") and v]
    return f" ({', '.join(parts)})" if parts else ""
