"""Operator tools: what ``padcom-server copy-to`` shows a person while and after it copies.

Kept apart from ``copy_to`` (the copy itself) so that the copy stays a function of
databases and returns a report, and only the command's words know about terminals.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from server.ops.copy_to import CopyReport


class TerminalProgress:
    """Rows copied per table on one line that rewrites itself (for a person at a terminal)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, table: str, done: int, total: int) -> None:
        share = f" ({done * 100 // total}%)" if total else ""
        end = "\n" if done == total else ""
        self.stream.write(f"\r\x1b[K{table}: {done:,} of {total:,} rows{share}{end}")
        self.stream.flush()


def describe(report: CopyReport) -> str:
    """The report for a person: one line per table, then what to do next."""
    width = max(len(t.table) for t in report.tables)
    lines = [f"copied {report.source} (schema {report.schema_version}) to {report.target}"]
    lines.append(f"{'table'.ljust(width)}  {'rows':>10}  checksum          next id")
    for t in report.tables:
        mark = "ok" if t.matches else f"DIFFERS: {t.target_rows} rows, {t.target_checksum}"
        next_id = "" if t.next_id is None else str(t.next_id)
        lines.append(f"{t.table.ljust(width)}  {t.rows:>10,}  {t.checksum}  {next_id:<8} {mark}")
    rows = sum(t.rows for t in report.tables)
    lines.append(
        f"{rows:,} rows in {len(report.tables)} tables in {report.seconds:.1f} s, in one "
        "transaction, verified (same count and checksum read back from PostgreSQL)"
    )
    password = " (with its password)" if ":***@" in report.target else ""
    lines.append(
        f"{Path(report.source).name} was only read. To switch: stop the server, set "
        f"PADCOM_DATABASE_URL={report.target}{password} and start it."
    )
    return "\n".join(lines)
