"""The samlcheck command line: a thin Typer app; each command lives in its own module."""

from __future__ import annotations

import io
import sys
from typing import Annotated

import typer

from samlcheck.cli.common import EXIT_BUG, EXIT_CODES, bug_line

app = typer.Typer(
    name="samlcheck",
    help="Predict the exact error AWS returns for a SAML sign-in, metadata upload or key, "
    "with the evidence and the fix. Nothing leaves this machine.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from samlcheck import __version__

        typer.echo(f"samlcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Predict the exact error AWS returns for a SAML sign-in, metadata upload or key."""


def _register() -> None:
    from samlcheck.cli import (  # noqa: F401  (each adds its command to `app`)
        check,
        decode,
        explain,
        keys,
        metadata,
        provider,
    )


def main() -> None:
    """Console-script entry point.

    A usage error (unknown option, bad value, missing argument) is one line on stderr and exit 2,
    like input that cannot be read, instead of click's usage block and framed message. Any other
    exception is a samlcheck bug: one line and exit 3, never the 0 or 1 of a verdict.
    """
    _register()
    for stream in (sys.stdout, sys.stderr):  # a cp1252 console shows \u2192 rather than failing
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as error:  # click's UsageError, BadParameter, NoSuchOption ...
        if type(error).__name__ != "NoArgsIsHelpError":  # that one has printed the help
            sys.stderr.write(_usage_line(error) + "\n")
        raise SystemExit(error.exit_code) from None
    except typer.Exit as done:
        raise SystemExit(done.exit_code) from None
    except Exception as error:  # outside any command: still a bug, not a verdict
        sys.stderr.write(bug_line(error))
        raise SystemExit(EXIT_BUG) from None
    raise SystemExit(code if isinstance(code, int) else 0)


def _usage_line(error: typer.TyperException) -> str:
    """'samlcheck: check: No such option: --bogus. Try 'samlcheck check --help'.'"""
    context = getattr(error, "ctx", None)
    names: list[str] = []
    while context is not None and context.parent is not None:
        names.insert(0, context.info_name or "")
        context = context.parent
    where = f"{' '.join(names)}: " if names else ""
    from samlcheck.render.safe import visible

    message = visible(" ".join(error.format_message().split()))
    end = "" if message.endswith((".", "?", "!")) else "."
    return f"samlcheck: {where}{message}{end} Try 'samlcheck {' '.join([*names, '--help'])}'."
