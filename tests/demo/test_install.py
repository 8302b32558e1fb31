"""Installing the checkout (``make install``'s editable install) prints no warning box."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = "from setuptools import build_meta; print(build_meta.build_editable(sys.argv[1]))"


def test_the_editable_install_builds_without_a_warning(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-W", "always", "-c", f"import sys; {BUILD}", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    wheel = done.stdout.strip().splitlines()[-1]
    assert (tmp_path / wheel).exists()
    assert "Warning" not in done.stderr and "!!" not in done.stderr, done.stderr
