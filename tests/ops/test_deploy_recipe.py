"""The deploy recipe in ``deploy/`` is one an operator can install as it stands.

haproxy itself checks the balancer sample (``haproxy -c``, with a throw-away
certificate where the sample expects the real one), and systemd checks the
unit (``systemd-analyze verify``, which only warns about a bad line, so its
output must be clean), besides a reading of the unit for the settings that
matter: the whole process group stops, every instance reads its environment.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNIT = DEPLOY / "padcom@.service"
SERVER = Path(sys.executable).parent / "padcom-server"


def _tool(name: str) -> str:
    found = shutil.which(name) or (
        f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None
    )
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{name} is not installed (CI=true)")
        pytest.skip(f"{name} is not installed")
    return found


def _certificate(directory: Path) -> Path:
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=padcom.test", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    both = directory / "padcom.pem"
    both.write_bytes(cert.read_bytes() + key.read_bytes())
    return both


def test_haproxy_accepts_the_balancer_sample(tmp_path: Path) -> None:
    sample = (DEPLOY / "haproxy.cfg").read_text()
    for wanted in ("option redispatch", "uri /readyz", "timeout tunnel", "ssl crt", "leastconn"):
        assert wanted in sample, wanted
    config = tmp_path / "haproxy.cfg"
    config.write_text(sample.replace("/etc/haproxy/certs/padcom.pem", str(_certificate(tmp_path))))
    checked = subprocess.run(
        [_tool("haproxy"), "-c", "-f", str(config)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_unit_stops_the_process_group_and_reads_each_instance_environment() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(UNIT)
    service = unit["Service"]
    assert service["KillMode"] == "control-group"
    assert service["ExecStart"].split()[1:3] == ["serve", "--host"]
    assert "/etc/padcom/%i.env" in UNIT.read_text()
    assert service["RestartPreventExitStatus"] == "78"
    env = (DEPLOY / "padcom.env").read_text()
    for name in ("PADCOM_DATABASE_URL=", "PADCOM_TRUSTED_PROXIES=", "PADCOM_DB_POOL_SIZE="):
        assert name in env, name


def test_systemd_finds_nothing_wrong_with_the_unit(tmp_path: Path) -> None:
    verify = _tool("systemd-analyze")
    instance = tmp_path / "padcom@a.service"  # a template is verified as one of its instances
    instance.write_text(
        UNIT.read_text().replace("/opt/padcom/.venv/bin/padcom-server", str(SERVER))
    )
    checked = subprocess.run([verify, "verify", str(instance)], capture_output=True, text=True)
    complaints = [
        line for line in (checked.stdout + checked.stderr).splitlines() if instance.name in line
    ]
    assert checked.returncode == 0 and not complaints, complaints or checked.stderr
