"""An operator imports where each customer's services run: state, server, IPs, host names.

On both databases, through the installed ``padcom-server import``. Billing
suspends a customer and moves another to a new server: the dry run says so line
by line and writes nothing, the run changes exactly that, the next run nothing.
A bad value (an unknown state, an address that is none) refuses the file with
the line at fault, and nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.operator import operator_env, run_server_command

HEADER = (
    "customer_number,organization,email,name,service_kind,service_label,"
    "service_state,service_server,service_datacenter,service_ips,service_hostnames\n"
)
BILLING = (
    "C1,Bäckerei Huber,anna@huber.example,Anna Schmidt,webhosting,huber-backt.de,"
    'active,web-07,FRA-1,"203.0.113.7, 2001:DB8::7",huber-backt.de www.huber-backt.de\n'
    "C1,Bäckerei Huber,anna@huber.example,Anna Schmidt,domain,huber-backt.de,,,,,\n"
    "C2,Nordlicht Media,jonas@nordlicht.example,Jonas Becker,vps,vps2.nordlicht.example,"
    "active,kvm-03,FRA-1,198.51.100.2,vps2.nordlicht.example\n"
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    with operator_env(request.param, tmp_path) as values:
        yield values


def _file(path: Path, rows: str) -> Path:
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _import(env: dict[str, str], path: Path, *options: str) -> dict[str, Any]:
    done = run_server_command(env, "import", str(path), "--json", *options)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def _services(env: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    listed = run_server_command(env, "service", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return {(s["kind"], s["label"]): s for s in json.loads(listed.stdout)}


def test_where_services_run_comes_from_billing_and_a_change_only_once(
    env: dict[str, str], tmp_path: Path
) -> None:
    first = _import(env, _file(tmp_path / "day1.csv", BILLING))
    assert first["services"] == {"added": 3, "changed": 0, "unchanged": 0}
    assert (
        "add service webhosting huber-backt.de to C1 (datacenter FRA-1, state active, "
        "server web-07, ips 203.0.113.7 2001:db8::7, hostnames huber-backt.de "
        "www.huber-backt.de)"
    ) in first["changes"]
    services = _services(env)
    hosting = services[("webhosting", "huber-backt.de")]
    assert (hosting["state"], hosting["server"], hosting["datacenter"]) == (
        "active", "web-07", "FRA-1"
    )  # fmt: skip
    assert hosting["ips"] == ["203.0.113.7", "2001:db8::7"]
    assert hosting["hostnames"] == ["huber-backt.de", "www.huber-backt.de"]
    domain = services[("domain", "huber-backt.de")]  # the same label, another service
    assert (domain["state"], domain["server"], domain["ips"]) == ("active", "", [])
    on_web07 = run_server_command(env, "service", "list", "--server", "web-07", "--json")
    assert [s["label"] for s in json.loads(on_web07.stdout)] == ["huber-backt.de"]
    assert _import(env, tmp_path / "day1.csv")["changes"] == []

    day2 = _file(
        tmp_path / "day2.csv",
        BILLING.replace("active,web-07", "suspended,web-09").replace(
            "vps2.nordlicht.example,active", "vps2.nordlicht.example,cancelled"
        ),
    )
    dry = run_server_command(env, "import", str(day2), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert (
        "would change service webhosting huber-backt.de of C1: "
        "state active -> suspended, server web-07 -> web-09"
    ) in dry.stdout
    assert "would change service vps vps2.nordlicht.example of C2: state active -> cancelled" in (
        dry.stdout
    )
    assert "services: 0 added, 2 changed, 1 unchanged" in dry.stdout
    assert _services(env)[("webhosting", "huber-backt.de")]["state"] == "active"  # dry
    second = _import(env, day2)
    assert second["services"] == {"added": 0, "changed": 2, "unchanged": 1}
    moved = _services(env)[("webhosting", "huber-backt.de")]
    assert (moved["state"], moved["server"]) == ("suspended", "web-09")
    assert _import(env, day2)["changes"] == []

    quiet = _file(tmp_path / "day3.csv", BILLING.replace("active,web-07", ",web-09"))
    assert _import(env, quiet)["changes"] == [
        "change service vps vps2.nordlicht.example of C2: state cancelled -> active"
    ]  # an empty state leaves the suspension alone; the file's "active" wakes the VPS
    assert _services(env)[("webhosting", "huber-backt.de")]["state"] == "suspended"


def test_bad_hosting_values_refuse_the_file_with_their_lines_and_change_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    _import(env, _file(tmp_path / "good.csv", BILLING))
    before = _services(env)
    bad = _file(
        tmp_path / "bad.csv",
        BILLING.replace("active,web-07", "suspended,web-09")  # a good change, never applied
        + "C3,Gamma,gamma@example.com,Ga,vps,vps3,paused,kvm-03,FRA-1,,\n"
        + 'C4,Delta,delta@example.com,De,vps,vps4,active,kvm-03,FRA-1,"198.51.100.4\n'
        + '203.0.113.300",\n'
        + "C5,Epsilon,eps@example.com,Ep,vps,vps5,active,kvm 03,FRA-1,,bad_host!.example\n"
        + "C6,Zeta,zeta@example.com,Ze,,,suspended,,,,\n"
        + "C2,Nordlicht Media,kim@nordlicht.example,Kim,vps,vps2.nordlicht.example,"
        + "suspended,kvm-03,FRA-1,198.51.100.2,vps2.nordlicht.example\n",
    )
    done = run_server_command(env, "import", str(bad), "--dry-run")
    assert done.returncode == 65
    problems = done.stderr.splitlines()
    assert (
        "padcom-server import: line 5: service_state 'paused': "
        "state must be one of active, suspended, cancelled"
    ) in problems
    assert (
        "padcom-server import: line 6: service_ips '198.51.100.4\\n203.0.113.300': "
        "ips: '203.0.113.300' does not appear to be an IPv4 or IPv6 address"
    ) in problems  # the row starts on line 6; its quoted cell spans two
    assert (
        "padcom-server import: line 8: service_server 'kvm 03': server must be a name of "
        "letters, digits, '.', '_' or '-' (such as web-07)"
    ) in problems
    assert (
        "padcom-server import: line 8: service_hostnames 'bad_host!.example': "
        "not a hostname: 'bad_host!.example'"
    ) in problems
    assert "padcom-server import: line 9: a service needs service_kind" in problems
    assert (
        "padcom-server import: line 10: service vps vps2.nordlicht.example of customer C2 "
        "differs from line 4"
    ) in problems
    assert len(problems) == 7
    assert run_server_command(env, "import", str(bad)).returncode == 65
    assert _services(env) == before  # not even the good change on line 2
    orgs = json.loads(run_server_command(env, "org", "list", "--json").stdout)
    assert sorted(o["customer_number"] for o in orgs) == ["C1", "C2"]
