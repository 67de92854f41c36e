"""`samlcheck check`: which error AWS STS returns for a captured SAMLResponse, and why."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from samlcheck._internal.aws import (
    MAX_SESSION_DURATION_RANGE,
    SESSION_DURATION_RANGE,
    EncryptionMode,
)
from samlcheck._internal.errors import InputError
from samlcheck._internal.instants import given_instant as instant
from samlcheck.cli import app
from samlcheck.cli.common import (
    EXIT_CODES,
    DebugOption,
    FormatOption,
    OutputFormat,
    guarded,
    reading,
)

if TYPE_CHECKING:
    from samlcheck._internal.checks.batch import Input, Selection
    from samlcheck._internal.options import CheckOptions
    from samlcheck._internal.report import Result
    from samlcheck._internal.trust.live import AwsSettings


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
Aws = Annotated[
    bool,
    typer.Option(
        "--aws",
        help="Fetch the roles and SAML providers from IAM, read-only (iam:GetRole, "
        "iam:GetSAMLProvider, iam:ListSAMLProviders; only ARNs are sent). Needs "
        "pip install 'samlcheck[aws]'.",
    ),
]
Profile = Annotated[str | None, typer.Option("--profile", help="With --aws: the AWS profile.")]
Region = Annotated[str | None, typer.Option("--region", help="With --aws: the AWS region.")]
EndpointUrl = Annotated[
    str | None, typer.Option("--endpoint-url", help="With --aws: a local AWS endpoint (tests).")
]
AskSts = Annotated[
    bool,
    typer.Option(
        "--ask-sts",
        help="With --aws: also send each assertion to sts:AssumeRoleWithSAML and show AWS's "
        "answer beside the prediction (spends the one-time assertion; credentials discarded).",
    ),
]
Providers = Annotated[
    list[Path] | None,
    typer.Option(
        "--provider",
        help="aws iam get-saml-provider output (JSON): its metadata is trusted like --metadata, "
        "its encryption mode and key list are the provider's (repeatable; named by its Arn key "
        "or --provider-arn).",
    ),
]
ProviderList = Annotated[
    Path | None,
    typer.Option(
        "--providers",
        help="aws iam list-saml-providers output (JSON): the providers that exist.",
    ),
]
Strict = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Exit 1 also when something could not be judged (no trust anchor, no --sp-key).",
    ),
]
Jobs = Annotated[
    int,
    typer.Option(
        "--jobs", "-j", min=1, help="Check in this many processes (results stay in input order)."
    ),
]
Quiet = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Text output: only the rejections and the summary line."),
]
Select = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        help="Report only these rules (IDs or prefixes such as SC-SIG, comma-separated; "
        "default from samlcheck.toml or [tool.samlcheck] in pyproject.toml).",
    ),
]
Ignore = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        help="Leave out these rules (IDs or prefixes); an ignored error no longer decides the "
        "verdict (default from samlcheck.toml or [tool.samlcheck] in pyproject.toml).",
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
    aws: Aws = False,
    profile: Profile = None,
    region: Region = None,
    endpoint_url: EndpointUrl = None,
    ask_sts: AskSts = False,
    provider: Providers = None,
    providers: ProviderList = None,
    strict: Strict = False,
    jobs: Jobs = 1,
    quiet: Quiet = False,
    select: Select = None,
    ignore: Ignore = None,
    verbose: Verbose = False,
    fmt: FormatOption = OutputFormat.text,
    debug: DebugOption = False,
) -> None:
    """Predict AWS STS's answer to a captured SAMLResponse, with the evidence and the fix."""
    from samlcheck._internal.options import CheckOptions
    from samlcheck._internal.trust.account import resolve

    inputs = _inputs(captures, text)
    _durations(duration_seconds, max_session_duration)
    given = CheckOptions(
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
        roles=tuple(role or ()),
        trust_policy=trust_policy,
    )
    options = resolve(given, provider or (), providers)
    settings = _aws_settings(aws, ask_sts, profile, region, endpoint_url)
    results = _results(options, inputs, _selection(select, ignore), jobs, settings, ask_sts)
    _emit(results, fmt, strict=strict, verbose=verbose, quiet=quiet)


def _emit(
    results: Iterable[Result], fmt: OutputFormat, *, strict: bool, verbose: bool, quiet: bool
) -> NoReturn:
    """Write the report as the results come (memory stays flat however long the batch), then
    exit as `emit` does."""
    from samlcheck._internal.render.stream import write
    from samlcheck.cli.common import colors_wanted

    name = OutputFormat(fmt).value
    color = name == "text" and colors_wanted()
    title = "samlcheck check"
    totals = write(
        results, name, sys.stdout, color=color, verbose=verbose, quiet=quiet, title=title
    )
    raise typer.Exit(totals.exit_code(strict))


def _inputs(captures: list[str] | None, text: list[str] | None) -> list[Input]:
    """The captures (folders expanded) and --text values; a usage error when there is none."""
    from samlcheck._internal.checks import batch

    if not captures and not text:
        raise InputError("check", "no capture given", "Pass a file, '-' for stdin, or --text.")
    return batch.expand(captures or []) + [batch.Input(text=t) for t in text or []]


def _durations(duration: int | None, max_duration: int | None) -> None:
    """Both durations range-checked (a --role file's MaxSessionDuration: trust.account)."""
    _in_range("--duration-seconds", duration, *SESSION_DURATION_RANGE)
    _in_range("--max-session-duration", max_duration, *MAX_SESSION_DURATION_RANGE)


def _results(
    options: CheckOptions,
    inputs: list[Input],
    selection: Selection,
    jobs: int,
    settings: AwsSettings | None,
    ask_sts: bool,
) -> Iterable[Result]:
    """Every result, as it comes; with --aws, checked against what IAM holds, and with
    --ask-sts, AWS's own answer beside each prediction (on stderr, before the report)."""
    from samlcheck._internal.checks import batch

    if settings is not None:
        from samlcheck._internal.trust import live

        options = live.fetch_into(options, inputs, settings)
    results = batch.run(options, inputs, selection, jobs, _progress(len(inputs)), reading)
    if settings is None or not ask_sts:
        return results
    held = tuple(results)  # each response is asked about before the report
    sys.stderr.writelines(f"{line}\n" for line in live.ask_sts(options, inputs, held, settings))
    return held


def _aws_settings(
    aws: bool, ask_sts: bool, profile: str | None, region: str | None, endpoint_url: str | None
) -> AwsSettings | None:
    """The --aws settings, None without --aws (whose companions are then a usage error)."""
    if not aws:
        given = [
            n
            for n, v in [
                ("--ask-sts", ask_sts),
                ("--profile", profile),
                ("--region", region),
                ("--endpoint-url", endpoint_url),
            ]
            if v
        ]
        if given:
            raise InputError(given[0], "needs --aws", "Add --aws (it fetches from IAM, read-only).")
        return None
    from samlcheck._internal.trust.live import AwsSettings

    return AwsSettings(profile, region, endpoint_url)


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


def _selection(select: list[str] | None, ignore: list[str] | None) -> Selection:
    """--select / --ignore, each defaulting to the working directory's samlcheck settings."""
    from samlcheck._internal.checks import batch

    name, defaults = batch.load_defaults(Path.cwd())

    def chosen(option: str, given: list[str] | None) -> tuple[str, ...]:
        if given is not None:
            return batch.patterns(given, f"--{option}")
        return batch.patterns(defaults.get(option, []), f"{name}: {option}")

    return batch.Selection(chosen("select", select), chosen("ignore", ignore))


PROGRESS_FROM = 50
"""Inputs from which a batch shows its progress on stderr (when stderr is a terminal)."""


def _progress(total: int) -> Callable[[int, int], None] | None:
    """A one-line progress counter on stderr for a long batch on a terminal; else None."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        bar = "#" * (width * done // total)
        sys.stderr.write(f"\rsamlcheck: [{bar:<{width}}] {done:,}/{total:,} inputs")
        if done == total:
            sys.stderr.write("\r\033[K")  # the line cleared before the report
        sys.stderr.flush()

    return show
