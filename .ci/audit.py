"""Known vulnerabilities in the locked dependencies, via pip-audit; offline-tolerant.

A vulnerability found fails CI: that is the point of the check. A vulnerability
database that cannot be reached (no network, a registry mirror without the
vulnerability API, a timeout) only warns, loudly, with how many packages went
unaudited: an outage elsewhere must not block every merge, and "no known
vulnerabilities" must never be printed when nothing was actually checked.
Run as ``.venv/bin/python .ci/audit.py`` from the repository root.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 180


def main() -> int:
    audit = Path(sys.executable).parent / "pip-audit"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        command = [
            str(audit),
            "-r",
            "requirements.lock",
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(report),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
            found = json.loads(report.read_text())
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            print(
                f"WARNING: dependency audit not run: the vulnerability database was not reachable ({type(exc).__name__})"
            )
            return 0
    deps = found.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    for dep in vulnerable:
        ids = ", ".join(v["id"] for v in dep["vulns"])
        print(f"VULNERABLE: {dep['name']} {dep.get('version', '')}: {ids}")
    if vulnerable:
        return 1
    if skipped:
        print(
            f"WARNING: {len(skipped)} of {len(deps)} locked packages could not be audited "
            f"(e.g. {skipped[0]['name']}: {skipped[0]['skip_reason']})"
        )
    else:
        print(f"dependency audit: {len(deps)} locked packages, no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
