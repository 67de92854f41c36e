"""`check --aws`: fetch from IAM, read-only, what the --role / --metadata files would hold.

Only ARNs are sent (iam:GetRole, iam:GetSAMLProvider, iam:ListSAMLProviders); the capture never
leaves the machine unless `--ask-sts` is given, which sends the assertion to
sts:AssumeRoleWithSAML and discards the credentials AWS returns. boto3 is imported only here,
only with --aws (`pip install 'samlcheck[aws]'`).
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from samlcheck._internal.checks.batch import Input
from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.files import Upload
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.report import Claims, Result

INSTALL_HINT = "Install the AWS extra: pip install 'samlcheck[aws]'"
DEFAULT_REGION = "us-east-1"
"""IAM is global; STS needs a region when the profile names none."""


@dataclass(frozen=True)
class AwsSettings:
    """--profile, --region, --endpoint-url (a local endpoint, for tests)."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None


@dataclass
class Fetched:
    """What IAM answered, each as the dict the `aws iam` CLI prints as JSON."""

    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Role ARN -> get-role output ({"Role": {...}})."""
    providers: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Provider ARN -> get-saml-provider output."""
    provider_list: dict[str, Any] = field(default_factory=dict)
    """list-saml-providers output."""


def client(settings: AwsSettings, service: str, *, signed: bool = True) -> Any:
    """A boto3 client (unsigned: AssumeRoleWithSAML needs no credentials); the install hint
    (exit 2) when boto3 is missing."""
    try:
        import boto3
        import botocore.config
        import botocore.exceptions
    except ImportError:
        raise InputError("--aws", "boto3 is not installed", INSTALL_HINT) from None
    try:
        session = boto3.Session(profile_name=settings.profile)
    except botocore.exceptions.BotoCoreError as error:
        raise InputError("--profile", str(error), "Name a profile of ~/.aws/config.") from None
    region = settings.region or session.region_name or DEFAULT_REGION
    config = None if signed else botocore.config.Config(signature_version=botocore.UNSIGNED)
    return session.client(
        service, region_name=region, endpoint_url=settings.endpoint_url, config=config
    )


def call(client: Any, operation: str, permission: str, **params: Any) -> dict[str, Any]:
    """One AWS call; any AWS or connection error is one `InputError` naming the permission."""
    import botocore.exceptions

    try:
        answer: dict[str, Any] = getattr(client, operation)(**params)
    except botocore.exceptions.NoCredentialsError:
        raise InputError(
            "--aws",
            f"no AWS credentials found for {permission}",
            "Configure credentials (aws configure, AWS_PROFILE or --profile), or use the "
            "offline files (--role, --metadata).",
        ) from None
    except botocore.exceptions.ClientError as error:
        raise InputError("--aws", *_refusal(error, permission)) from None
    except botocore.exceptions.BotoCoreError as error:  # endpoint unreachable, bad region ...
        raise InputError(
            "--aws", f"{permission}: {error}", "Check the network, --region and --endpoint-url."
        ) from None
    answer.pop("ResponseMetadata", None)
    return answer


def _refusal(error: Any, permission: str) -> tuple[str, str]:
    """(problem, hint) for an error AWS answered."""
    code = str(error.response.get("Error", {}).get("Code", "error"))
    text = str(error.response.get("Error", {}).get("Message", "")).rstrip(".")
    problem = f"AWS refused {permission}: {code}" + (f" ({text})" if text else "")
    if "Throttl" in code or code in ("RequestLimitExceeded", "TooManyRequestsException"):
        return problem, "AWS is throttling the account's IAM calls: wait a minute and retry."
    if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation"):
        return problem, f"Grant the caller {permission} (read-only), or use the offline files."
    return problem, "Check the ARN, or use the offline files (--role, --metadata)."


def _quiet_call(client: Any, operation: str, permission: str, **params: Any) -> dict[str, Any]:
    """`call`, but a missing entity (NoSuchEntity) is an empty answer: a verdict, not an error."""
    import botocore.exceptions

    try:
        return call(client, operation, permission, **params)
    except InputError as error:
        if isinstance(error.__context__, botocore.exceptions.ClientError) and (
            "NoSuchEntity" in error.problem
        ):
            return {}
        raise


def fetch_providers(iam: Any, arns: Iterable[str], fetched: Fetched) -> None:
    """ListSAMLProviders once, then GetSAMLProvider for each listed ARN asked for."""
    fetched.provider_list = call(iam, "list_saml_providers", "iam:ListSAMLProviders")
    listed = {p.get("Arn") for p in fetched.provider_list.get("SAMLProviderList", [])}
    for arn in sorted(set(arns) & listed):
        answer = call(
            iam, "get_saml_provider", f"iam:GetSAMLProvider on {arn}", SAMLProviderArn=arn
        )
        fetched.providers[arn] = answer


def fetch_roles(iam: Any, arns: Iterable[str], fetched: Fetched) -> None:
    """GetRole for each role ARN (a role that does not exist is left out: the check says so)."""
    for arn in sorted(set(arns)):
        name = arn.rpartition("/")[2]
        answer = _quiet_call(iam, "get_role", f"iam:GetRole on {arn}", RoleName=name)
        if answer:
            fetched.roles[arn] = answer


def as_file(data: dict[str, Any], source: str) -> Upload:
    """A get-role answer as the in-memory JSON file a --role option names (never on disk)."""
    return Upload(source, json.dumps(data, default=str).encode("utf-8"))


def with_fetched(options: CheckOptions, fetched: Fetched) -> CheckOptions:
    """The options with the fetched roles, providers and provider list, exactly as --role,
    --provider and --providers files would give them (samlcheck._internal.trust.account)."""
    from samlcheck._internal.trust.account import apply_providers, with_role_duration
    from samlcheck._internal.trust.provider import provider_from_dict
    from samlcheck._internal.trust.role import providers_from_dict

    roles = [as_file(data, f"aws iam get-role {arn}") for arn, data in fetched.roles.items()]
    states = [
        provider_from_dict({"Arn": arn, **data}, f"aws iam get-saml-provider {arn}")
        for arn, data in fetched.providers.items()
    ]
    listed = None
    if fetched.provider_list:
        listed = providers_from_dict(fetched.provider_list, "aws iam list-saml-providers")
    with_roles = with_role_duration(replace(options, roles=(*options.roles, *roles)))
    return apply_providers(with_roles, states, listed)


# --- from the captures to the ARNs, and the asking --------------------------------------------


def _messages(inputs: list[Input]) -> list[Any]:
    """Every message `check` will judge (files of a folder that hold none are left out)."""
    from samlcheck._internal.checks.capture import responses
    from samlcheck._internal.inputs.capture import read_capture

    found: list[Any] = []
    for item in inputs:
        if item.path == "-":
            raise InputError(
                "-", "stdin cannot be read twice", "With --aws, save the capture to a file."
            )
        try:
            found += responses(read_capture(item.path, text=item.text))
        except InputError:
            if not item.in_folder:
                raise
    return found


def _claims(
    options: CheckOptions, messages: list[Any]
) -> list[tuple[Claims | None, Claims | None]]:
    """(signed claims, unverified claims) of each message, checked against `options`."""
    from samlcheck._internal.checks.capture import Checker

    checker = Checker(options)
    results = [checker.check_message(message) for message in messages]
    return [(r.claims, r.unverified_claims) for r in results]


def fetch_into(options: CheckOptions, inputs: list[Input], settings: AwsSettings) -> CheckOptions:
    """`options` with what IAM holds for the captures' providers and roles. The providers come
    from the Role attribute (signed or not: only their metadata is fetched, to verify with); the
    roles only from the signed Role attribute, verified against that metadata (and --role-arn)."""
    messages = _messages(inputs)
    iam = client(settings, "iam")
    fetched = Fetched()
    providers = {options.provider_arn} if options.provider_arn else set()
    for pair in _claims(options, messages):
        providers |= {r.provider_arn for claims in pair if claims for r in claims.roles}
    fetch_providers(iam, providers, fetched)
    roles = {options.role_arn} if options.role_arn else set()
    for signed, _ in _claims(with_fetched(options, fetched), messages):
        roles |= {r.role_arn for r in signed.roles} if signed else set()
    fetch_roles(iam, roles, fetched)
    return with_fetched(options, fetched)


SPENDS_WARNING = (
    "samlcheck: --ask-sts sends each assertion to sts:AssumeRoleWithSAML: this spends the "
    "one-time assertion (AWS refuses it if replayed); the credentials AWS returns are discarded\n"
)


def ask_sts(
    options: CheckOptions, inputs: list[Input], results: tuple[Result, ...], settings: AwsSettings
) -> list[str]:
    """For each response: samlcheck's prediction beside AWS's actual answer, one line each."""
    sys.stderr.write(SPENDS_WARNING)
    sts = client(settings, "sts", signed=False)
    by_source = {r.source: r for r in results}
    lines = []
    for message in _messages(inputs):
        result = by_source.get(message.source)
        request = _request(options, result) if result else None
        if result is None or request is None:
            lines.append(
                f"{message.source}: not asked (no role in the Role attribute or --role-arn)"
            )
            continue
        actual = _assume(sts, message.data, request)
        predicted = _predicted(result)
        agree = predicted == actual or (
            predicted != "accepted" and actual.split(":")[0] == predicted.split(":")[0]
        )
        lines.append(
            f"{message.source}: samlcheck predicts {predicted} | AWS answered {actual} | "
            f"{'agree' if agree else 'disagree'}"
        )
    return lines


def _request(options: CheckOptions, result: Result) -> dict[str, Any] | None:
    """The AssumeRoleWithSAML parameters a client would send (the first role pair, or
    --role-arn with its provider)."""
    claims = result.claims or result.unverified_claims
    pairs = {r.role_arn: r.provider_arn for r in claims.roles} if claims else {}
    role = options.role_arn or next(iter(pairs), None)
    provider = options.provider_arn or pairs.get(role or "")
    if role is None or provider is None:
        return None
    request: dict[str, Any] = {"RoleArn": role, "PrincipalArn": provider}
    if options.duration_seconds is not None:
        request["DurationSeconds"] = options.duration_seconds
    return request


def _assume(sts: Any, data: bytes, request: dict[str, Any]) -> str:
    """AWS's answer: 'accepted' or 'CODE: message'; the credentials are dropped unread."""
    import botocore.exceptions

    try:
        answer = sts.assume_role_with_saml(
            SAMLAssertion=base64.b64encode(data).decode("ascii"), **request
        )
    except botocore.exceptions.ClientError as error:
        problem = error.response.get("Error", {})
        return f"{problem.get('Code', 'error')}: {problem.get('Message', '')}".rstrip(": ")
    except botocore.exceptions.BotoCoreError as error:
        raise InputError(
            "--ask-sts", f"sts:AssumeRoleWithSAML: {error}", "Check the network."
        ) from None
    del answer  # Credentials included: never printed, never written
    return "accepted"


def _predicted(result: Result) -> str:
    verdict = result.verdict
    if verdict.accepted:
        return "accepted"
    error = verdict.aws_error
    return f"{error.code or 'no code'}: {error.message}" if error else "rejected"
