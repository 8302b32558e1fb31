"""``padcom-server``: run the API and look after its database.

padcom-server serve [--host 127.0.0.1] [--port 8000]
padcom-server migrate
padcom-server user add EMAIL --role agent [--org NAME] [--name NAME] [--password-stdin]
padcom-server demo
padcom-server backup PATH
padcom-server copy-to postgresql://... [--from sqlite:////path/padcom.db] [--json]
padcom-server mail-in < message.eml
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from server.config import Settings
from server.helpdesk.password_policy import DEMO_PASSWORD
from server.vocabulary import ROLES, Role

ROLE_CHOICE = f"{', '.join(ROLES[:-1])} or {ROLES[-1]}"
"""The roles, as help and errors name them: customer, agent or admin."""

app = typer.Typer(help="Run the Padcom API server and manage its database.", no_args_is_help=True)
users = typer.Typer(help="Manage people.", no_args_is_help=True)
app.add_typer(users, name="user")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    ssl_certfile: Annotated[
        Path | None, typer.Option(help="TLS certificate (PEM); serve HTTPS.", exists=True)
    ] = None,
    ssl_keyfile: Annotated[
        Path | None, typer.Option(help="TLS private key (PEM).", exists=True)
    ] = None,
) -> None:
    """Serve the HTTP API (stops gracefully on SIGTERM or Ctrl-C).

    Run it under a service manager that stops the whole process group (systemd's
    default ``KillMode=control-group``); workers also end when this process dies.
    """
    from server.ops.startup import exit_unless_ready
    from server.serving.limits import ServeLimits
    from server.serving.run import serve as run_server
    from server.serving.transport import plaintext_warning

    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise typer.BadParameter("--ssl-certfile and --ssl-keyfile go together")
    try:
        limits = ServeLimits.from_env()
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    exit_unless_ready(Settings.from_env())  # one line and exit 75/78, before any worker starts
    warning = plaintext_warning(host, tls=ssl_certfile is not None)
    if warning:
        typer.echo(warning, err=True)
    run_server(
        limits,
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )


@app.command("migrate")
def migrate_command() -> None:
    """Bring the database schema up to date."""
    from server.ops.startup import exit_unless_ready

    before, after = exit_unless_ready(Settings.from_env())  # one line when it cannot
    typer.echo(f"schema at version {after}" + (f" (was {before})" if before != after else ""))


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise typer.BadParameter("the passwords differ")
    return first


@users.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="Sign-in email.")],
    role: Annotated[str, typer.Option(help=f"{ROLE_CHOICE}.")] = Role.CUSTOMER.value,
    org: Annotated[str | None, typer.Option(help="Organization (created when new).")] = None,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin.")] = False,
) -> None:
    """Add a user (and their organization when it is new)."""
    from server.helpdesk import password_policy as policy
    from server.helpdesk.accounts import create_user, organization_named
    from server.helpdesk.errors import DomainError
    from server.helpdesk.passwords import Passwords
    from server.storage.db import bind
    from server.storage.migrations import migrate
    from server.storage.models import User
    from server.storage.write_path import plain, write

    if role not in ROLES:
        raise typer.BadParameter(f"role must be {ROLE_CHOICE}")
    settings = Settings.from_env()
    bind(settings.resolved_database_url)
    migrate()
    password = _read_password(password_stdin)
    try:
        policy.check(password, email, name or "")
        password_hash = Passwords(settings.passwords, 1).hash(password)

        def change() -> User:
            org_id = organization_named(org).id if org else None
            return create_user(
                email=email,
                name=name or email.split("@")[0],
                role=role,
                password_hash=password_hash,
                organization_id=org_id,
            )

        user = write(plain(change), None, batched=False)
    except DomainError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"added {user.role} {user.email} (id {user.id})")


@app.command()
def demo(
    tickets: Annotated[int, typer.Option(help="How many tickets to invent.")] = 400,
    password: Annotated[str, typer.Option(help="Password of every demo account.")] = DEMO_PASSWORD,
) -> None:
    """Fill an empty database with a realistic hosting company's helpdesk."""
    from server.ops.demo import seed
    from server.storage.db import bind
    from server.storage.migrations import migrate

    settings = Settings.from_env()
    bind(settings.resolved_database_url)
    migrate()
    try:
        summary = seed(settings, tickets=tickets, password=password)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(summary)


@app.command()
def backup(path: Annotated[Path, typer.Argument(help="Where to write the copy.")]) -> None:
    """Write a consistent copy of the live SQLite database (pg_dump for PostgreSQL)."""
    from server.ops.backup import backup_database

    settings = Settings.from_env()
    try:
        typer.echo(backup_database(settings.resolved_database_url, path))
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


@app.command("copy-to")
def copy_to_command(
    target: Annotated[str, typer.Argument(help="The empty PostgreSQL database: postgresql://...")],
    source: Annotated[
        str | None,
        typer.Option("--from", help="The SQLite database (default: this server's database)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    batch: Annotated[int, typer.Option(help="Rows read and written at a time.", min=1)] = 5_000,
) -> None:
    """Copy this SQLite installation, whole and verified, into an empty PostgreSQL database.

    The SQLite file is only read. Stop the server first: writes after the copy
    began are not in it. Exit codes: 65 the copy did not verify or PostgreSQL
    refused a row, 66 no source, 73 the target is not empty, 75 PostgreSQL not
    reachable, 78 wrong URL or the source's schema is not current.
    """
    import json

    from server.ops.copy_to import CopyRefused, copy_to
    from server.ops.copy_words import TerminalProgress, describe

    url = source or Settings.from_env().resolved_database_url
    progress = TerminalProgress(sys.stderr) if sys.stderr.isatty() and not as_json else None
    try:
        report = copy_to(url, target, batch=batch, **({"progress": progress} if progress else {}))
    except CopyRefused as exc:
        typer.echo(f"padcom-server copy-to: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    typer.echo(json.dumps(report.as_dict(), indent=2) if as_json else describe(report))


@app.command("mail-in")
def mail_in_command() -> None:
    """Take one mail (RFC 5322) on standard input: for an MTA's pipe transport.

    A known customer's mail files a ticket or, answering one of ours, replies on
    it; an unknown sender's waits in staff triage. Exit codes: 0 taken (also
    when ignored or refused, with the reason kept), 65 no mail at all, 75
    temporary failure (the MTA retries).
    """
    from server.live.mail_intake import DATA_ERROR, MAX_MAIL_BYTES, describe, take
    from server.ops.startup import exit_unless_ready

    raw = sys.stdin.buffer.read(MAX_MAIL_BYTES + 1)
    if not raw.strip():
        typer.echo("padcom-server mail-in: no mail on standard input", err=True)
        raise typer.Exit(DATA_ERROR)
    settings = Settings.from_env()
    exit_unless_ready(settings)  # 75 when the database is not reachable: the MTA retries
    code, outcome = take(raw[:MAX_MAIL_BYTES], settings)
    typer.echo(describe(outcome), err=code != 0)
    raise typer.Exit(code)


def main() -> None:
    app()
