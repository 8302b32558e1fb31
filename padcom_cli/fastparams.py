"""Convert plain option values without pydantic, so a command starts ~130 ms sooner.

Typer 0.29 turns every non-flag argument into a pydantic ``TypeAdapter`` the
first time it is parsed: importing pydantic and building the adapters costs
more than everything else ``padcom ticket show 5`` does. Our options are only
``str``, ``int`` (with min/max), ``bool`` and ``StrEnum`` choices, which need no schema
engine; ``install`` gives those parameters a converter of ours and leaves any
other type to Typer. This reaches into Typer's ``get_runtime_param`` hook
(pinned version); ``tests/cli/test_startup.py`` fails if pydantic comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import typer
from typer._coercion import RuntimeParam
from typer.core import _TyperParameter
from typer.models import ArgumentInfo


@dataclass(frozen=True)
class PlainParam(RuntimeParam):
    """``str``, ``int`` within min/max, or an Enum member: checked like Click would."""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        kind = self.annotation
        if kind is str:
            return str(value)
        if kind is bool:
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        if isinstance(kind, type) and issubclass(kind, Enum):
            try:
                return value if isinstance(value, kind) else kind(value)
            except ValueError:
                choices = ", ".join(str(member.value) for member in kind)
                raise typer.BadParameter(f"{value!r} is not one of {choices}.") from None
        if isinstance(value, str) and value.startswith("#") and self._is_argument:
            value = value[1:]  # a ticket number as people write it: '#401' (the one int argument)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise typer.BadParameter(f"{value!r} is not a whole number.") from None
        low, high = self.parameter_info.min, self.parameter_info.max
        if (low is not None and number < low) or (high is not None and number > high):
            raise typer.BadParameter(f"{number} is not in the range {low}..{high}.")
        return number

    @property
    def _is_argument(self) -> bool:
        """A positional argument: in padcom the only int one is a ticket number (``options.Number``)."""
        return isinstance(self.parameter_info, ArgumentInfo)


def _plain(annotation: Any) -> bool:
    if annotation in (str, int, bool):
        return True
    return isinstance(annotation, type) and issubclass(annotation, Enum)


def install() -> None:
    """Make every Typer parameter of a plain type use ``PlainParam`` (idempotent)."""
    original = _TyperParameter.get_runtime_param
    if getattr(original, "padcom_fast", False):
        return

    def get_runtime_param(self: Any) -> RuntimeParam:
        descriptor = self.type_descriptor
        if (
            self._runtime_param is None
            and not self.multiple
            and self.nargs == 1
            and _plain(descriptor.annotation)
        ):
            self._runtime_param = PlainParam(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
            )
        return original(self)

    get_runtime_param.padcom_fast = True  # type: ignore[attr-defined]
    _TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]
