"""An operator imports 1,000 customers from billing twice: the second run changes nothing.

On both databases, through the installed ``padcom-server import``. A dry run
prints what would change and writes nothing; a bad file is refused whole with
the lines at fault; a change in billing (a renamed customer, a new plan) comes
through on the next run and only it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.operator import operator_env, run_server_command

COLUMNS = ["customer_number", "organization", "email", "name",
           "service_kind", "service_label", "service_plan", "service_datacenter"]  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    with operator_env(request.param, tmp_path) as values:
        yield values


def _billing(path: Path, customers: int, rename: int | None = None, plan: str = "VPS M") -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for i in range(customers):
            name = f"Kunde {i} GmbH" + (" & Co. KG" if i == rename else "")
            writer.writerow([f"B{i:05d}", name, f"Kontakt{i}@Kunde{i}.example", f"Kontakt {i}",
                             "vps", f"vps{i}.hosting.example", plan, "FRA1"])  # fmt: skip
    return path


def _import(env: dict[str, str], path: Path, *options: str) -> dict[str, Any]:
    done = run_server_command(env, "import", str(path), "--json", *options)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_a_thousand_customers_imported_twice_change_nothing_the_second_time(
    env: dict[str, str], tmp_path: Path
) -> None:
    export = _billing(tmp_path / "customers.csv", 1000)
    dry = _import(env, export, "--dry-run")
    assert dry["dry_run"] is True
    assert dry["organizations"] == {"added": 1000, "changed": 0, "unchanged": 0}
    assert len(dry["changes"]) == 3000
    first = _import(env, export)
    assert {k: first[k] for k in ("organizations", "contacts", "services")} == {
        "organizations": {"added": 1000, "changed": 0, "unchanged": 0},
        "contacts": {"added": 1000, "changed": 0, "unchanged": 0},
        "services": {"added": 1000, "changed": 0, "unchanged": 0},
    }  # the dry run wrote nothing: everything is still new
    second = _import(env, export)
    assert second["changes"] == []
    for part in ("organizations", "contacts", "services"):
        assert second[part] == {"added": 0, "changed": 0, "unchanged": 1000}
    listed = run_server_command(env, "user", "list", "--q", "kontakt999@", "--json")
    assert [
        (u["email"], u["organization"]["customer_number"]) for u in json.loads(listed.stdout)
    ] == [("kontakt999@kunde999.example", "B00999")]


def test_a_change_in_billing_comes_through_and_only_it(env: dict[str, str], tmp_path: Path) -> None:
    _import(env, _billing(tmp_path / "before.csv", 20))
    changed = _billing(tmp_path / "after.csv", 20, rename=7, plan="VPS L")
    dry = run_server_command(env, "import", str(changed), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would rename organization B00007: Kunde 7 GmbH -> Kunde 7 GmbH & Co. KG" in dry.stdout
    assert "dry run: nothing written" in dry.stdout
    report = _import(env, changed)
    assert report["organizations"] == {"added": 0, "changed": 1, "unchanged": 19}
    assert report["services"] == {"added": 0, "changed": 20, "unchanged": 0}
    assert _import(env, changed)["changes"] == []


def test_a_bad_file_is_refused_whole_with_the_lines_at_fault(
    env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "customer_number,organization,email,name,service_kind,service_label\n"
        "B1,Alpha,alpha@example.com,Al,vps,vps1\n"
        "B2,Beta,not-an-address,Be,,\n"
        "B3,Gamma,gamma@example.com,Ga,spaceship,ship1\n",
        encoding="utf-8",
    )
    done = run_server_command(env, "import", str(bad))
    assert done.returncode == 65
    assert "line 3: 'not-an-address' is not an email address" in done.stderr
    assert "line 4: service_kind 'spaceship'" in done.stderr
    listed = run_server_command(env, "org", "list", "--json")
    assert json.loads(listed.stdout) == []  # not even the good first line
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("customer_number,organization,email,name,colour\n", encoding="utf-8")
    assert "unknown column colour" in run_server_command(env, "import", str(unknown)).stderr
    assert run_server_command(env, "import", str(tmp_path / "missing.csv")).returncode == 66
