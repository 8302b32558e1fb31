"""``padcom-server import FILE.csv [--dry-run] [--invite] [--json]``: the command around import_csv.

Exit codes: 0 imported (or nothing to change), 65 the file is refused (every
problem is listed, nothing was written), 66 no such file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

EXIT_REFUSED, EXIT_NO_FILE = 65, 66
SHOWN_CHANGES = 50


class _DryRun(Exception):
    """Raised at the end of a dry run so its transaction rolls back."""


def import_command(
    path: Annotated[Path, typer.Argument(help="The CSV export (see docs/import.md).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change; change nothing.")
    ] = False,
    invite: Annotated[
        bool, typer.Option("--invite", help="Mail new contacts an invitation.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import customers from billing (organizations, contacts, services), idempotent by customer number.

    Columns: customer_number, organization, email, name; optional service_kind,
    service_label, service_plan, service_datacenter, service_state, service_server,
    service_ips, service_hostnames. A second run of the same file changes nothing.
    Exit 65 when the file is refused (every bad line listed; nothing is written).
    """
    from server.config import Settings
    from server.helpdesk.audit import Actor
    from server.ops.import_csv import ImportRefused, Report, apply, read_rows
    from server.storage.db import bind
    from server.storage.migrations import migrate
    from server.storage.write_path import plain, write

    if not path.is_file():
        typer.echo(f"padcom-server import: no file {path}", err=True)
        raise typer.Exit(EXIT_NO_FILE)
    settings = Settings.from_env()
    bind(settings.resolved_database_url)
    migrate()
    sender = settings.mail.sender if settings.mail.enabled else None
    hours = settings.invitation_hours if invite else None
    report: Report | None = None
    try:
        with path.open(encoding="utf-8-sig", newline="") as lines:
            rows = read_rows(lines)

        def change() -> Report:
            nonlocal report
            report = apply(
                rows, Actor.operator(), dry_run=dry_run, invite_hours=hours, sender=sender
            )
            if dry_run:
                raise _DryRun
            return report

        write(plain(change), None, batched=False)
    except _DryRun:
        pass
    except ImportRefused as refused:
        for problem in refused.problems[:100]:
            typer.echo(f"padcom-server import: {problem}", err=True)
        raise typer.Exit(EXIT_REFUSED) from None
    assert report is not None
    if as_json:
        json.dump(report.as_dict(), sys.stdout, indent=2, ensure_ascii=True)
        sys.stdout.write("\n")
        return
    _describe(report)


def _describe(report: object) -> None:
    from server.ops.import_csv import Report

    assert isinstance(report, Report)
    verb = "would change" if report.dry_run else "changed"
    for line in report.changes[:SHOWN_CHANGES]:
        typer.echo(("would " if report.dry_run else "") + line)
    if len(report.changes) > SHOWN_CHANGES:
        typer.echo(f"... and {len(report.changes) - SHOWN_CHANGES} more (--json lists them all)")
    for name in ("organizations", "contacts", "services"):
        tally = getattr(report, name)
        typer.echo(
            f"{name}: {tally.added} added, {tally.changed} changed, {tally.unchanged} unchanged"
        )
    typer.echo(f"{report.rows} rows read; {verb if report.changes else 'nothing to change'}"
               + (" (dry run: nothing written)" if report.dry_run else ""))  # fmt: skip
