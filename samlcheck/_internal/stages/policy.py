"""A role's trust policy evaluated for one AssumeRoleWithSAML request (facts, never findings).

The request context is built from the signed claims only (IAM user guide, "Available keys for
SAML-based AWS STS federation"; STS API reference, AssumeRoleWithSAML); `evaluate` then applies
IAM's logic: an action is allowed when an Allow statement applies and no Deny does (IAM user guide,
"Policy evaluation logic"). Condition operators are in stages/conditions.py.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from samlcheck._internal import aws
from samlcheck._internal.evaluation import ActionDecision, PolicyEvaluation, StatementCheck
from samlcheck._internal.stages.claims import AssertionFacts
from samlcheck._internal.stages.conditions import check_condition, glob, known_operator
from samlcheck._internal.trust.role import RoleFile, values

ASSUME = "sts:AssumeRoleWithSAML"
TAG_SESSION = "sts:TagSession"
SET_SOURCE_IDENTITY = "sts:SetSourceIdentity"
NAMEID_PREFIX = "urn:oasis:names:tc:SAML:2.0:nameid-format:"

_EDU = "urn:oid:1.3.6.1.4.1.5923.1."
_PERSON = [
    "affiliation",
    "nickname",
    "orgdn",
    "orgunitdn",
    "primaryaffiliation",
    "principalname",
    "entitlement",
    "primaryorgunitdn",
    "scopedaffiliation",
    "targetedid",
    "assurance",
]  # eduPerson 1.3.6.1.4.1.5923.1.1.1.1 to .11
_ORG = ["homepageuri", "identityauthnpolicyuri", "legalname", "superioruri", "whitepagesuri"]
SAML_ATTRIBUTE_KEYS = {
    "urn:oid:2.5.4.3": ("saml:cn", "saml:commonname"),
    "urn:oid:2.5.4.42": ("saml:givenname",),
    "urn:oid:2.5.4.4": ("saml:surname",),
    "urn:oid:0.9.2342.19200300.100.1.3": ("saml:mail",),
    "urn:oid:2.5.4.41": ("saml:name",),
    "urn:oid:0.9.2342.19200300.100.1.1": ("saml:uid",),
    "urn:oid:2.5.4.45": ("saml:x500uniqueidentifier",),
    "urn:oid:1.3.6.1.4.1.25178.1.2.9": ("saml:organizationstatus",),
    "urn:oid:1.2.840.113556.1.4.1306": ("saml:primarygroupsid",),
    **{_EDU + f"1.1.{n}": ("saml:eduperson" + name,) for n, name in enumerate(_PERSON, 1)},
    **{_EDU + f"2.{n}": ("saml:eduorg" + name,) for n, name in enumerate(_ORG, 2)},
}
"""Assertion attribute Name -> the saml: context keys AWS fills from it (lower case). The key
names are documented (IAM condition keys reference); the eduPerson and eduOrg OIDs are theirs
(eduPerson specification); the X.500 and directory OIDs are inferred from the standard schemas."""

SAML_KEYS = frozenset(
    {"saml:aud", "saml:iss", "saml:sub", "saml:sub_type", "saml:namequalifier", "saml:doc"}
    | {k for keys in SAML_ATTRIBUTE_KEYS.values() for k in keys}
)
REQUEST_KEYS = frozenset({"aws:tagkeys", "sts:transitivetagkeys", "sts:sourceidentity"})
TAG_KEY_PREFIXES = ("aws:principaltag/", "aws:requesttag/")
UNSEEN_KEYS = frozenset(
    {
        "aws:sourceip",
        "aws:currenttime",
        "aws:epochtime",
        "aws:securetransport",
        "aws:useragent",
        "aws:referer",
        "aws:requestedregion",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:vpcsourceip",
        "aws:viaawsservice",
        "aws:calledvia",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
    }
)
"""Global keys AWS sets for the request that a SAMLResponse does not show: not judged."""

Context = dict[str, tuple[str, ...]]


def namequalifier(issuer: str, provider_arn: str) -> str:
    """saml:namequalifier: BASE64(SHA1(issuer + account ID + "/" + provider name)), no separator
    between issuer and account (STS API reference, AssumeRoleWithSAML NameQualifier)."""
    account, name = _account_and_name(provider_arn)
    digest = hashlib.sha1(f"{issuer}{account}/{name}".encode()).digest()
    return base64.b64encode(digest).decode("ascii")


def _account_and_name(provider_arn: str) -> tuple[str, str]:
    """('123456789012', 'MyIdP') from arn:aws:iam::123456789012:saml-provider/MyIdP."""
    account = provider_arn.split(":")[4]
    return account, provider_arn.rsplit("/", 1)[-1]


def sub_type(name_id_format: str | None) -> str:
    """saml:sub_type: the Format without the SAML 2.0 prefix; any other format unchanged. A NameID
    without Format is 'unspecified' in SAML 1.1 terms (inferred: SAML core 8.3.1)."""
    fmt = name_id_format or "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
    return fmt.removeprefix(NAMEID_PREFIX)


def context(assertion: AssertionFacts, provider_arn: str) -> Context:
    """The request context keys (lower case) and their values, from the signed assertion."""
    found: Context = {}

    def put(key: str, *items: str | None) -> None:
        kept = tuple(i for i in items if i is not None)
        if kept:
            found.setdefault(key, kept)

    recipients = [c.recipient for c in assertion.confirmations if c.recipient]
    issuer = assertion.issuer.value if assertion.issuer else None
    put("saml:aud", recipients[0] if recipients else None)
    put("saml:iss", issuer)
    if assertion.name_id is not None:
        put("saml:sub", assertion.name_id.value)
        put("saml:sub_type", sub_type(assertion.name_id_format))
    if issuer is not None:
        put("saml:namequalifier", namequalifier(issuer, provider_arn))
    put("saml:doc", "/".join(_account_and_name(provider_arn)))
    for attribute in assertion.attributes:  # only the first claim per key (AWS maps one)
        for key in SAML_ATTRIBUTE_KEYS.get(attribute.name, ()):
            put(key, *(v.value for v in attribute.values))
    tags = {
        a.name[len(aws.PRINCIPAL_TAG_PREFIX) :]: a.values[0].value
        for a in assertion.attributes
        if a.name.startswith(aws.PRINCIPAL_TAG_PREFIX) and a.values
    }
    for key, value in tags.items():
        put(f"aws:principaltag/{key.lower()}", value)
        put(f"aws:requesttag/{key.lower()}", value)
    put("aws:tagkeys", *tags)
    put(
        "sts:transitivetagkeys",
        *(v.value for v in assertion.values(aws.TRANSITIVE_TAG_KEYS_ATTRIBUTE)),
    )
    sources = assertion.values(aws.SOURCE_IDENTITY_ATTRIBUTE)
    put("sts:sourceidentity", sources[0].value if sources else None)
    return found


def key_kind(key: str) -> str:
    """'known', 'unseen' (AWS knows it, the response does not show it) or 'unknown'."""
    lower = key.lower()
    if lower in SAML_KEYS or lower in REQUEST_KEYS or lower.startswith(TAG_KEY_PREFIXES):
        return "known"
    return "unseen" if lower in UNSEEN_KEYS else "unknown"


def required_actions(assertion: AssertionFacts) -> tuple[str, ...]:
    """sts:AssumeRoleWithSAML, plus sts:TagSession with PrincipalTag or TransitiveTagKeys
    attributes, plus sts:SetSourceIdentity with SourceIdentity (IAM user guide, session tags)."""
    names = [a.name for a in assertion.attributes if a.values]
    actions = [ASSUME]
    if any(n.startswith(aws.PRINCIPAL_TAG_PREFIX) for n in names) or (
        aws.TRANSITIVE_TAG_KEYS_ATTRIBUTE in names
    ):
        actions.append(TAG_SESSION)
    if aws.SOURCE_IDENTITY_ATTRIBUTE in names:
        actions.append(SET_SOURCE_IDENTITY)
    return tuple(actions)


def principal_matches(statement: dict[str, Any], provider_arn: str) -> bool:
    """Principal names the provider (Federated, or '*'); NotPrincipal does not name it."""
    if "NotPrincipal" in statement:
        return not _names(statement["NotPrincipal"], provider_arn)
    return _names(statement.get("Principal"), provider_arn)


def _names(principal: Any, provider_arn: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return any(p in ("*", provider_arn) for p in values(principal.get("Federated", [])))


def action_matches(statement: dict[str, Any], action: str) -> bool:
    """Action (or NotAction) patterns against one action, ignoring case, with * and ?."""
    if "NotAction" in statement:
        return not any(glob(p, action, True) for p in values(statement["NotAction"]))
    return any(glob(p, action, True) for p in values(statement.get("Action", [])))


def conditions(statement: dict[str, Any]) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every (operator, key, values) of the statement's Condition block."""
    block = statement.get("Condition") or {}
    if not isinstance(block, dict):
        return []
    return [
        (operator, key, values(wanted))
        for operator, keys in block.items()
        if isinstance(keys, dict)
        for key, wanted in keys.items()
    ]


def check_statement(
    index: int, statement: dict[str, Any], action: str, provider_arn: str, request: Context
) -> StatementCheck:
    checks = []
    for operator, key, wanted in conditions(statement):
        if not known_operator(operator):
            continue  # reported by the rules; IAM refuses to store such a policy
        check = check_condition(operator, key, wanted, request.get(key.lower()), request)
        if key_kind(key) == "unseen":
            check = type(check)(check.operator, key, None, check.values, met=None)
        checks.append(check)
    sid = statement.get("Sid")
    return StatementCheck(
        index=index,
        sid=sid if isinstance(sid, str) else None,
        effect=str(statement.get("Effect")),
        action=action,
        principal_matches=principal_matches(statement, provider_arn),
        action_matches=action_matches(statement, action),
        conditions=tuple(checks),
    )


def evaluate(
    role: RoleFile, role_arn: str, provider_arn: str, assertion: AssertionFacts
) -> PolicyEvaluation:
    """Each action the request needs, decided by the policy's statements."""
    request = context(assertion, provider_arn)
    decisions, checked = [], []
    for action in required_actions(assertion):
        statements = [
            check_statement(i, s, action, provider_arn, request)
            for i, s in enumerate(role.statements, 1)
        ]
        checked += statements
        deny = next((s for s in statements if s.effect == "Deny" and s.applies), None)
        allow = next((s for s in statements if s.effect == "Allow" and s.applies), None)
        if deny is not None:
            decisions.append(ActionDecision(action, "denied", deny))
        else:
            decisions.append(ActionDecision(action, "allowed" if allow else "not-allowed", allow))
    return PolicyEvaluation(role_arn, provider_arn, role.source, tuple(decisions), tuple(checked))
