"""The stable JSON output, documented by samlcheck/schemas/report.schema.json."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from samlcheck import __version__
from samlcheck._internal.aws import ERRORS, AwsError
from samlcheck._internal.evaluation import PolicyEvaluation
from samlcheck._internal.findings import Finding, Rule
from samlcheck._internal.report import Claims, Report, Result

Explained = tuple[tuple[AwsError, tuple[Rule, ...]], ...]


def aws_error_dict(error: AwsError | None) -> dict[str, Any] | None:
    if error is None:
        return None
    return {
        "code": error.code,
        "message": error.text,
        "http_status": error.http_status,
        "service": error.service,
        "code_source": error.code_source.value if error.code_source else "unknown",
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule.id,
        "name": finding.rule.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "fix": finding.fix,
        "location": finding.location,
        "aws_error": aws_error_dict(finding.aws_error),
        "detail": finding.detail,
    }


def claims_dict(claims: Claims | None, kind: str) -> dict[str, Any] | None:
    """The nine claim values; for a response always an object (empty values when none)."""
    if claims is None and kind != "response":
        return None
    claims = claims or Claims()
    data = _fields(claims)  # its values are text, numbers and None but for these three
    data["audiences"] = list(claims.audiences)
    data["roles"] = [_fields(role) for role in claims.roles]
    data["principal_tags"] = dict(claims.principal_tags)
    return data


def _fields(item: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict, shallow: `asdict` deep-copies every value, a third of the
    time a result takes to render."""
    return {name: getattr(item, name) for name in item.__dataclass_fields__}


def result_dict(result: Result) -> dict[str, Any]:
    verdict = result.verdict
    return {
        "source": result.source,
        "kind": result.kind,
        "verdict": {
            "accepted": verdict.accepted,
            "aws_error": aws_error_dict(verdict.aws_error),
            "rule": verdict.finding.rule.id if verdict.finding else None,
            "unjudged": list(verdict.unjudged),
        },
        "signature": {"status": result.signature.status, "signed": list(result.signature.signed)},
        "claims": claims_dict(result.claims, result.kind),
        "unverified_claims": claims_dict(result.unverified_claims, result.kind),
        "summary": [{"label": label, "value": value} for label, value in result.summary],
        "findings": [finding_dict(f) for f in result.findings],
        "commands": list(result.commands),
        "policy": [policy_dict(p) for p in result.policy],
        **_checked_at(result),
    }


def policy_dict(evaluation: PolicyEvaluation) -> dict[str, Any]:
    """One trust-policy evaluation: each action's decision, each statement and condition."""
    return {
        "role_arn": evaluation.role_arn,
        "provider_arn": evaluation.provider_arn,
        "source": evaluation.source,
        "allowed": evaluation.allowed,
        "actions": [
            {
                "action": d.action,
                "decision": d.decision,
                "statement": d.deciding.index if d.deciding else None,
            }
            for d in evaluation.decisions
        ],
        "statements": [
            {
                "index": s.index,
                "sid": s.sid,
                "effect": s.effect,
                "action": s.action,
                "principal_matches": s.principal_matches,
                "action_matches": s.action_matches,
                "applies": s.applies,
                "conditions": [
                    {
                        "operator": c.operator,
                        "key": c.key,
                        "response": "absent" if c.context is None else list(c.context),
                        "policy": list(c.values),
                        "met": c.met,
                    }
                    for c in s.conditions
                ],
            }
            for s in evaluation.statements
        ],
    }


def _checked_at(result: Result) -> dict[str, Any]:
    """When a SAML message was judged and where that instant came from (messages only)."""
    when = result.checked_at
    if when is None:
        return {}
    return {
        "checked_at": when.at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "checked_at_source": when.source,
        "checked_at_note": when.note or None,
    }


def rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "name": rule.name,
        "severity": rule.severity.value,
        "stage": rule.stage,
        "summary": rule.summary,
        "fix": rule.fix,
        "aws_error": aws_error_dict(ERRORS[rule.aws_error]) if rule.aws_error else None,
        "source": rule.source,
        "evidence": rule.evidence.value,
        "seed_section": rule.seed_section,
        "url": rule.url,
    }


def explanation_json(query: str | None, errors: Explained, rules: tuple[Rule, ...]) -> str:
    """`explain --format json`, documented by samlcheck/schemas/explain.schema.json."""
    document = {
        "samlcheck": __version__,
        "query": query,
        "errors": [
            {
                **(aws_error_dict(error) or {}),
                "heading": error.heading,
                "documented": error.source,
                "causes": error.causes,
                "fix": error.remediation,
                "detected_by": [r.id for r in detected],
            }
            for error, detected in errors
        ],
        "rules": [rule_dict(rule) for rule in rules],
    }
    return dumps(document)


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "samlcheck": __version__,
        "summary": asdict(report.tally()),
        "results": [result_dict(r) for r in report.results],
    }


def render_json(report: Report) -> str:
    return dumps(report_dict(report))


def dumps(document: Any) -> str:
    """`json.dumps(document, indent=2, ensure_ascii=False)` and a newline, character for character.
    With an indent, json leaves its C encoder for a pure-Python one that yields each piece
    through a chain of generators; this walk appends them to one list, in half the time."""
    out: list[str] = []
    _layout(document, "\n", out)
    out.append("\n")
    return "".join(out)


_STRING = json.encoder.encode_basestring
"""How json writes a string when it may hold any character (ensure_ascii=False)."""
_LITERALS = {None: "null", True: "true", False: "false"}
_SCALAR = json.JSONEncoder(ensure_ascii=False).encode
"""What json writes for a number, true, false or null (and the error it raises for the rest)."""


def _layout(value: Any, newline: str, out: list[str]) -> None:
    """Append `value` as indented JSON, `newline` being the line break and indent before it."""
    if isinstance(value, str):
        out.append(_STRING(value))
    elif value is None or value is True or value is False:
        out.append(_LITERALS[value])
    elif isinstance(value, dict) and all(isinstance(key, str) for key in value):
        inner, opening = newline + "  ", "{"
        for key, item in value.items():
            out.append(f"{opening}{inner}{_STRING(key)}: ")
            _layout(item, inner, out)
            opening = ","
        out.append(newline + "}" if value else "{}")
    elif isinstance(value, list | tuple):
        inner, opening = newline + "  ", "["
        for item in value:
            out.append(opening + inner)
            _layout(item, inner, out)
            opening = ","
        out.append(newline + "]" if value else "[]")
    elif isinstance(value, dict):  # keys json turns into strings: its own encoder
        out.append(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline))
    else:
        out.append(_SCALAR(value))
