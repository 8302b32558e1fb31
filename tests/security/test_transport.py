"""TLS: ``padcom-server serve --ssl-certfile/--ssl-keyfile`` serves HTTPS with HSTS, and
plain HTTP off loopback is warned about."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from server.serving.transport import plaintext_warning
from tests.support.databases import sqlite_url
from tests.support.process import ServerProcess

SERVER = str(Path(sys.executable).parent / "padcom-server")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate")
def test_serve_with_a_certificate_speaks_https_with_hsts(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    extra = ("--ssl-certfile", str(cert), "--ssl-keyfile", str(key))
    server = ServerProcess(sqlite_url(tmp_path), tmp_path, tmp_path / "log", extra=extra).start()
    try:
        trusted = ssl.create_default_context(cafile=str(cert))
        reply = httpx.get(f"{server.url}/api/v1/me", verify=trusted)
        assert reply.status_code == 401
        assert reply.headers["strict-transport-security"].startswith("max-age=")
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"http://127.0.0.1:{server.port}/api/v1/me")
        assert "without TLS" not in (tmp_path / "log").read_text()
    finally:
        server.stop()


def test_a_certificate_without_its_key_is_a_usage_error(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not used")
    done = subprocess.run(
        [SERVER, "serve", "--ssl-certfile", str(cert)], capture_output=True, timeout=60
    )
    assert done.returncode == 2
    assert b"go together" in done.stderr


@pytest.mark.parametrize(
    ("host", "tls", "warned"),
    [
        ("127.0.0.1", False, False),
        ("::1", False, False),
        ("localhost", False, False),
        ("0.0.0.0", False, True),  # noqa: S104 - the address under test, not bound
        ("192.0.2.10", False, True),
        ("padcom.example.com", False, True),
        ("0.0.0.0", True, False),  # noqa: S104
    ],
)
def test_plain_http_off_loopback_is_warned_about(host: str, tls: bool, warned: bool) -> None:
    warning = plaintext_warning(host, tls)
    assert (warning is not None) == warned
    if warning:
        assert "without TLS" in warning and "--ssl-certfile" in warning
