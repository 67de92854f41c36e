"""Trust-policy rules: the role's side of AccessDenied "Not authorized to perform
sts:AssumeRoleWithSAML", and the static checks of `samlcheck role`.

Functions and the rules they emit:
    missing_role_findings       SC-POL-001
    evaluation_findings         SC-POL-002 SC-POL-003 SC-POL-004 SC-POL-005 SC-POL-007
    key_findings                SC-POL-006
    ambiguous_finding           SC-POL-008
    static_findings             SC-POL-009 SC-POL-010 SC-POL-011 SC-POL-012 SC-POL-013
    listed_provider_findings    SC-POL-014 SC-POL-015
"""

from __future__ import annotations

from samlcheck._internal import aws
from samlcheck._internal.aws import Evidence
from samlcheck._internal.evaluation import ActionDecision, ConditionCheck, PolicyEvaluation
from samlcheck._internal.findings import Finding, Rule, Severity, numbered_rule
from samlcheck._internal.stages import policy as stage
from samlcheck._internal.stages.conditions import known_operator
from samlcheck._internal.trust.role import RoleFile, values

_DENIED = aws.ERRORS["not-authorized"].heading
_EVALUATION = "AWS IAM User Guide, 'Policy evaluation logic' and 'IAM JSON policy elements'"
_KEYS = "AWS IAM User Guide, 'Available keys for SAML-based AWS STS federation'"
_ROLE_URL = aws.TROUBLESHOOT_SAML_URL


def _rule(number: int, **fields: object) -> Rule:
    fields.setdefault("url", _ROLE_URL)
    return numbered_rule("SC-POL", number, "policy", "not-authorized", **fields)


ROLE_MISSING = _rule(
    1,
    name="role-missing",
    summary="The role the request asks for must exist: role ARNs are compared exactly, and role "
    "names are case sensitive.",
    fix="Correct the role ARN in the IdP's Role attribute (or --role-arn) to the role's exact ARN "
    "(aws iam get-role --role-name NAME).",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=_DENIED,
)
ACTION_NOT_ALLOWED = _rule(
    2,
    name="trust-policy-action-missing",
    summary="The trust policy must allow every action the request needs: sts:AssumeRoleWithSAML, "
    "sts:TagSession with session tags, sts:SetSourceIdentity with SourceIdentity.",
    fix="Add the missing action to the Action of the statement that allows sts:AssumeRoleWithSAML.",
    source=aws.SEED + "; " + aws.ATTR + "PrincipalTag: IAM user guide, session tags",
    evidence=Evidence.DOCUMENTED,
    seed_section=_DENIED,
)
PRINCIPAL_MISMATCH = _rule(
    3,
    name="trust-policy-principal-mismatch",
    summary="The statement that allows the action must name the SAML provider's ARN as "
    "Principal Federated.",
    fix='Set the statement\'s Principal to {"Federated": "PROVIDER-ARN"}.',
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=_DENIED,
)
CONDITION_NOT_MET = _rule(
    4,
    name="trust-policy-condition-not-met",
    summary="Every condition of the statement that allows the action must hold for the values "
    "the response carries (several keys and operators: all; several values: any).",
    fix="Change the condition or make the IdP send a value it accepts.",
    source=aws.SEED + "; " + _EVALUATION + "; " + _KEYS,
    evidence=Evidence.DOCUMENTED,
    seed_section=_DENIED,
)
EXPLICIT_DENY = _rule(
    5,
    name="trust-policy-explicit-deny",
    summary="A Deny statement that applies to the request wins over any Allow.",
    fix="Narrow or remove the Deny statement, or change what the IdP sends so it no longer "
    "applies.",
    source=_EVALUATION,
    evidence=Evidence.DOCUMENTED,
)
KEY_UNKNOWN = _rule(
    6,
    name="condition-key-unknown",
    severity=Severity.WARNING,
    summary="A condition names a key AssumeRoleWithSAML does not set (or an operator IAM does not "
    "know): such a condition never matches the key's value, as if the key were absent.",
    fix="Use a key from AWS's list for SAML federation (saml:aud, saml:sub, saml:iss, ...); "
    "key names ignore case, the saml: prefix does not.",
    source=_KEYS,
    evidence=Evidence.INFERRED,
)
NOT_JUDGED = _rule(
    7,
    name="condition-not-judged",
    severity=Severity.INFO,
    summary="A condition on a key the SAMLResponse does not show (aws:SourceIp, aws:CurrentTime, "
    "...) cannot be judged; samlcheck counts it as met.",
    fix="Check that condition against where and when the sign-in happens.",
    source=_KEYS,
    evidence=Evidence.DOCUMENTED,
    unjudged="a trust-policy condition on a key the response does not show",
)
ROLE_AMBIGUOUS = _rule(
    8,
    name="trust-policy-role-ambiguous",
    severity=Severity.WARNING,
    summary="--trust-policy applies to the role of --role-arn, or to the only role of the Role "
    "attribute.",
    fix="Name the role with --role-arn, or pass get-role JSON with --role (it holds the ARN).",
    source="samlcheck usage",
    evidence=Evidence.DOCUMENTED,
    unjudged="the trust policy: the Role attribute lists several roles",
)
NO_SAML_ALLOW = numbered_rule(
    "SC-POL",
    9,
    "role",
    "not-authorized",
    name="trust-policy-allows-no-saml",
    summary="A role for SAML sign-in needs a statement that allows sts:AssumeRoleWithSAML to a "
    "Federated saml-provider principal.",
    fix='Add {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::ACCOUNT:saml-provider/'
    'NAME"}, "Action": "sts:AssumeRoleWithSAML"}.',
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=_DENIED,
    url=_ROLE_URL,
)
RESOURCE_ELEMENT = numbered_rule(
    "SC-POL",
    10,
    "role",
    None,
    name="trust-policy-resource",
    summary="A trust policy has no Resource element (the role is the resource): IAM refuses such "
    "a policy (MalformedPolicyDocument).",
    fix="Remove the Resource element from the trust policy.",
    source="AWS IAM User Guide, 'IAM JSON policy elements: Resource' (trust policies); the error "
    "text is reported, not documented",
    evidence=Evidence.INFERRED,
    url=_ROLE_URL,
)
AUD_NOT_SIGNIN = numbered_rule(
    "SC-POL",
    11,
    "role",
    "not-authorized",
    name="saml-aud-not-signin-endpoint",
    summary="A saml:aud condition must list the sign-in endpoint the IdP posts to (the global "
    "https://signin.aws.amazon.com/saml or a regional one): saml:aud is the Recipient.",
    fix="List https://signin.aws.amazon.com/saml (and any regional endpoint the IdP uses) in the "
    "saml:aud condition.",
    source="AWS IAM User Guide, 'Configure SAML assertions for the authentication response' and "
    "'Create a role for SAML federation'",
    evidence=Evidence.DOCUMENTED,
    url=aws.SAML_ASSERTIONS_URL,
)
MAX_DURATION_RANGE = numbered_rule(
    "SC-POL",
    12,
    "role",
    None,
    name="max-session-duration-range",
    summary="A role's MaxSessionDuration is 3600 to 43200 seconds.",
    fix="Set it within 3600..43200: aws iam update-role --role-name NAME --max-session-duration N.",
    source="AWS IAM API Reference, UpdateRole MaxSessionDuration",
    evidence=Evidence.DOCUMENTED,
    url=_ROLE_URL,
)
PROVIDER_NOT_LISTED = numbered_rule(
    "SC-POL",
    13,
    "role",
    "provider-not-found",
    name="trust-policy-provider-not-listed",
    summary="The saml-provider the trust policy names must exist in the account "
    "(list-saml-providers).",
    fix="Name an existing provider's ARN in Principal Federated, or create the provider.",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["provider-not-found"].heading,
    url=_ROLE_URL,
)

PAIR_PROVIDER_MISSING = numbered_rule(
    "SC-POL",
    14,
    "attributes",
    "provider-not-found",
    name="role-pair-provider-missing",
    summary="The SAML provider ARN paired with the chosen role must name a provider the account "
    "holds (list-saml-providers): ARNs are compared exactly.",
    fix="Correct the provider ARN in the IdP's Role attribute to one that aws iam "
    "list-saml-providers lists, or create the provider.",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["provider-not-found"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
OTHER_PAIR_PROVIDER_MISSING = numbered_rule(
    "SC-POL",
    15,
    "attributes",
    None,
    name="other-role-pair-provider-missing",
    severity=Severity.WARNING,
    summary="A Role pair whose SAML provider the account does not hold fails the sign-in when "
    "the user picks that role.",
    fix="Correct the pair's provider ARN in the IdP, or stop sending the pair.",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["provider-not-found"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)


# --- a request against a role ------------------------------------------------------------------


def missing_role_findings(role_arn: str, held: list[RoleFile], location: str) -> list[Finding]:
    """The role asked for is in no --role file (exact ARN compare; a case-only match is named)."""
    near = [r.arn for r in held if r.arn and r.arn.lower() == role_arn.lower()]
    listed = ", ".join(r.arn or r.source for r in held)
    if near:
        message = (
            f"the role {role_arn} does not exist: only the case differs from {near[0]}, and role "
            "names are case sensitive"
        )
        return [ROLE_MISSING.finding(message, location, fix=f"Send the role ARN as {near[0]}.")]
    return [
        ROLE_MISSING.finding(
            f"no --role file holds the role {role_arn} (given: {listed})", location
        )
    ]


def ambiguous_finding(roles: list[str], location: str) -> Finding:
    return ROLE_AMBIGUOUS.finding(
        f"--trust-policy was given, but the Role attribute lists {len(roles)} roles "
        f"({', '.join(roles)}): the policy was not evaluated",
        location,
    )


def evaluation_findings(evaluation: PolicyEvaluation, location: str) -> list[Finding]:
    """Why each action the request needs is not allowed, and what could not be judged."""
    found = [
        _refusal(evaluation, d, location) for d in evaluation.decisions if d.decision != "allowed"
    ]
    unjudged = {
        c.key: c
        for s in evaluation.statements
        if s.principal_matches and s.action_matches
        for c in s.conditions
        if c.met is None
    }
    found += [
        NOT_JUDGED.finding(
            f"the trust policy of {evaluation.role_arn} tests {c.key} ({c.operator} "
            f"{_listed(c.values)}), which the response does not show: counted as met",
            location,
        )
        for c in unjudged.values()
    ]
    return found


def _refusal(evaluation: PolicyEvaluation, decision: ActionDecision, location: str) -> Finding:
    role, action = evaluation.role_arn, decision.action
    where = f"trust policy of {role}, read from {evaluation.source}"
    if decision.deciding is not None:  # an explicit Deny
        statement = decision.deciding
        why = "; ".join(f"{c.operator} {c.key} holds: {_compared(c)}" for c in statement.conditions)
        return EXPLICIT_DENY.finding(
            f"{statement.name} denies {action} "
            + (f"when {why}" if why else "unconditionally")
            + f" ({where})",
            location,
        )
    allows = [s for s in evaluation.statements if s.action == action and s.effect == "Allow"]
    by_action = [s for s in allows if s.action_matches]
    by_principal = [s for s in by_action if s.principal_matches]
    if not by_action:
        return ACTION_NOT_ALLOWED.finding(
            f"no statement allows {action} ({where})",
            location,
            fix=f"Add {action} to the Action of the statement that allows "
            f"{stage.ASSUME if action != stage.ASSUME else 'the SAML provider'}"
            + (f" (needed because {_needed_for(action)})" if action != stage.ASSUME else "")
            + ".",
        )
    if not by_principal:
        statement = by_action[0]
        return PRINCIPAL_MISMATCH.finding(
            f"{statement.name} allows {action}, but its principal is not the provider "
            f"{evaluation.provider_arn} ({where})",
            location,
            fix=f'Set Principal to {{"Federated": "{evaluation.provider_arn}"}} in '
            f"{statement.name}.",
        )
    statement = by_principal[0]
    condition = statement.failed
    assert condition is not None  # an Allow with principal and action that does not apply
    return CONDITION_NOT_MET.finding(
        f"{statement.name} allows {action} only when {condition.operator} {condition.key} "
        f"holds, and it does not: {_compared(condition)} ({where})",
        location,
        fix=_condition_fix(condition),
    )


def _needed_for(action: str) -> str:
    if action == stage.TAG_SESSION:
        return "the assertion sends PrincipalTag or TransitiveTagKeys attributes"
    return "the assertion sends SourceIdentity"


def _listed(items: tuple[str, ...]) -> str:
    """'a' alone, or 'a', 'b' and 'c'."""
    quoted = [repr(v) for v in items]
    return " and ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)


_CLAIM = {
    "saml:aud": "its Recipient",
    "saml:iss": "its Issuer",
    "saml:sub": "its NameID",
    "saml:sub_type": "its NameID Format",
}
"""Which part of the response sets a key people often read as another (saml:aud is no Audience)."""


def _compared(check: ConditionCheck) -> str:
    """'the policy lists 'Y', the response has 'X', its Recipient'."""
    if check.context is None:
        have = "does not set the key"
    else:
        claim = _CLAIM.get(check.key.lower())
        have = f"has {_listed(check.context)}" + (f", {claim}" if claim else "")
    return f"the policy lists {_listed(check.values)}, the response {have}"


def _condition_fix(check: ConditionCheck) -> str:
    if check.key.lower() == "saml:aud" and check.context:
        recipient = check.context[0]
        if aws.SIGNIN_ENDPOINT.fullmatch(recipient):
            return (
                f"Add {recipient!r} (the endpoint the IdP posts to) to the saml:aud condition "
                f"beside {_listed(check.values)}, or make the IdP send the Recipient "
                f"{check.values[0]!r}."
            )
    if check.context is None:
        return f"Make the IdP send what sets {check.key}, or change the condition."
    return (
        f"Change the condition ({check.operator} {check.key}) to accept {_listed(check.context)}, "
        "or make the IdP send one of the policy's values."
    )


def listed_provider_findings(
    pairs: list[tuple[str, str]], role_arn: str | None, listed: tuple[str, ...], location: str
) -> list[Finding]:
    """Role pairs whose provider ARN `listed` (list-saml-providers) does not hold: an error for
    the pair the request uses (the one of `role_arn`, or the only one), else a warning each."""
    chosen = [p for p in pairs if p[0] == role_arn] if role_arn else pairs
    rule = PAIR_PROVIDER_MISSING if len(chosen) == 1 else OTHER_PAIR_PROVIDER_MISSING
    found = []
    for role, provider in chosen or pairs:
        if provider in listed:
            continue
        near = next((arn for arn in listed if arn.lower() == provider.lower()), None)
        why = f": only the case differs from {near}" if near else ""
        found.append(
            rule.finding(
                f"the Role pair of {role} names the provider {provider}, which the account's "
                f"provider list does not hold{why}",
                location,
            )
        )
    return found


# --- the policy itself -------------------------------------------------------------------------


def key_findings(role: RoleFile) -> list[Finding]:
    """Conditions on keys AssumeRoleWithSAML does not set, or with operators IAM does not know."""
    found = []
    for index, statement in enumerate(role.statements, 1):
        for operator, key, _ in stage.conditions(statement):
            if not known_operator(operator):
                problem = f"the condition operator {operator!r} is not an IAM operator"
            elif stage.key_kind(key) == "unknown":
                problem = f"the condition key {key!r} is not set by AssumeRoleWithSAML"
            else:
                continue
            found.append(
                KEY_UNKNOWN.finding(f"statement {index} of {role.source}: {problem}", role.source)
            )
    return found


def static_findings(role: RoleFile, providers: tuple[str, ...] | None) -> list[Finding]:
    """What makes every SAML sign-in to this role fail, whatever the assertion says."""
    found = []
    saml = [
        (i, s)
        for i, s in enumerate(role.statements, 1)
        if s.get("Effect") == "Allow"
        and stage.action_matches(s, stage.ASSUME)
        and any(":saml-provider/" in p for p in _federated(s))
    ]
    if not saml:
        found.append(
            NO_SAML_ALLOW.finding(
                f"no statement of {role.source} allows {stage.ASSUME} to a Federated "
                "saml-provider principal",
                role.source,
            )
        )
    found += [
        RESOURCE_ELEMENT.finding(f"statement {i} has a Resource element", role.source)
        for i, s in enumerate(role.statements, 1)
        if "Resource" in s or "NotResource" in s
    ]
    found += key_findings(role)
    found += [f for i, s in saml for f in _aud_findings(i, s, role.source)]
    low, high = aws.MAX_SESSION_DURATION_RANGE
    duration = role.max_session_duration
    if duration is not None and not low <= duration <= high:
        found.append(
            MAX_DURATION_RANGE.finding(
                f"MaxSessionDuration {duration} is outside {low}..{high}", role.source
            )
        )
    if providers is not None:
        found += [
            PROVIDER_NOT_LISTED.finding(
                f"statement {i} names {arn}, which the provider list does not hold", role.source
            )
            for i, s in saml
            for arn in _federated(s)
            if arn != "*" and arn not in providers
        ]
    return found


def _federated(statement: dict[str, object]) -> tuple[str, ...]:
    principal = statement.get("Principal")
    return values(principal.get("Federated", [])) if isinstance(principal, dict) else ()


def _aud_findings(index: int, statement: dict[str, object], source: str) -> list[Finding]:
    found = []
    for operator, key, wanted in stage.conditions(statement):
        if key.lower() != "saml:aud" or operator.startswith(("StringNot", "ArnNot")):
            continue
        if not any(aws.SIGNIN_ENDPOINT.fullmatch(v) for v in wanted):
            found.append(
                AUD_NOT_SIGNIN.finding(
                    f"statement {index} tests saml:aud ({operator}) against {_listed(wanted)}, "
                    + (
                        "which is not an AWS sign-in endpoint"
                        if len(wanted) == 1
                        else "none of which is an AWS sign-in endpoint"
                    )
                    + ": saml:aud is the Recipient (where the IdP posts), not the Audience",
                    source,
                )
            )
    return found
