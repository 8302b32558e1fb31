"""Running wrk with a Lua script and reading its answer: req/s, p50, p99, errors."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "wrk is not installed: apt-get install -y wrk (or brew install wrk)"
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Result:
    """One wrk run, latencies in milliseconds."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def require_wrk() -> str:
    """The path of wrk; raises SystemExit with how to install it when missing."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(INSTALL_HINT)
    return found


def lua_request(method: str, path_expr: str, token: str, body: str | None = None) -> str:
    """A wrk script sending ``method`` to the Lua expression ``path_expr`` with a bearer token."""
    headers = f'{{["Authorization"] = "Bearer {token}", ["Content-Type"] = "application/json"}}'
    body_lua = "nil" if body is None else "[==[" + body + "]==]"
    return (
        f"local headers = {headers}\n"
        f"local body = {body_lua}\n"
        "math.randomseed(os.time())\n"
        "request = function()\n"
        f'  return wrk.format("{method}", {path_expr}, headers, body)\n'
        "end\n"
    )


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not found:
        raise ValueError(f"cannot read wrk latency {text!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def parse(output: str) -> Result:
    """The numbers of wrk's ``--latency`` report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses:\s+(\d+)", r"Socket errors:.*?timeout (\d+)"):
        found = re.search(pattern, output)
        errors += int(found.group(1)) if found else 0
    return Result(rps, p50, p99, errors)


def run(url: str, script: Path, *, connections: int, seconds: int, threads: int = 1) -> Result:
    """wrk against ``url`` for ``seconds`` (bounded; loopback only by the caller's choice)."""
    output = subprocess.run(
        [
            require_wrk(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "5s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    return parse(output)
