"""The layout stays readable: no module over 400 lines, no copy-paste twins in the packages.

A newcomer should find a rule, a route or a screen by file name and read it in
one sitting; a module that grows past ``MAX_LINES`` has taken a second job and is
split. Copy-paste twins (8 or more lines repeated) are found by pylint's
duplicate-code check (R0801), which ``make lint`` runs over the three packages
with the settings in pyproject.toml; the test below proves those settings catch
a twin of 8 lines and let 7 pass, so the check cannot quietly go blind.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("server", "padcom_cli", "padcom_tui")
MAX_LINES = 400


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_of_the_three_packages_is_over_400_lines() -> None:
    modules = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    assert len(modules) > 50, "the packages were not found"
    too_long = {
        str(path.relative_to(ROOT)): _lines(path) for path in modules if _lines(path) > MAX_LINES
    }
    assert too_long == {}, f"split these modules (over {MAX_LINES} lines): {too_long}"


def _twin_report(tmp_path: Path, shared_lines: int) -> subprocess.CompletedProcess[str]:
    """pylint, configured as ``make lint`` runs it, over two modules sharing ``shared_lines``."""
    package = tmp_path / "twins"
    package.mkdir()
    (package / "__init__.py").write_text("")
    shared = "".join(f"    total = total * {n} + value\n" for n in range(shared_lines))
    for k, name in enumerate(("first", "second")):  # only the shared lines are alike
        (package / f"{name}.py").write_text(
            f"def {name}(value: int) -> int:\n    total = {k}\n{shared}    return total - {k}\n"
        )
    return subprocess.run(
        [sys.executable, "-m", "pylint", "--rcfile", str(ROOT / "pyproject.toml"), str(package)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_the_twin_check_of_make_lint_reports_eight_repeated_lines(tmp_path: Path) -> None:
    found = _twin_report(tmp_path, 8)
    assert found.returncode != 0 and "R0801" in found.stdout, found.stdout + found.stderr


def test_the_twin_check_lets_seven_repeated_lines_pass(tmp_path: Path) -> None:
    found = _twin_report(tmp_path, 7)
    assert found.returncode == 0 and "R0801" not in found.stdout, found.stdout + found.stderr


def test_make_lint_runs_the_twin_check_over_the_three_packages() -> None:
    lint = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "pylint " + " ".join(PACKAGES) in lint, lint
