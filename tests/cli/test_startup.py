"""What ``padcom`` imports to start: the heavy libraries only when a command needs them.

Times are measured by bench/cli_startup.py; this test guards the causes (an
import creeping back in), which do not depend on how busy the machine is.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "pydantic",
    "rich",
    "httpx",
    "httpcore",
    "typer",
    "textual",
    "peewee",
    "fastapi",
    "padcom_cli.commands",
)

PROBE = """
import json, sys
sys.argv = ["padcom", *json.loads(sys.argv[1])]
from padcom_cli.main import main
try:
    main()
except SystemExit:
    pass
sys.stdout = sys.__stdout__
print(json.dumps(sorted({m for m, mod in sys.modules.items() if mod is not None for h in %r if m == h or m.startswith(h + ".")})))
"""


def imported(*args: str, **env: str) -> set[str]:
    """The heavy modules a real ``padcom args`` process imported (its output swallowed)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE % (HEAVY,), json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", **env},
    )
    last = done.stdout.strip().splitlines()[-1]
    return {m.split(".")[0] if not m.startswith("padcom_cli") else m for m in json.loads(last)}


def test_help_imports_no_command_and_no_heavy_library() -> None:
    assert imported("--help") == set()
    assert imported("ticket", "--help") == {"typer"}


def test_a_json_command_needs_httpx_but_not_rich_or_pydantic() -> None:
    found = imported("ticket", "list", "--json", PADCOM_URL="http://127.0.0.1:9", PADCOM_TOKEN="x")
    assert "httpx" in found
    assert "padcom_cli.commands.ticket_view" in found
    assert not found & {"pydantic", "rich", "httpcore", "textual", "peewee", "fastapi"}
    assert "padcom_cli.commands.ticket_change" not in found


def test_ticket_show_runs_without_typer_or_httpcore() -> None:
    """The fast path (``padcom_cli.fastpath``) and the plain-HTTP transport at work."""
    for extra in ((), ("--json",), ("--history",)):
        found = imported(
            "ticket", "show", "7", *extra, PADCOM_URL="http://127.0.0.1:9", PADCOM_TOKEN="x"
        )
        assert found == {"httpx"}, extra


def test_an_unusual_ticket_show_still_goes_through_typer() -> None:
    assert "typer" in imported("ticket", "show", "7", "--json", "--json")
    assert "typer" in imported("ticket", "show", "--help")
