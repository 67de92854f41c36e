"""The stable JSON output, documented by samlcheck/schemas/report.schema.json."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from samlcheck import __version__
from samlcheck.aws import AwsError
from samlcheck.findings import Finding
from samlcheck.report import Claims, Report, Result


def aws_error_dict(error: AwsError | None) -> dict[str, Any] | None:
    if error is None:
        return None
    return {
        "code": error.code,
        "message": error.text,
        "http_status": error.http_status,
        "service": error.service,
        "code_source": error.code_source,
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule.id,
        "name": finding.rule.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "fix": finding.fix,
        "detail": finding.detail,
        "location": finding.location,
        "aws_error": aws_error_dict(finding.aws_error),
    }


def claims_dict(claims: Claims | None) -> dict[str, Any] | None:
    if claims is None:
        return None
    data = asdict(claims)
    data["audiences"] = list(claims.audiences)
    data["roles"] = [asdict(role) for role in claims.roles]
    return data


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
        "claims": claims_dict(result.claims),
        "summary": [{"label": label, "value": value} for label, value in result.summary],
        "findings": [finding_dict(f) for f in result.findings],
    }


def report_dict(report: Report) -> dict[str, Any]:
    return {"samlcheck": __version__, "results": [result_dict(r) for r in report.results]}


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
