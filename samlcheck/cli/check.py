"""`samlcheck check`: which error AWS STS returns for a captured SAMLResponse, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from samlcheck.aws import MAX_SESSION_DURATION_RANGE, SESSION_DURATION_RANGE, EncryptionMode
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
from samlcheck.errors import InputError


def _in_range(name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise InputError(name, f"{value} is outside {low}..{high}", f"AWS accepts {low} to {high}.")


@app.command(epilog=EXIT_CODES)
@guarded
def check(
    captures: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="CAPTURE...",
            help="Captures: base64 SAMLResponse, form body, XML, HAR, SAML-tracer JSON, HTML form "
            "or SOAP; '-' for stdin; a folder means every file in it (a CI regression suite).",
            show_default=False,
        ),
    ] = None,
    text: Annotated[
        list[str] | None,
        typer.Option(
            "--text", help="Check this literal value (e.g. a pasted SAMLResponse; repeatable)."
        ),
    ] = None,
    metadata: Annotated[
        list[Path] | None,
        typer.Option("--metadata", help="IdP metadata uploaded to the IAM provider (repeatable)."),
    ] = None,
    cert: Annotated[
        list[Path] | None,
        typer.Option("--cert", help="A trusted IdP signing certificate, PEM or DER (repeatable)."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="When AWS receives the response (ISO 8601; default: now)."),
    ] = None,
    role_arn: Annotated[
        str | None, typer.Option("--role-arn", help="The role requested (must be listed).")
    ] = None,
    provider_arn: Annotated[
        str | None, typer.Option("--provider-arn", help="The IAM SAML provider ARN.")
    ] = None,
    duration_seconds: Annotated[
        int | None, typer.Option("--duration-seconds", help="DurationSeconds (900..43200).")
    ] = None,
    max_session_duration: Annotated[
        int | None,
        typer.Option("--max-session-duration", help="The role's MaxSessionDuration (3600..43200)."),
    ] = None,
    sp_key: Annotated[
        list[Path] | None,
        typer.Option(
            "--sp-key", help="SAML encryption private key of the IAM provider (repeatable)."
        ),
    ] = None,
    encryption_mode: Annotated[
        EncryptionMode | None,
        typer.Option(
            "--encryption-mode",
            case_sensitive=False,
            help="The provider's assertion encryption mode.",
        ),
    ] = None,
    idp_metadata: Annotated[
        list[Path] | None,
        typer.Option(
            "--idp-metadata",
            help="The IdP's current metadata, to recognise a signing-certificate rotation.",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 also when something could not be judged (no trust anchor, no --sp-key).",
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Text output: also the facts shown on every response (signature coverage) and "
            "each finding's full detail (JSON always has both).",
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.text,
    debug: DebugOption = False,
) -> None:
    """Predict AWS STS's answer to a captured SAMLResponse, with the evidence and the fix."""
    from samlcheck.capture import read_capture
    from samlcheck.files import read_file
    from samlcheck.options import CheckOptions
    from samlcheck.report import Report, Result
    from samlcheck.response import check_response
    from samlcheck.trust import load_trust

    if not captures and not text:
        raise InputError("check", "no capture given", "Pass a file, '-' for stdin, or --text.")
    _in_range("--duration-seconds", duration_seconds, *SESSION_DURATION_RANGE)
    _in_range("--max-session-duration", max_session_duration, *MAX_SESSION_DURATION_RANGE)
    options = CheckOptions(
        metadata=tuple(metadata or ()),
        certs=tuple(cert or ()),
        at=instant(at),
        role_arn=role_arn,
        provider_arn=provider_arn,
        duration_seconds=duration_seconds,
        max_session_duration=max_session_duration,
        sp_keys=tuple(sp_key or ()),
        encryption_mode=encryption_mode.value if encryption_mode else None,
        idp_metadata=tuple(idp_metadata or ()),
    )
    for key in options.sp_keys:  # unreadable, a folder, /dev/zero: say so before any work
        read_file(key, "private key")
    trust = load_trust(options.metadata, options.certs)
    current = load_trust(options.idp_metadata, ()) if options.idp_metadata else None
    results: list[Result] = []
    for path, value in [(p, None) for p in _expand(captures or [])] + [
        (None, t) for t in text or []
    ]:
        with reading(path or "--text"):
            found = read_capture(path, text=value)
        # AuthnRequests in the same trace are not what AWS checks; `decode` lists them.
        responses = [m for m in found.messages if m.parameter != "SAMLRequest"]
        for message in responses or found.messages:
            with reading(message.source):
                results.append(check_response(message, options, trust, current))
    emit(Report(tuple(results)), fmt, strict=strict, verbose=verbose)


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
