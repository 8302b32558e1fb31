"""An operator who mistypes a connection limit is told which one, and nothing starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.ports import taken_port

SERVER = str(Path(sys.executable).parent / "padcom-server")


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("PADCOM_MAX_CONNECTIONS", "lots", "PADCOM_MAX_CONNECTIONS must be a number, not 'lots'"),
        ("PADCOM_HEADER_TIMEOUT_SECONDS", "0", "PADCOM_HEADER_TIMEOUT_SECONDS must be positive"),
        ("PADCOM_MAX_HEAD_BYTES", "-1", "PADCOM_MAX_HEAD_BYTES must be positive"),
        ("PADCOM_SHUTDOWN_GRACE_SECONDS", "5s", "must be a number, not '5s'"),
    ],
)
def test_a_bad_limit_is_a_usage_error_naming_the_variable(
    variable: str, value: str, said: str, tmp_path: Path
) -> None:
    env = dict(os.environ, PADCOM_DATA_DIR=str(tmp_path), **{variable: value})
    with taken_port() as port:  # were the limit ignored, serve would fail here, not hang
        done = subprocess.run(
            [SERVER, "serve", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2, done.stderr
    assert said in done.stderr
    assert not (tmp_path / "padcom.db").exists(), "nothing may start with a bad limit"
