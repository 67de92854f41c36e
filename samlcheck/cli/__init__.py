"""The samlcheck command line: a thin Typer app; each command lives in its own module."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    name="samlcheck",
    help="Predict the exact error AWS returns for a SAML sign-in, metadata upload or key, "
    "with the evidence and the fix. Nothing leaves this machine.",
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
    from samlcheck.cli import (  # noqa: F401  (each adds its command to `app`)  # noqa: F401
        check,
        decode,
        explain,
        keys,
        metadata,
        provider,
    )


def main() -> None:
    """Console-script entry point."""
    _register()
    app()
