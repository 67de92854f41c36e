"""What every command shares: the output option, rendering, exit codes and input errors."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import sys
from collections.abc import Callable
from typing import Annotated, NoReturn, ParamSpec, TypeVar

import typer

from samlcheck.errors import InputError
from samlcheck.report import Report


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="Output format: text (for people) or json (stable, with a JSON Schema).",
    ),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show a traceback when input cannot be read.")
]

EXIT_ACCEPTED, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2

P = ParamSpec("P")
R = TypeVar("R")


def instant(value: str | None) -> dt.datetime | None:
    """--at: an ISO 8601 instant ('Z' or 'z' for UTC; no zone means UTC), in UTC; None if absent."""
    if value is None:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        return parsed.astimezone(dt.timezone.utc)
    except ValueError:
        problem = "is not an ISO 8601 instant"
    except OverflowError:  # 0001-01-01T00:00:00+14:00 is before year 1 in UTC
        problem = "falls outside years 1 to 9999 once in UTC"
    raise InputError("--at", f"{value!r} {problem}", "Use e.g. 2026-01-15T12:01:00Z.")


def emit(report: Report, fmt: OutputFormat | str, *, strict: bool = False) -> NoReturn:
    """Print the rendered report and exit 0 (AWS accepts everything) or 1 (it rejects some;
    with `strict`, also when samlcheck could not judge everything)."""
    from samlcheck.render import render

    name = OutputFormat(fmt).value
    sys.stdout.write(render(report, name, color=name == "text" and sys.stdout.isatty()))
    raise typer.Exit(report.exit_code(strict))


def fail(error: InputError) -> NoReturn:
    """One clear line on stderr and exit 2."""
    sys.stderr.write(f"samlcheck: {error.line}\n")
    raise typer.Exit(EXIT_UNREADABLE)


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """Turn an InputError raised by `command` into exit 2 (a traceback only with --debug)."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            if kwargs.get("debug"):
                raise
            fail(error)

    return run
