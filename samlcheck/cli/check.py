"""`samlcheck check`: which error AWS STS returns for a captured SAMLResponse, and why."""

from __future__ import annotations

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
    typer.Option("--at", help="When AWS receives the response (ISO 8601; default: now)."),
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
Roles = Annotated[
    list[Path] | None,
    typer.Option(
        "--role", help="aws iam get-role output (JSON): a role and its trust policy (repeatable)."
    ),
]
TrustPolicy = Annotated[
    Path | None,
    typer.Option(
        "--trust-policy",
        help="A bare trust policy, for the role of --role-arn or the only role in the response.",
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
    role: Roles = None,
    trust_policy: TrustPolicy = None,
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
    max_session_duration = _max_duration(role or [], role_arn, max_session_duration)
    checker = Checker(
        CheckOptions(
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
            roles=tuple(role or ()),
            trust_policy=trust_policy,
        )
    )
    inputs = [(p, None) for p in _expand(captures or [])] + [(None, t) for t in text or []]
    results: list[Result] = []
    for path, value in inputs:
        with reading(path or "--text"):
            results += checker.check(read_capture(path, text=value)).results
    emit(Report(tuple(results)), fmt, strict=strict, verbose=verbose, command="samlcheck check")


def _max_duration(roles: list[Path], role_arn: str | None, flag: int | None) -> int | None:
    """--max-session-duration, or the MaxSessionDuration of the --role file(s) that apply (the
    one of --role-arn, else all); a flag that disagrees with a file is a usage error."""
    from samlcheck._internal.trust.role import read_role

    held = [read_role(path) for path in roles]
    durations = {
        r.source: r.max_session_duration
        for r in held
        if r.max_session_duration is not None and (role_arn is None or r.arn == role_arn)
    }
    for source, duration in durations.items():
        if flag is not None and duration != flag:
            raise InputError(
                "--max-session-duration",
                f"{flag} disagrees with MaxSessionDuration {duration} in {source}",
                "Drop the flag (the --role file says it) or pass the role's current JSON.",
            )
    found = set(durations.values())
    return flag if flag is not None or len(found) != 1 else found.pop()


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
