"""Trust-policy fixtures (issue 11): a signed response and a role (get-role JSON or a bare policy)
per cause, each with a passing twin, and `samlcheck role` fixtures (fixtures/policy/)."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

import testidp

Spec = testidp.ResponseSpec
PROVIDER, ROLE = testidp.PROVIDER_ARN, testidp.ROLE_ARN
GLOBAL = testidp.SIGNIN
REGIONAL = "https://us-east-2.signin.aws.amazon.com/saml"
ATTR = "https://aws.amazon.com/SAML/Attributes/"


def statement(**changes: Any) -> dict[str, Any]:
    """The console shape: Allow sts:AssumeRoleWithSAML to the provider, saml:aud the endpoint."""
    base: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER},
        "Action": "sts:AssumeRoleWithSAML",
        "Condition": {"StringEquals": {"SAML:aud": GLOBAL}},
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def get_role(document: dict[str, Any], arn: str = ROLE, encoded: bool = False) -> bytes:
    """`aws iam get-role` output; `encoded`: the raw API's URL-encoded policy string."""
    role = {
        "Path": "/",
        "RoleName": arn.rsplit("/", 1)[-1],
        "RoleId": "AROAEXAMPLEEXAMPLE01",
        "Arn": arn,
        "CreateDate": "2026-01-01T00:00:00Z",
        "AssumeRolePolicyDocument": urllib.parse.quote(json.dumps(document))
        if encoded
        else document,
        "MaxSessionDuration": 3600,
    }
    return _json({"Role": role})


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2) + "\n").encode()


@dataclass(frozen=True)
class Case:
    """A response and a role; `rule` is the rule name it triggers (None: allowed)."""

    spec: Spec
    role: bytes
    rule: str | None
    role_option: str = "role"
    """'role' (--role get-role JSON) or 'trust_policy' (--trust-policy bare policy)."""


_TAGGED = Spec(principal_tags=(("team", "dev"),))
_SOURCED = Spec(source_identity="alice")
_API = statement(Condition=None)  # the API shape: no saml:aud condition
_BOTH = statement(Condition={"StringEquals": {"saml:aud": [GLOBAL, REGIONAL]}})

CASES: dict[str, Case] = {
    "console-allowed": Case(Spec(), get_role(policy(statement())), None),
    "api-allowed": Case(Spec(), get_role(policy(_API), encoded=True), None),
    "bare-allowed": Case(Spec(), _json(policy(statement())), None, "trust_policy"),
    "regional-aud": Case(
        Spec(recipient=REGIONAL, destination=REGIONAL),
        get_role(policy(statement())),
        "trust-policy-condition-not-met",
    ),
    "regional-aud-allowed": Case(
        Spec(recipient=REGIONAL, destination=REGIONAL), get_role(policy(_BOTH)), None
    ),
    "role-case": Case(Spec(), get_role(policy(statement()), ROLE.lower()), "role-missing"),
    "no-assume": Case(
        Spec(), get_role(policy(statement(Action="sts:AssumeRole"))), "trust-policy-action-missing"
    ),
    "tags-no-tag-session": Case(
        _TAGGED, get_role(policy(statement())), "trust-policy-action-missing"
    ),
    "tags-allowed": Case(
        _TAGGED,
        get_role(policy(statement(Action=["sts:AssumeRoleWithSAML", "sts:TagSession"]))),
        None,
    ),
    "source-identity-no-permission": Case(
        _SOURCED, get_role(policy(_API)), "trust-policy-action-missing"
    ),
    "source-identity-allowed": Case(
        _SOURCED, get_role(policy(statement(Condition=None, Action="sts:*"))), None
    ),
    "principal-other": Case(
        Spec(),
        get_role(policy(statement(Principal={"Federated": PROVIDER.replace("Example", "Other")}))),
        "trust-policy-principal-mismatch",
    ),
    "deny-wins": Case(
        Spec(),
        get_role(
            policy(
                _API,
                statement(
                    Effect="Deny",
                    Condition={"StringLike": {"saml:sub": "alice@*"}},
                ),
            )
        ),
        "trust-policy-explicit-deny",
    ),
    "deny-not-applying": Case(
        Spec(),
        get_role(
            policy(_API, statement(Effect="Deny", Condition={"StringLike": {"saml:sub": "bob@*"}}))
        ),
        None,
    ),
}

ROLE_CASES: dict[str, tuple[bytes, str | None]] = {
    "role-ok": (get_role(policy(statement())), None),
    "role-no-saml": (
        get_role(policy(statement(Principal={"Service": "ec2.amazonaws.com"}))),
        "trust-policy-allows-no-saml",
    ),
    "role-resource": (_json(policy(statement(Resource="*"))), "trust-policy-resource"),
    "role-unknown-key": (
        _json(policy(statement(Condition={"StringEquals": {"saml:audience": GLOBAL}}))),
        "condition-key-unknown",
    ),
    "role-aud-not-signin": (
        _json(
            policy(statement(Condition={"StringEquals": {"saml:aud": "urn:amazon:webservices"}}))
        ),
        "saml-aud-not-signin-endpoint",
    ),
    "role-max-duration": (
        get_role(policy(statement())).replace(
            b'"MaxSessionDuration": 3600', b'"MaxSessionDuration": 60'
        ),
        "max-session-duration-range",
    ),
    "role-provider-not-listed": (
        _json(policy(statement(Principal={"Federated": PROVIDER.replace("Example", "Gone")}))),
        "trust-policy-provider-not-listed",
    ),
}
PROVIDERS = _json({"SAMLProviderList": [{"Arn": PROVIDER, "ValidUntil": "2030-01-01T00:00:00Z"}]})


def get_saml_provider(idp: testidp.IdP, mode: str, keys: tuple[str, ...] = ()) -> bytes:
    """`aws iam get-saml-provider` output with the Arn key some tools add (the API has none)."""
    document = {
        "Arn": PROVIDER,
        "SAMLProviderUUID": "a1b2c3d4-0000-4000-8000-000000000002",
        "SAMLMetadataDocument": testidp.metadata(idp).decode(),
        "CreateDate": "2026-01-01T00:00:00+00:00",
        "ValidUntil": "2126-01-01T00:00:00+00:00",
        "AssertionEncryptionMode": mode,
        "PrivateKeyList": [{"KeyId": k, "Timestamp": "2026-01-01T00:00:00+00:00"} for k in keys],
    }
    return _json(document)


PROVIDER_FILES = {
    "provider-named.json": get_saml_provider(testidp.idp(), "Allowed"),
    "provider-rotated.json": get_saml_provider(testidp.idp("idp-rotated-2026"), "Allowed"),
    "providers-case.json": PROVIDERS.replace(b"ExampleIdP", b"exampleidp"),
}
"""Provider files for `check --provider/--providers`: the provider named by its own Arn, one whose
metadata holds a rotated certificate, and a provider list that differs from the Role pair's ARN
only in case."""


def fixtures() -> dict[str, bytes]:
    files = {"policy/providers.json": PROVIDERS}
    files.update({f"policy/{name}": data for name, data in PROVIDER_FILES.items()})
    for name, case in CASES.items():
        files[f"policy/{name}.xml"] = testidp.response_xml(case.spec)
        files[f"policy/{name}.json"] = case.role
    for name, (data, _) in ROLE_CASES.items():
        files[f"policy/{name}.json"] = data
    return files
