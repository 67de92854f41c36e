"""SARIF 2.1.0 for code scanning (GitHub uploads it): the rule catalogue as the tool's rules, a
result per finding, located in its input file (and, for XML inputs, at its element's line)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samlcheck import __version__
from samlcheck._internal.aws import ERRORS
from samlcheck._internal.findings import Finding, Rule, Severity
from samlcheck._internal.render.json import aws_error_dict
from samlcheck._internal.render.locations import LastFile, XmlLines, input_file, uri
from samlcheck._internal.render.safe import clean
from samlcheck._internal.report import Report, Result, Tally

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A rule as SARIF's reportingDescriptor: what it checks, the fix, the AWS error, evidence."""
    error = ERRORS[rule.aws_error] if rule.aws_error else None
    answer = f" AWS answers: {error.text}" if error else ""
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {
            "text": f"{rule.summary}{answer} Evidence: {rule.evidence.value} ({rule.source})."
        },
        "help": {"text": f"Fix: {rule.fix}"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "severity": rule.severity.value,
            "evidence": rule.evidence.value,
            "source": rule.source,
            "stage": rule.stage,
            "aws_error": aws_error_dict(error),
            "tags": ["saml", "aws-iam", rule.stage],
        },
    }
    if rule.url:
        descriptor["helpUri"] = rule.url
    return descriptor


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def finding_text(finding: Finding, decisive: bool) -> str:
    """The finding in one paragraph: AWS's answer first when it decides the verdict, the fix."""
    text = _sentence(finding.message)
    if decisive and finding.aws_error is not None:
        text = f'AWS would answer "{finding.aws_error.text}" because {text}'
    return text if finding.severity is Severity.INFO else f"{text} Fix: {finding.fix}"


def _location(finding: Finding, file: Path | None, lines: XmlLines | None) -> list[dict[str, Any]]:
    where: dict[str, Any] = {}
    if file is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri(file)}}
        line = lines.line(finding.location) if lines and finding.location else None
        if line is not None:
            physical["region"] = {"startLine": line}
        where["physicalLocation"] = physical
    if finding.location:
        where["logicalLocations"] = [{"fullyQualifiedName": finding.location, "kind": "element"}]
    return [where] if where else []


def sarif_results(result: Result, index: dict[str, int], xml: LastFile) -> list[Any]:
    """SARIF's result entries for every finding of `result` (cleaned of control characters);
    `index` gives each rule's position in the driver's rules."""
    result = clean(result)  # control characters as visible escapes (GitHub shows these texts)
    file = input_file(result.source)
    lines = xml(file)
    decisive = result.verdict.finding
    found = []
    for finding in result.findings:
        entry: dict[str, Any] = {
            "ruleId": finding.rule.id,
            "level": LEVELS[finding.severity],
            "message": {"text": finding_text(finding, finding is decisive)},
            "locations": _location(finding, file, lines),
            "properties": {
                "input": result.source,
                "kind": result.kind,
                "decides_verdict": finding is decisive,
                "fix": finding.fix,
                "detail": finding.detail,
            },
        }
        if finding.rule.id in index:
            entry["ruleIndex"] = index[finding.rule.id]
        found.append(entry)
    return found


def sarif_dict(report: Report) -> dict[str, Any]:
    """The SARIF log of one run: every rule samlcheck has, then every finding of every input."""
    index, xml = rule_index(), LastFile()
    found = [entry for result in report.results for entry in sarif_results(result, index, xml)]
    return sarif_frame(report.tally(), found)


def rule_index() -> dict[str, int]:
    """Each rule's position in the driver's rules (a result's ruleIndex)."""
    from samlcheck._internal.rules import all_rules

    return {rule.id: number for number, rule in enumerate(all_rules())}


def sarif_frame(tally: Tally, results: list[Any]) -> dict[str, Any]:
    """The SARIF log of one run with these result entries and the run's counts."""
    from dataclasses import asdict

    run = {
        "tool": {"driver": driver()},
        "results": results,
        "properties": {"summary": asdict(tally)},
    }
    return log(run)


def driver(*extra: dict[str, Any]) -> dict[str, Any]:
    """samlcheck as SARIF's tool driver: every rule of the catalogue, then `extra` descriptors."""
    from samlcheck._internal.rules import all_rules

    return {
        "name": "samlcheck",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": "https://pypi.org/project/samlcheck/",
        "rules": [*(rule_descriptor(rule) for rule in all_rules()), *extra],
    }


def log(run: dict[str, Any]) -> dict[str, Any]:
    """A SARIF 2.1.0 log of one run."""
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(report: Report) -> str:
    from samlcheck._internal.render.json import dumps

    return dumps(sarif_dict(report))
