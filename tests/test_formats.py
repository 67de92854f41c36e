"""The CI formats: JUnit (read back with junitparser), SARIF (validated against the OASIS
schema), GitHub workflow commands (escaped as the runner requires) and the JSON summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fixtures_responses
import jsonschema
import pytest
import testidp
from conftest import RunCli
from junitparser import Error, Failure, JUnitXml, TestSuite
from lxml import etree

from samlcheck._internal.aws import Evidence
from samlcheck._internal.findings import Rule, Severity
from samlcheck._internal.render import render
from samlcheck._internal.render.github import escape_data, escape_property
from samlcheck._internal.report import Report, Result

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
METADATA = str(FIXTURES / fixtures_responses.METADATA)
AT = ("--at", testidp.CHECK_AT)
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
ACCEPTED, REJECTED = "valid", "role-space-after-comma"

ODD = Rule(
    id="SC-TEST-002",
    name="odd-text",
    severity=Severity.ERROR,
    summary="A rule for the format tests.",
    fix="Fix 100%: a, b.",
    evidence=Evidence.INFERRED,
    source="the format tests",
)


def response(name: str) -> str:
    return str(FIXTURES / "responses" / f"{name}.xml")


def check(run_cli: RunCli, fmt: str, *files: str) -> tuple[int, str]:
    result = run_cli("check", *files, "--metadata", METADATA, *AT, "--format", fmt)
    return result.exit_code, result.stdout


def test_junit_has_a_testcase_per_input_and_a_failure_per_rejection(run_cli: RunCli) -> None:
    code, out = check(
        run_cli, "junit", response(ACCEPTED), response(REJECTED), response("unsigned")
    )
    assert code == 1
    document = JUnitXml.fromstring(out.encode())
    suites = list(document) if not isinstance(document, TestSuite) else [document]
    assert [s.name for s in suites] == ["samlcheck check"]
    suite = suites[0]
    assert (suite.tests, suite.failures, suite.errors) == (3, 2, 0)
    assert (document.tests, document.failures) == (3, 2)
    cases = {case.name: case for case in suite}
    assert cases[response(ACCEPTED)].is_passed
    failure = cases[response(REJECTED)].result[0]
    assert isinstance(failure, Failure)
    assert failure.message.startswith("AWS would answer: Your request included an invalid SAML")
    assert failure.type.startswith("SC-ATTR-")
    assert "whitespace around the comma" in (failure.text or "")  # the evidence
    assert "fix:" in (failure.text or "")


def test_junit_renders_suite_cases_for_other_commands() -> None:
    from samlcheck._internal.render.junit import Failure as CaseFailure
    from samlcheck._internal.render.junit import render_cases

    cases = [
        ("passes", None),
        ("broken", CaseFailure("expected accepted", "AWS would answer: X")),
        ("unreadable", CaseFailure("cannot read", error=True)),
        ("judged", Result(source="b.xml", kind="metadata")),
    ]
    document = JUnitXml.fromstring(render_cases("suite.toml", cases).encode())
    suite = next(iter(document))
    assert (suite.name, suite.tests, suite.failures, suite.errors) == ("suite.toml", 4, 1, 1)
    results = {case.name: case.result for case in suite}
    assert results["passes"] == [] and results["judged"] == []
    assert isinstance(results["unreadable"][0], Error)


def _sarif(out: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(out)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    return document


def test_sarif_validates_and_locates_findings_at_their_element(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    capture = "fixtures/captures/response.xml"  # judged now: expired, at its Conditions
    result = run_cli("check", capture, "fixtures/captures/response.b64", "--format", "sarif")
    assert result.exit_code == 1
    run = _sarif(result.stdout)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    expired = next(r for r in run["results"] if r["ruleId"] == "SC-RESP-040")
    assert expired["level"] == "error"
    assert rules[expired["ruleIndex"]]["id"] == "SC-RESP-040"
    assert rules[expired["ruleIndex"]]["properties"]["aws_error"]["message"]
    assert expired["message"]["text"].startswith('AWS would answer "Response has expired" because')
    physical = expired["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == capture
    conditions = etree.parse(capture).find(f".//{SAML}Conditions")
    assert conditions is not None
    assert physical["region"]["startLine"] == conditions.sourceline
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["SC-SIG-005"] == "warning" and levels["SC-RESP-043"] == "note"
    b64 = [r for r in run["results"] if r["properties"]["input"].endswith(".b64")]
    assert b64 and all("region" not in r["locations"][0]["physicalLocation"] for r in b64)
    assert run["properties"]["summary"]["rejected"] == 2


def test_sarif_for_metadata_points_at_the_certificate_line(run_cli: RunCli) -> None:
    path = FIXTURES / "metadata" / "expired-certificate.xml"
    result = run_cli("metadata", str(path), "--format", "sarif")
    run = _sarif(result.stdout)["runs"][0]
    located = [r for r in run["results"] if "X509Certificate" in json.dumps(r["locations"])]
    assert located
    certificate = etree.parse(str(path)).find(
        ".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate"
    )
    assert certificate is not None
    region = located[0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == certificate.sourceline


def test_github_escapes_data_and_properties() -> None:
    assert escape_data("100% a:b, c\nd\re") == "100%25 a:b, c%0Ad%0De"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert escape_data("\x1b[2J\u202e") == "\\x1b[2J\\u202e"  # shown, never obeyed


def test_github_annotation_for_a_file_named_with_delimiters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a,b:c.xml").write_text("<Response>\n<Status/>\n</Response>\n")
    finding = ODD.finding("50% off: a, b\nnext line", "/Response/Status")
    out = render(
        Report((Result(source="a,b:c.xml", kind="response", findings=(finding,)),)), "github"
    )
    first, last = out.splitlines()
    assert first == (
        "::error file=a%2Cb%3Ac.xml,line=2,title=SC-TEST-002 odd-text::"
        "50%25 off: a, b%0Anext line. Fix: Fix 100%25: a, b."
    )
    assert last == "1 input: 0 accepted, 1 rejected"


def test_json_summary_counts_every_input(run_cli: RunCli) -> None:
    code, out = check(run_cli, "json", response(ACCEPTED), response(REJECTED), response(REJECTED))
    assert code == 1
    summary = json.loads(out)["summary"]
    assert summary == {"inputs": 3, "accepted": 1, "rejected": 2, "unjudged": 0, "unreadable": 0}


def test_tally_counts_unjudged_and_unreadable_once() -> None:
    from samlcheck._internal.rules.signature import UNVERIFIABLE

    unjudged = Result(source="u", kind="response", findings=(UNVERIFIABLE.finding("no anchor"),))
    unreadable = Result(source="x", kind="input", findings=(ODD.finding("not SAML"),))
    tally = Report((unjudged, unreadable, Result(source="a", kind="key"))).tally()
    assert (tally.inputs, tally.accepted, tally.rejected) == (3, 1, 0)
    assert (tally.unjudged, tally.unreadable) == (1, 1)


@pytest.mark.parametrize("fmt", ["junit", "sarif", "github"])
def test_control_characters_are_shown_not_obeyed(fmt: str) -> None:
    finding = ODD.finding("evil \x1b]0;title\x07 \u202eflip \x00", "/Response")
    out = render(Report((Result(source="-", kind="response", findings=(finding,)),)), fmt)
    assert not any(c in out for c in "\x1b\x07\u202e\x00")
    assert "\\x1b" in out and "\\u202e" in out
    if fmt == "sarif":
        _sarif(out)
