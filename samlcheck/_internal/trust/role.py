"""What IAM holds about a role and its SAML providers: `aws iam get-role` JSON, a bare trust
policy, `aws iam list-saml-providers` JSON (IAM API reference: GetRole, ListSAMLProviders)."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.files import Upload, load_json, read_file

_ROLE_HINT = "Save the output of: aws iam get-role --role-name NAME > role.json (or a bare policy)"
_PROVIDERS_HINT = "Save the output of: aws iam list-saml-providers > providers.json"


@dataclass(frozen=True)
class RoleFile:
    """A role's trust policy, with what get-role says besides (None for a bare policy)."""

    source: str
    policy: dict[str, Any]
    arn: str | None = None
    max_session_duration: int | None = None

    @property
    def statements(self) -> list[dict[str, Any]]:
        """The policy's statements (a single object counts as a list of one)."""
        found = self.policy.get("Statement", [])
        return [found] if isinstance(found, dict) else list(found)


def read_role(path: Path | str | Upload) -> RoleFile:
    """A `get-role` JSON file or a bare policy document; `InputError` when it is neither."""
    return role_from_dict(load_json(read_file(path, "role"), str(path), _ROLE_HINT), str(path))


def role_from_dict(document: Any, source: str) -> RoleFile:
    """A parsed `get-role` answer (file JSON or boto3's dict) or a bare policy document."""
    if not isinstance(document, dict):
        raise InputError(source, "the JSON is not an object", _ROLE_HINT)
    if "Statement" in document:
        return RoleFile(source, _policy(document, source))
    role = document.get("Role", document if "AssumeRolePolicyDocument" in document else None)
    if not isinstance(role, dict) or "AssumeRolePolicyDocument" not in role:
        raise InputError(
            source, "holds neither Role.AssumeRolePolicyDocument nor a Statement", _ROLE_HINT
        )
    duration = role.get("MaxSessionDuration")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int)):
        raise InputError(source, f"MaxSessionDuration {duration!r} is not an integer", _ROLE_HINT)
    arn = role.get("Arn")
    return RoleFile(
        source,
        _policy(role["AssumeRolePolicyDocument"], source),
        arn if isinstance(arn, str) else None,
        duration,
    )


def _policy(document: Any, source: str) -> dict[str, Any]:
    """The policy object; the raw API's URL-encoded string is decoded first."""
    if isinstance(document, str):
        document = load_json(
            urllib.parse.unquote(document).encode("utf-8"),
            f"{source} (AssumeRolePolicyDocument)",
            _ROLE_HINT,
        )
    if not isinstance(document, dict):
        raise InputError(source, "the trust policy is not a JSON object", _ROLE_HINT)
    statements = document.get("Statement")
    items = [statements] if isinstance(statements, dict) else statements
    if not isinstance(items, list) or not all(isinstance(s, dict) for s in items):
        raise InputError(
            source, "the trust policy's Statement is not a list of objects", _ROLE_HINT
        )
    for number, statement in enumerate(items, 1):
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise InputError(
                source,
                f"statement {number} has Effect {statement.get('Effect')!r}, not Allow or Deny",
                "IAM accepts only these two (case sensitive).",
            )
    return document


def read_providers(path: Path | str) -> tuple[str, ...]:
    """The provider ARNs a `list-saml-providers` JSON file lists."""
    source = str(path)
    document = load_json(read_file(path, "provider list"), source, _PROVIDERS_HINT)
    return providers_from_dict(document, source)


def providers_from_dict(document: Any, source: str) -> tuple[str, ...]:
    """The provider ARNs of a parsed `list-saml-providers` answer (file JSON or boto3's dict)."""
    listed = document.get("SAMLProviderList") if isinstance(document, dict) else None
    if not isinstance(listed, list):
        raise InputError(source, "has no SAMLProviderList", _PROVIDERS_HINT)
    arns = [item.get("Arn") for item in listed if isinstance(item, dict)]
    if len(arns) != len(listed) or not all(isinstance(a, str) for a in arns):
        raise InputError(source, "a SAMLProviderList entry has no Arn", _PROVIDERS_HINT)
    return tuple(str(a) for a in arns)


def values(element: Any) -> tuple[str, ...]:
    """A policy element that is a string or a list of strings, as a tuple (JSON true: 'true')."""
    items = element if isinstance(element, list) else [element]
    return tuple(
        ("true" if v else "false") if isinstance(v, bool) else str(v)
        for v in items
        if v is not None
    )
