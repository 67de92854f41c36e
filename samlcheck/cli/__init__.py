"""The samlcheck command line: a thin Typer app; each command lives in its own module."""

from __future__ import annotations

import importlib
import io
import sys
from pathlib import Path
from typing import Annotated, Any, get_args

import typer

from samlcheck.cli.common import EXIT_BUG, EXIT_CODES, bug_line

app = typer.Typer(
    name="samlcheck",
    help="Predict the exact error AWS returns for a SAML sign-in, metadata upload or key, "
    "with the evidence and the fix. Nothing leaves this machine.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help, as click prints it: rich costs --help ~70 ms to load
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


def _conventional_help() -> None:
    """Placeholders in --help as command lines write them (PATH, TEXT, INTEGER, [a|b], nothing
    for a flag, CAPTURE... for arguments), not Python types (<list[Path]>, <bool>, {captures}...).

    Recent typer prints the annotation and ignores `metavar` there; this teaches its parameter
    classes the convention once, for every command. Older typer (click's help) needs nothing.
    """
    from typer import core

    base, argument = getattr(core, "_TyperParameter", None), getattr(core, "TyperArgument", None)
    if base is None or argument is None or not hasattr(base, "display_type"):
        return

    def placeholder(param: Any, ctx: Any) -> str | None:
        if getattr(param, "is_flag", False) or isinstance(param, argument):
            return None  # a flag takes no value; an argument's name is its placeholder
        return _type_word(getattr(param, "type_descriptor", None))

    def name(param: Any) -> str:
        return str(param.metavar or param.name.upper())

    def usage_name(param: Any) -> str:
        shown = name(param)
        shown += "..." if param.nargs != 1 and not shown.endswith("...") else ""
        return shown if param.required else f"[{shown}]"

    base.display_type = placeholder
    if hasattr(argument, "_usage_display_name"):
        argument._usage_display_name = usage_name
        argument.display_name_raw = property(name)
    _whole_summaries(core)


def _whole_summaries(core: Any) -> None:
    """The command list of --help shows each command's first paragraph whole, wrapped, rather
    than cut at ~45 characters with '...' (click's plain help; rich's showed it whole)."""
    cut = core._click.Command.get_short_help_str

    def whole(command: Any, limit: int = 45) -> str:
        return str(cut(command, sys.maxsize))

    core.TyperCommand.get_short_help_str = core.TyperGroup.get_short_help_str = whole


def _type_word(descriptor: Any) -> str:
    """PATH, TEXT, INTEGER or [a|b] for a parameter's annotation (a list: its element)."""
    choices = getattr(descriptor, "choices", None)
    if choices:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in choices) + "]"
    annotation = getattr(descriptor, "annotation", None)
    element = (get_args(annotation) or (annotation,))[0]
    return {Path: "PATH", int: "INTEGER", float: "NUMBER"}.get(element, "TEXT")


def _quick_values() -> None:
    """Option values converted without pydantic where typer would use it (cli.coercion).
    Older typer (click's types) has no such layer and needs nothing."""
    try:
        from samlcheck.cli import coercion
    except ImportError:
        return
    coercion.install()


COMMANDS = ("check", "decode", "explain", "keys", "metadata", "provider", "role", "serve", "test")
"""The command modules (each adds the command of its name to `app`), in --help's order."""


def _register(command: str | None = None) -> None:
    """Add the commands to `app`: only `command` when it names one (a cold `samlcheck check` need
    not import and build the other eight), else every one."""
    _conventional_help()
    _quick_values()
    for name in [command] if command in COMMANDS else COMMANDS:
        importlib.import_module(f"samlcheck.cli.{name}")
    # the order of COMMANDS, whichever command came first in this process
    app.registered_commands.sort(key=lambda c: COMMANDS.index(_module_of(c.callback)))
    app.registered_groups.sort(key=lambda g: COMMANDS.index(str(g.name)))


def _module_of(callback: Any) -> str:
    return str(callback.__module__).rpartition(".")[2]


def main() -> None:
    """Console-script entry point.

    A usage error (unknown option, bad value, missing argument) is one line on stderr and exit 2,
    like input that cannot be read, instead of click's usage block and framed message. Any other
    exception is a samlcheck bug: one line and exit 3, never the 0 or 1 of a verdict.
    """
    _register(sys.argv[1] if len(sys.argv) > 1 else None)
    for stream in (sys.stdout, sys.stderr):  # a cp1252 console shows \u2192 rather than failing
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as error:  # click's UsageError, BadParameter, NoSuchOption ...
        if type(error).__name__ == "NoArgsIsHelpError":  # its message is the help
            typer.echo(error.format_message())
        else:
            sys.stderr.write(_usage_line(error) + "\n")
        raise SystemExit(error.exit_code) from None
    except typer.Exit as done:
        raise SystemExit(done.exit_code) from None
    except Exception as error:  # outside any command: still a bug, not a verdict
        sys.stderr.write(bug_line(error))
        raise SystemExit(EXIT_BUG) from None
    raise SystemExit(code if isinstance(code, int) else 0)


def _own_words(error: typer.TyperException) -> str | None:
    """A bad option value in samlcheck's words, not the validation library's ('Value error,
    'yaml' is not one of ...'): which option, the value, and what it takes."""
    cause, param = error.__cause__, getattr(error, "param", None)
    errors = getattr(cause, "errors", None)
    if param is None or not callable(errors) or not errors():
        return None
    value = errors()[0].get("input")
    names = " / ".join(f"'{name}'" for name in getattr(param, "opts", ())) or "the argument"
    descriptor = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None)
    if choices:
        allowed = ", ".join(str(getattr(c, "value", c)) for c in choices)
        return f"Invalid value for {names}: {value!r} is not one of {allowed}"
    wanted = "a whole number" if getattr(descriptor, "annotation", None) is int else "valid here"
    return f"Invalid value for {names}: {value!r} is not {wanted}"


def _usage_line(error: typer.TyperException) -> str:
    """'samlcheck: check: No such option: --bogus. Try 'samlcheck check --help'.'"""
    context = getattr(error, "ctx", None)
    names: list[str] = []
    while context is not None and context.parent is not None:
        names.insert(0, context.info_name or "")
        context = context.parent
    where = f"{' '.join(names)}: " if names else ""
    from samlcheck._internal.render.safe import visible

    message = visible(" ".join((_own_words(error) or error.format_message()).split()))
    end = "" if message.endswith((".", "?", "!")) else "."
    return f"samlcheck: {where}{message}{end} Try 'samlcheck {' '.join([*names, '--help'])}'."
