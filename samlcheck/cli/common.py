"""What every command shares: the output option, rendering, exit codes and input errors."""

from __future__ import annotations

import contextvars
import enum
import functools
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, ParamSpec, TypeVar

import typer

from samlcheck._internal.errors import InputError

if TYPE_CHECKING:
    from samlcheck._internal.report import Report


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"
    junit = "junit"
    sarif = "sarif"
    github = "github"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="Output format: text (for people), json (stable, with a JSON Schema), or for CI: "
        "junit (test reporters), sarif (code scanning), github (workflow annotations).",
    ),
]


class DataFormat(str, enum.Enum):
    """For commands that report no verdict (decode, explain): text or JSON only."""

    text = "text"
    json = "json"


DataFormatOption = Annotated[
    DataFormat,
    typer.Option(
        "--format",
        "-f",
        help="Output format: text (for people) or json (stable, with a JSON Schema).",
    ),
]
DebugOption = Annotated[
    bool,
    typer.Option(
        "--debug", help="Show the traceback when input cannot be read or samlcheck fails."
    ),
]

EXIT_ACCEPTED, EXIT_REJECTED, EXIT_UNREADABLE, EXIT_BUG = 0, 1, 2, 3
EXIT_CODES = (
    "Exit codes: 0 AWS would accept every input; 1 it would reject one (with --strict, also: "
    "something could not be judged); 2 an input cannot be read; 3 samlcheck failed (a bug)."
)

_INPUT: contextvars.ContextVar[str] = contextvars.ContextVar("samlcheck_input", default="")

P = ParamSpec("P")
R = TypeVar("R")


def colors_wanted() -> bool:
    """Colours on a terminal, unless NO_COLOR is set to anything (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def emit(
    report: Report,
    fmt: OutputFormat | str,
    *,
    strict: bool = False,
    verbose: bool = False,
    quiet: bool = False,
    command: str = "samlcheck",
) -> NoReturn:
    """Print the rendered report and exit 0 (AWS accepts everything) or 1 (it rejects some;
    with `strict`, also when samlcheck could not judge everything; `quiet` text shows only the
    rejections and the summary line). `command` names the run (the JUnit testsuite)."""
    from samlcheck._internal.render import render

    name = OutputFormat(fmt).value
    color = name == "text" and colors_wanted()
    sys.stdout.write(render(report, name, color=color, verbose=verbose, quiet=quiet, title=command))
    raise typer.Exit(report.exit_code(strict))


def fail(error: InputError) -> NoReturn:
    """One clear line on stderr and exit 2."""
    from samlcheck._internal.render.safe import visible

    sys.stderr.write(f"samlcheck: {visible(error.line)}\n")
    raise typer.Exit(EXIT_UNREADABLE)


@contextmanager
def reading(source: str) -> Iterator[None]:
    """Name `source` as the input being read, for the message if samlcheck fails on it."""
    token = _INPUT.set(source)
    yield  # on an exception the name stays set: guarded() reports it
    _INPUT.reset(token)


def _first_input(values: dict[str, object]) -> str:
    """The command's first file or text argument: the input a failure is blamed on by default."""
    for value in values.values():
        items = value if isinstance(value, list) else [value]
        names = [
            str(v) for v in items if isinstance(v, (str, Path)) and not isinstance(v, enum.Enum)
        ]
        if names:
            return " ".join(names)
    return "the command line"


def bug_line(error: BaseException) -> str:
    """The one line that says samlcheck failed on an input: a bug, not a verdict."""
    from samlcheck._internal.render.safe import visible

    detail = visible(" ".join(f"{type(error).__name__}: {error}".split())[:300])
    source = visible(_INPUT.get()[:200]) or "the input"
    return (
        f"samlcheck: {source}: samlcheck failed ({detail}). This is a samlcheck bug, "
        "not a verdict on the input: run again with --debug for the traceback and report it.\n"
    )


def bug(error: BaseException) -> NoReturn:
    sys.stderr.write(bug_line(error))
    raise typer.Exit(EXIT_BUG)


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """Turn an InputError raised by `command` into exit 2 and any other exception into exit 3
    (with --debug, after the traceback)."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        debug = bool(kwargs.get("debug"))
        token = _INPUT.set(_first_input(dict(kwargs)))
        try:
            return command(*args, **kwargs)
        except InputError as error:
            if debug:
                traceback.print_exc()
            fail(error)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as error:  # any other exception is a samlcheck bug
            if debug:
                traceback.print_exc()
            bug(error)
        finally:
            _INPUT.reset(token)

    return run
