"""`samlcheck keys`: would IAM accept these private keys for SAML encryption?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from samlcheck.cli import app
from samlcheck.cli.common import (
    EXIT_REJECTED,
    DebugOption,
    FormatOption,
    OutputFormat,
    emit,
    guarded,
)


@app.command("keys")
@guarded
def keys(
    key_files: Annotated[
        list[Path],
        typer.Argument(
            metavar="KEY...", help="Private key files to check, as IAM's AddPrivateKey would."
        ),
    ],
    cert: Annotated[
        Path | None,
        typer.Option(
            "--cert", help="The SP encryption certificate the IdP encrypts for (PEM or DER)."
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 also on any warning (a key that does not match --cert, a weak key) "
            "and when something could not be judged.",
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.text,
    debug: DebugOption = False,
) -> None:
    """Check private keys for an IAM SAML provider: PEM, unencrypted, RSA, size, characters."""
    from samlcheck._internal.checks.keys import check_keys
    from samlcheck._internal.findings import Severity
    from samlcheck._internal.inputs.files import read_file
    from samlcheck._internal.report import Report
    from samlcheck._internal.trust.certs import load_certificate

    certificate = load_certificate(read_file(cert, "certificate"), str(cert)) if cert else None
    loaded = [(str(path), read_file(path, "private key")) for path in key_files]
    report = Report(results=check_keys(loaded, certificate))
    try:
        emit(report, fmt, strict=strict, command="samlcheck keys")
    except typer.Exit as done:
        warned = strict and any(
            f.severity is Severity.WARNING for r in report.results for f in r.findings
        )
        raise typer.Exit(EXIT_REJECTED if warned else done.exit_code) from None
