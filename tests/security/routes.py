"""The API's routes as the app itself lists them, and the access level each declares.

Both come from the running app, not from a list kept by hand: a new endpoint
shows up here the moment it is included, and its level is read from the
authentication dependency it asks for (``current_user``, ``staff_user``,
``admin_user``, or none at all).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from server.http import deps

LEVEL_OF = {deps.current_user: "user", deps.staff_user: "staff", deps.admin_user: "admin"}
RANK = {"public": 0, "user": 1, "staff": 2, "admin": 3}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    level: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def _calls(dependant: Any) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _level(dependant: Any, extra: list[Any]) -> str:
    calls = [*_calls(dependant), *(d.dependency for d in extra)]
    levels = [LEVEL_OF[c] for c in calls if c in LEVEL_OF]
    return max(levels, key=RANK.__getitem__, default="public")


def _walk(routes: list[Any], prefix: str, extra: list[Any]) -> Iterator[Route]:
    for route in routes:
        context = getattr(route, "include_context", None)
        if context is not None:  # an included router (FastAPI >= 0.16x keeps them nested)
            yield from _walk(
                route.original_router.routes,
                prefix + context.prefix,
                [*extra, *context.dependencies],
            )
        elif isinstance(route, APIRoute):
            level = _level(route.dependant, [*extra, *route.dependencies])
            for method in sorted(route.methods or ()):
                yield Route(method, prefix + route.path, level)


def api_routes(app: FastAPI) -> list[Route]:
    """Every API route of ``app`` (method by method) with its declared access level."""
    return sorted(_walk(list(app.router.routes), "", []), key=lambda r: r.key)
