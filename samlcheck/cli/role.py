"""`samlcheck role`: what in a role's trust policy makes every SAML sign-in fail, in advance."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from samlcheck.cli import app
from samlcheck.cli.common import EXIT_CODES, DebugOption, FormatOption, OutputFormat, emit, guarded


@app.command(epilog=EXIT_CODES)
@guarded
def role(
    file: Annotated[
        Path,
        typer.Argument(
            help="aws iam get-role --role-name NAME output (JSON), or a bare trust policy.",
            show_default=False,
        ),
    ],
    providers: Annotated[
        Path | None,
        typer.Option(
            "--providers", help="aws iam list-saml-providers output: the providers that exist."
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
    debug: DebugOption = False,
) -> None:
    """Check a role's trust policy for SAML sign-in before anyone signs in."""
    from samlcheck._internal.checks.role import check_role
    from samlcheck._internal.report import Report

    emit(Report(results=(check_role(file, providers),)), fmt)
