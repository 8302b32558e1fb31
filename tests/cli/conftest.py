"""Running ``padcom`` in tests: in-process through Typer's CliRunner (stdout and
stderr apart), signed in as someone of the module's live server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from padcom_cli.app import app
from tests.support.live import Live, Person

Padcom = Callable[..., Result]


@pytest.fixture
def padcom(live: Live) -> Padcom:
    """``padcom(*args, as_=person, input=..., env=...)`` against the live server."""

    def run(*args: str, as_: Person | None = None, input: str | None = None, **env: Any) -> Result:
        environment = {"PADCOM_URL": live.url}
        if as_ is not None:
            environment["PADCOM_TOKEN"] = as_.token
        environment.update(env)
        return CliRunner().invoke(app, list(args), input=input, env=environment)

    return run
