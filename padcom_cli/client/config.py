"""Where the client finds its server and token: flags, then environment, then the config file.

The file (``~/.config/padcom/config.toml`` or ``$PADCOM_CONFIG``) holds a bearer
token, so it is written atomically with mode 0600 and never made readable by others.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"


def config_path() -> Path:
    env = os.environ.get("PADCOM_CONFIG")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "padcom" / "config.toml"


@dataclass(frozen=True)
class ClientConfig:
    """The server to talk to and the token to use (None: not signed in)."""

    url: str = DEFAULT_URL
    token: str | None = None
    email: str | None = None
    insecure_url: str | None = None
    """The plain-http, non-loopback URL the user accepted with ``padcom login --insecure``."""

    @property
    def insecure_accepted(self) -> bool:
        """Whether the user accepted sending secrets in clear to ``url``."""
        return self.insecure_url is not None and self.insecure_url == self.url


def load_config() -> ClientConfig:
    """The file's values overridden by ``PADCOM_URL`` and ``PADCOM_TOKEN``."""
    stored: dict[str, object] = {}
    path = config_path()
    if path.exists():
        try:
            stored = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            stored = {}
    url = os.environ.get("PADCOM_URL") or str(stored.get("url") or DEFAULT_URL)
    token = os.environ.get("PADCOM_TOKEN") or (
        str(stored["token"]) if stored.get("token") else None
    )
    email = str(stored["email"]) if stored.get("email") else None
    insecure = str(stored["insecure_url"]) if stored.get("insecure_url") else None
    return ClientConfig(url=url.rstrip("/"), token=token, email=email, insecure_url=insecure)


def save_config(config: ClientConfig) -> Path:
    """Write the config file with mode 0600 (atomically: a crash leaves the old one)."""
    import tomli_w

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    values = {
        "url": config.url,
        "token": config.token,
        "email": config.email,
        "insecure_url": config.insecure_url,
    }
    data = {k: v for k, v in values.items() if v}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        tomli_w.dump(data, handle)
    os.replace(tmp, path)
    os.chmod(path, 0o600)
    return path


def forget_token() -> None:
    """Remove the token from the config file, keeping the URL and email."""
    current = load_config()
    if config_path().exists():
        save_config(
            ClientConfig(
                url=current.url, token=None, email=current.email, insecure_url=current.insecure_url
            )
        )
