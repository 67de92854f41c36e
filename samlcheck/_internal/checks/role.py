"""Entry points for a role's trust policy: the policy stage of `check`, and `samlcheck role`."""

from __future__ import annotations

from pathlib import Path

from samlcheck._internal import aws
from samlcheck._internal.evaluation import PolicyEvaluation
from samlcheck._internal.findings import Finding
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.report import Result
from samlcheck._internal.rules import policy as rules
from samlcheck._internal.stages.claims import ClaimSet, role_pairs
from samlcheck._internal.stages.policy import evaluate
from samlcheck._internal.trust.role import RoleFile, read_providers, read_role

KIND = "role"


def policy_check(
    claims: ClaimSet, options: CheckOptions
) -> tuple[list[Finding], tuple[PolicyEvaluation, ...]]:
    """Findings and evaluations for each role asked for (--role-arn, else the Role attribute's
    roles), against --role / --trust-policy. Signed claims only: nothing is evaluated otherwise."""
    assertion = claims.assertion
    if not (options.roles or options.trust_policy) or assertion is None or not claims.signed:
        return [], ()
    values = assertion.values(aws.ROLE_ATTRIBUTE)
    location = values[0].location if values else assertion.location
    pairs = {p.role_arn: p.provider_arn for p in reversed(role_pairs(values))}
    asked = [options.role_arn] if options.role_arn else list(pairs)
    held = [read_role(path) for path in options.roles]
    bare = read_role(options.trust_policy) if options.trust_policy else None
    findings: list[Finding] = []
    evaluations = []
    for role_arn in asked:
        provider = options.provider_arn or pairs.get(role_arn)
        if provider is None:  # the role is not in the Role attribute: SC-ATTR-003 says so
            continue
        role = next((r for r in held if r.arn == role_arn), None)
        if role is None and bare is not None:
            if len(asked) > 1:
                findings.append(rules.ambiguous_finding(asked, location))
                continue
            role = bare
        if role is None:
            findings += rules.missing_role_findings(role_arn, held, location)
            continue
        evaluation = evaluate(role, role_arn, provider, assertion)
        findings += rules.evaluation_findings(evaluation, location)
        findings += rules.key_findings(role)
        evaluations.append(evaluation)
    return findings, tuple(evaluations)


def check_role(path: Path | str, providers: Path | str | None = None) -> Result:
    """`samlcheck role`: what makes every SAML sign-in to this role fail."""
    role: RoleFile = read_role(path)
    listed = read_providers(providers) if providers is not None else None
    summary = [("role", role.arn or "(a bare trust policy)")]
    if role.max_session_duration is not None:
        summary.append(("MaxSessionDuration", str(role.max_session_duration)))
    summary.append(("statements", str(len(role.statements))))
    return Result(
        source=str(path),
        kind=KIND,
        findings=tuple(rules.static_findings(role, listed)),
        summary=tuple(summary),
    )
