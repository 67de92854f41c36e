"""`samlcheck check`: which error AWS STS returns for a captured SAMLResponse, and why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from samlcheck._internal.aws import (
    MAX_SESSION_DURATION_RANGE,
    SESSION_DURATION_RANGE,
    EncryptionMode,
)
from samlcheck._internal.errors import InputError
from samlcheck.cli import app
from samlcheck.cli.common import (
    EXIT_CODES,
    DebugOption,
    FormatOption,
    OutputFormat,
    emit,
    guarded,
    instant,
    reading,
)


def _in_range(name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise InputError(name, f"{value} is outside {low}..{high}", f"AWS accepts {low} to {high}.")


Captures = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="CAPTURE...",
        help="Captures: base64 SAMLResponse, form body, XML, HAR, SAML-tracer JSON, HTML form "
        "or SOAP; '-' for stdin; a folder means every file in it (a CI regression suite).",
        show_default=False,
    ),
]
Texts = Annotated[
    list[str] | None,
    typer.Option(
        "--text", help="Check this literal value (e.g. a pasted SAMLResponse; repeatable)."
    ),
]
Metadata = Annotated[
    list[Path] | None,
    typer.Option("--metadata", help="IdP metadata uploaded to the IAM provider (repeatable)."),
]
Certs = Annotated[
    list[Path] | None,
    typer.Option("--cert", help="A trusted IdP signing certificate, PEM or DER (repeatable)."),
]
At = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When AWS receives each response: an ISO 8601 instant, 'capture' (when it was "
        "captured: the HAR or SAML-tracer timestamp; else as 'issued'), 'issued' (its "
        "IssueInstant + 1 s) or, by default, now.",
    ),
]
RoleArn = Annotated[
    str | None, typer.Option("--role-arn", help="The role requested (must be listed).")
]
ProviderArn = Annotated[
    str | None, typer.Option("--provider-arn", help="The IAM SAML provider ARN.")
]
Duration = Annotated[
    int | None, typer.Option("--duration-seconds", help="DurationSeconds (900..43200).")
]
MaxDuration = Annotated[
    int | None,
    typer.Option("--max-session-duration", help="The role's MaxSessionDuration (3600..43200)."),
]
SpKeys = Annotated[
    list[Path] | None,
    typer.Option("--sp-key", help="SAML encryption private key of the IAM provider (repeatable)."),
]
Mode = Annotated[
    EncryptionMode | None,
    typer.Option(
        "--encryption-mode", case_sensitive=False, help="The provider's assertion encryption mode."
    ),
]
IdpMetadata = Annotated[
    list[Path] | None,
    typer.Option(
        "--idp-metadata",
        help="The IdP's current metadata, to recognise a signing-certificate rotation.",
    ),
]
Strict = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Exit 1 also when something could not be judged (no trust anchor, no --sp-key).",
    ),
]
Verbose = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Text output: also the facts shown on every response (signature coverage) and "
        "each finding's full detail (JSON always has both).",
    ),
]


@app.command(epilog=EXIT_CODES)
@guarded
def check(
    captures: Captures = None,
    text: Texts = None,
    metadata: Metadata = None,
    cert: Certs = None,
    at: At = None,
    role_arn: RoleArn = None,
    provider_arn: ProviderArn = None,
    duration_seconds: Duration = None,
    max_session_duration: MaxDuration = None,
    sp_key: SpKeys = None,
    encryption_mode: Mode = None,
    idp_metadata: IdpMetadata = None,
    strict: Strict = False,
    verbose: Verbose = False,
    fmt: FormatOption = OutputFormat.text,
    debug: DebugOption = False,
) -> None:
    """Predict AWS STS's answer to a captured SAMLResponse, with the evidence and the fix."""
    from samlcheck._internal.checks.capture import Checker
    from samlcheck._internal.inputs.capture import read_capture
    from samlcheck._internal.options import CheckOptions
    from samlcheck._internal.report import Report, Result

    if not captures and not text:
        raise InputError("check", "no capture given", "Pass a file, '-' for stdin, or --text.")
    _in_range("--duration-seconds", duration_seconds, *SESSION_DURATION_RANGE)
    _in_range("--max-session-duration", max_session_duration, *MAX_SESSION_DURATION_RANGE)
    checker = Checker(
        CheckOptions(
            metadata=tuple(metadata or ()),
            certs=tuple(cert or ()),
            at=at_option(at),
            role_arn=role_arn,
            provider_arn=provider_arn,
            duration_seconds=duration_seconds,
            max_session_duration=max_session_duration,
            sp_keys=tuple(sp_key or ()),
            encryption_mode=encryption_mode.value if encryption_mode else None,
            idp_metadata=tuple(idp_metadata or ()),
        )
    )
    inputs = [(p, None) for p in _expand(captures or [])] + [(None, t) for t in text or []]
    results: list[Result] = []
    for path, value in inputs:
        with reading(path or "--text"):
            results += checker.check(read_capture(path, text=value)).results
    emit(Report(tuple(results)), fmt, strict=strict, verbose=verbose)


def at_option(value: str | None) -> dt.datetime | str | None:
    """--at: 'capture', 'issued', or an ISO 8601 instant."""
    from samlcheck._internal.options import AT_MODES

    if value is not None and value.strip().lower() in AT_MODES:
        return value.strip().lower()
    try:
        return instant(value)
    except InputError as error:
        hint = "Use e.g. 2026-01-15T12:01:00Z, or 'capture' or 'issued'."
        raise InputError(error.source, error.problem, hint) from None


def _expand(captures: list[str]) -> list[str]:
    """The capture paths, each folder replaced by its files (recursive, sorted, no dot-files)."""
    paths: list[str] = []
    for capture in captures:
        folder = Path(capture)
        if capture != "-" and folder.is_dir():
            files = sorted(
                str(p)
                for p in folder.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(folder).parts)
            )
            if not files:
                raise InputError(capture, "is an empty folder", "Put the captures to check in it.")
            paths += files
        else:
            paths.append(capture)
    return paths
