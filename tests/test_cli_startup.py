"""A cold command loads only what it needs (issue 13): no pydantic to read option values, no rich
to print --help, no xmlschema or boto3 to check a response. Speed itself is measured by
scripts/bench.py, never here; these tests guard what makes it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import testidp
import typer
import typer.testing
from typer import _coercion
from typer._click import Command, Context
from typer.core import _TyperParameter

from samlcheck.cli import COMMANDS, _register, app
from samlcheck.cli.coercion import QuickParam
from samlcheck.cli.common import OutputFormat

ROOT = Path(__file__).resolve().parent.parent
METADATA = str(ROOT / "fixtures" / "idp" / "metadata.xml")
VALID = str(ROOT / "fixtures" / "responses" / "valid.xml")

PROBE = (
    "import sys\n"
    "from samlcheck.cli import main\n"
    "sys.argv = ['samlcheck', *sys.argv[1:]]\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
    "sys.stderr.write(','.join(sorted(sys.modules)))\n"
)
NEVER = {"pydantic", "rich", "markdown_it", "xmlschema", "boto3", "signxml"}
"""Loaded by none of these commands (signxml is the tests' second oracle only)."""
CHECKER = {
    "samlcheck._internal.checks",
    "samlcheck._internal.rules",
    "samlcheck._internal.report",
}
"""What only a command that checks something needs."""


@pytest.mark.parametrize(
    ("args", "also_never"),
    [
        (["--help"], CHECKER),
        (["check", "--help"], CHECKER),
        (
            ["check", VALID, "--metadata", METADATA, "--at", testidp.CHECK_AT],
            {
                "samlcheck._internal.rules.metadata",
                "samlcheck._internal.trust.live",
                "samlcheck._internal.trust.keys",  # private keys: only with --sp-key
                "html.parser",  # only an HTML capture
                *(f"samlcheck.cli.{name}" for name in COMMANDS if name != "check"),
            },
        ),
    ],
    ids=["help", "check help", "check"],
)
def test_command_loads_only_what_it_needs(args: list[str], also_never: set[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip(), "the command printed nothing"
    loaded = done.stderr.split(",")
    assert "samlcheck.cli" in loaded
    unwanted = NEVER | also_never
    assert [m for m in loaded if any(m == u or m.startswith(f"{u}.") for u in unwanted)] == []


def test_commands_keep_their_order_whichever_was_registered_first() -> None:
    probe = (
        "import typer\n"
        "from samlcheck.cli import _register, app\n"
        "_register('provider'); _register('keys'); _register()\n"
        "print(' '.join(typer.main.get_command(app).commands))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [
        "check",
        "decode",
        "explain",
        "keys",
        "role",
        "serve",
        "test",
        "metadata",
        "provider",
    ]


def test_help_lists_every_command_with_its_whole_summary() -> None:
    """Plain help, yet each command's first paragraph in full (click would cut it with '...')."""
    _register()
    root = typer.main.get_command(app)
    text = "".join(typer.testing.CliRunner().invoke(app, ["--help"]).stdout.split())
    for name, command in getattr(root, "commands", {}).items():
        summary = (command.help or "").split("\n\n")[0]
        assert "".join([name, *summary.split()]) in text  # wrapped anywhere, even at a hyphen


def _parameters(command: Command) -> Iterator[tuple[Command, _TyperParameter]]:
    for param in command.params:
        assert isinstance(param, _TyperParameter)
        yield command, param
    for sub in getattr(command, "commands", {}).values():
        yield from _parameters(sub)


def _outcome(runtime: Any, value: Any, param: _TyperParameter, ctx: Context) -> tuple[Any, ...]:
    """What converting `value` gives: the value and its type, or the error in every detail."""
    try:
        result = runtime.coerce(value, param=param, ctx=ctx)
    except Exception as error:
        cause = error.__cause__
        return (type(error), str(error), getattr(error, "param", None), type(cause), str(cause))
    items = result if isinstance(result, list) else [result]
    return (result, [type(item) for item in items])


VALUES: list[Any] = [
    None,
    "",
    "-",
    "text",
    "JSON",
    "Required",
    "required",
    "7",
    "007",
    "-3",
    "0",
    "1",
    "43200",
    "1.5",
    "+7",
    " 7",
    "1_000",
    "\u0663",
    "\udcff",
    "a\x00b",
    "yes",
    METADATA,
    str(ROOT / "fixtures"),
    "no/such/file",
    (),
    ("a", "7"),
    (METADATA, "-"),
    [str(ROOT / "fixtures")],
    OutputFormat.text,
    Path(METADATA),
    1,
    True,
]


def test_quick_values_are_typers_values() -> None:
    """Every parameter of every command converts every value (good or bad) exactly as typer's
    own pydantic conversion does: the same result of the same type, or the same error."""
    _register()
    root = typer.main.get_command(app)
    checked = 0
    for command, param in _parameters(root):
        ours = param.get_runtime_param()
        assert isinstance(ours, QuickParam)
        theirs = _coercion.build_runtime_param(param.type_descriptor)
        ctx = Context(command)
        for value in VALUES:
            expected = _outcome(theirs, value, param, ctx)
            assert _outcome(ours, value, param, ctx) == expected, (command.name, param.name, value)
            checked += 1
    assert checked > 1000
