"""How long `padcom` takes as a whole process, against a local server, next to Python's floor.

Run: .venv/bin/python bench/cli_startup.py [--runs 30]
Needs hyperfine (apt-get install -y hyperfine). Seeds a throw-away demo
database in a temp directory, serves it on a free loopback port, signs in as
the demo customer, compiles padcom_cli's bytecode (as installing does), then
times `python -c pass`, `padcom --help`, `padcom ticket show N` and
`padcom ticket show N --json`. Goals: --help
<= 100 ms, ticket show <= 150 ms. "cpu" is user+system time of the process,
which a busy machine inflates less than the wall time.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import padcom_cli
from tests.support.process import ServerProcess

BIN = Path(sys.executable).parent
GOALS_MS = {"padcom --help": 100.0, "padcom ticket show N": 150.0}


def hyperfine(
    commands: dict[str, str], runs: int, env: dict[str, str]
) -> dict[str, dict[str, float]]:
    """Mean, stddev and min (ms) per command label."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        argv = ["hyperfine", "-N", "--warmup", "3", "--runs", str(runs), "--export-json", out.name]
        for label, command in commands.items():
            argv += ["-n", label, command]
        subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
        results = json.loads(Path(out.name).read_text())["results"]
    return {
        r["command"]: {
            **{k: r[k] * 1000 for k in ("mean", "stddev", "min", "median")},
            "cpu": (r["user"] + r["system"]) * 1000,
        }
        for r in results
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if not shutil.which("hyperfine"):
        raise SystemExit("hyperfine is missing: apt-get install -y hyperfine")
    # pip compiles an installed package's bytecode; an editable checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would compile padcom_cli from source in every run.
    compileall.compile_dir(Path(padcom_cli.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory(prefix="padcom-bench-") as folder:
        env = dict(os.environ, PADCOM_DATA_DIR=f"{folder}/data", PADCOM_CONFIG=f"{folder}/c.toml")
        env.pop("PADCOM_TOKEN", None)
        subprocess.run(
            [BIN / "padcom-server", "demo", "--tickets", "30"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        server = ServerProcess(None, Path(folder) / "data", Path(folder) / "server.log", env=env)
        env["PADCOM_URL"] = server.url
        server.start(timeout=20)
        try:
            padcom = str(BIN / "padcom")
            subprocess.run(
                [padcom, "login", "--email", "customer@padcom.test", "--password-stdin"],
                input="padcom-demo-2026\n",
                text=True,
                check=True,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            listing = subprocess.run(
                [padcom, "ticket", "list", "--all", "--limit", "1", "--json"],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            number = json.loads(listing.stdout)[0]["number"]
            results = hyperfine(
                {
                    "python -c pass": f"{sys.executable} -c pass",
                    "padcom --help": f"{padcom} --help",
                    "padcom ticket show N": f"{padcom} ticket show {number}",
                    "padcom ticket show N --json": f"{padcom} ticket show {number} --json",
                },
                args.runs,
                env,
            )
        finally:
            server.stop()
    floor = results["python -c pass"]["mean"]
    load = os.getloadavg()[0]
    print(f"load average {load:.2f} on {os.cpu_count()} CPUs (a busy box inflates wall times)")
    print(
        f"{'command':28} {'mean':>9} {'± sd':>8} {'min':>8} {'cpu':>8} {'x floor':>8}  goal (mean)"
    )
    for label, r in results.items():
        goal = GOALS_MS.get(label)
        verdict = (
            "" if goal is None else f"<= {goal:.0f} ms {'ok' if r['mean'] <= goal else 'MISSED'}"
        )
        print(
            f"{label:28} {r['mean']:7.1f}ms {r['stddev']:6.1f}ms {r['min']:6.1f}ms "
            f"{r['cpu']:6.1f}ms {r['mean'] / floor:7.1f}x  {verdict}"
        )


if __name__ == "__main__":
    main()
