"""Option values read without pydantic: recent typer converts every value (even a plain string)
through a pydantic TypeAdapter, and importing pydantic plus building one adapter per parameter is
most of a cold command's start-up. samlcheck's parameters are strings, paths, whole numbers,
choices and lists of them: those are converted here exactly as typer would, with typer's own
helpers. Anything else, and any value that is not plainly valid, goes to typer's own conversion,
so every result and every error message stays typer's.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any, get_args

from typer import _coercion, core
from typer._click import Context
from typer._param_types import coerce_cli_choice, coerce_cli_path

_WHOLE = re.compile(r"-?[0-9]+", re.ASCII)


class _Typers(Exception):
    """A value the quick path leaves to typer's own conversion."""


def _element(annotation: Any, info: Any, value: Any, param: Any, ctx: Context) -> Any:
    """One value converted as typer's adapter would; _Typers for any other."""
    if info.parser is not None:
        raise _Typers
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        sensitive = info.case_sensitive
        return coerce_cli_choice(value, choices=list(annotation), case_sensitive=sensitive, ctx=ctx)
    if annotation is str and type(value) is str:
        return value
    if annotation is int and not info.clamp:
        return _whole(value, info.min, info.max)
    path = type(value) is str or isinstance(value, Path)
    if annotation is Path and info.path_type is None and path:
        return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
    raise _Typers


def _whole(value: Any, low: Any, high: Any) -> int:
    """A plain whole number within [low, high]; _Typers for any other value."""
    if type(value) is str and _WHOLE.fullmatch(value):
        value = int(value)
    if type(value) is not int or (low is not None and value < low):
        raise _Typers
    if high is not None and value > high:
        raise _Typers
    return value


class QuickParam(_coercion.RuntimeParam):
    """typer's runtime conversion of one parameter, pydantic only when a value needs it."""

    def __init__(self, descriptor: _coercion.TypeDescriptor) -> None:
        super().__init__(descriptor.parameter_info, descriptor.annotation)
        object.__setattr__(self, "descriptor", descriptor)

    descriptor: _coercion.TypeDescriptor

    @cached_property
    def typers(self) -> _coercion.RuntimeParam:
        """typer's own conversion (pydantic), built on first need."""
        return _coercion.build_runtime_param(self.descriptor)

    def _coerce_value(self, value: Any, param: Any, ctx: Context) -> Any:
        try:
            return self._quick(value, param, ctx)
        except Exception:  # not plainly valid: typer's conversion gives its result or error
            return self.typers._coerce_value(value, param, ctx)

    def _quick(self, value: Any, param: Any, ctx: Context) -> Any:
        annotation, info = self.annotation, self.parameter_info
        if self.descriptor.is_list and isinstance(value, (list, tuple)):
            (element,) = get_args(annotation)
            return [_element(element, info, item, param, ctx) for item in value]
        return _element(annotation, info, value, param, ctx)


def _build(descriptor: _coercion.TypeDescriptor) -> _coercion.RuntimeParam:
    if descriptor.is_file:
        return _coercion.build_runtime_param(descriptor)
    return QuickParam(descriptor)


def install() -> None:
    """Make typer's parameters convert values through QuickParam."""
    core.build_runtime_param = _build  # type: ignore[attr-defined]
