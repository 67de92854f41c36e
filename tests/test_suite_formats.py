"""`samlcheck test --format json|junit|sarif|github`: a suite run for tools and CI, where a broken
expectation is a failure that names its case in every format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, RunCli
from junitparser import Failure, JUnitXml
from referencing import Registry, Resource

SCHEMAS = ROOT / "samlcheck" / "schemas"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
FIXTURES = ROOT / "fixtures"
SUITE = ROOT / "examples" / "suite" / "aws.samlsuite.toml"
BROKEN = "bob: has no role, 100% sure"  # delimiters GitHub needs escaped


def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / name).read_text())
    return loaded


def _validate(document: Any) -> None:
    """Against suite.schema.json, whose results refer to report.schema.json."""
    report = _schema("report.schema.json")
    registry: Registry[Any] = Registry().with_resource(
        report["$id"], Resource.from_contents(report)
    )
    jsonschema.Draft202012Validator(_schema("suite.schema.json"), registry=registry).validate(
        document
    )


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    """Two cases, the second on line 10, expecting an acceptance AWS would refuse."""
    suite = tmp_path / "broken.samlsuite.toml"
    suite.write_text(
        f'[defaults]\nmetadata = ["{FIXTURES / "idp" / "metadata.xml"}"]\nat = "issued"\n\n'
        f'[[case]]\nname = "alice"\ncapture = "{FIXTURES / "captures" / "response.b64"}"\n'
        'expect = "accepted"\n\n'
        f'[[case]]\nname = "{BROKEN}"\n'
        f'capture = "{FIXTURES / "responses" / "role-missing.xml"}"\nexpect = "accepted"\n'
    )
    return suite


def test_json_of_the_example_suite_validates_and_counts(run_cli: RunCli) -> None:
    done = run_cli("test", str(SUITE), "--format", "json")
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    _validate(document)
    assert document["summary"] == {"cases": 12, "passed": 12, "failed": 0}
    refused = [c for c in document["cases"] if not c["answer"]["accepted"]]
    assert len(refused) >= 6 and all(c["passed"] and c["results"] for c in document["cases"])
    assert document["cases"][0]["line"] == SUITE.read_text().splitlines().index("[[case]]") + 1


def test_json_names_the_broken_case(run_cli: RunCli, broken: Path) -> None:
    done = run_cli("test", str(broken), "--format", "json")
    assert done.exit_code == 1
    document = json.loads(done.stdout)
    _validate(document)
    assert document["summary"] == {"cases": 2, "passed": 1, "failed": 1}
    alice, bob = document["cases"]
    assert alice["passed"] and alice["message"] is None
    assert (bob["name"], bob["passed"], bob["line"]) == (BROKEN, False, 10)
    assert bob["answer"]["rule"] == "SC-ATTR-001" and "invalid SAML" in bob["answer"]["aws_error"]
    assert bob["message"].startswith("expected 'accepted'; AWS would answer")


def test_junit_has_a_testcase_per_case_and_fails_the_broken_one(
    run_cli: RunCli, broken: Path
) -> None:
    done = run_cli("test", str(SUITE), str(broken), "--format", "junit")
    assert done.exit_code == 1
    document = JUnitXml.fromstring(done.stdout.encode())
    example, mine = list(document)
    assert (example.name, example.tests, example.failures) == (str(SUITE), 12, 0)
    assert (mine.name, mine.tests, mine.failures, mine.errors) == (str(broken), 2, 1, 0)
    results = {case.name: case.result for case in mine}
    assert results["alice"] == []
    (failure,) = results[BROKEN]
    assert isinstance(failure, Failure)
    assert failure.message.startswith(f"case {BROKEN!r}: expected 'accepted'; AWS would answer")
    assert "SC-ATTR-001" in (failure.text or "")


def test_sarif_validates_and_points_at_the_broken_case(
    run_cli: RunCli, broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(broken.parent)
    done = run_cli("test", broken.name, "--format", "sarif")
    assert done.exit_code == 1
    document = json.loads(done.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(document)
    run = document["runs"][0]
    (result,) = run["results"]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert result["ruleId"] in rules and "SC-ATTR-001" in rules
    assert result["message"]["text"].startswith(f"Case {BROKEN!r}: expected 'accepted'")
    location = result["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": broken.name}, "region": {"startLine": 10}}
    passing = run_cli("test", str(SUITE), "--format", "sarif")
    assert passing.exit_code == 0 and json.loads(passing.stdout)["runs"][0]["results"] == []


def test_github_annotates_the_broken_case_escaped(
    run_cli: RunCli, broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(broken.parent)
    done = run_cli("test", broken.name, "--format", "github")
    assert done.exit_code == 1
    annotation, summary = done.stdout.splitlines()
    title = "samlcheck test%3A bob%3A has no role%2C 100%25 sure"
    assert annotation.startswith(f"::error file={broken.name},line=10,title={title}::expected ")
    assert "AWS would answer 'Your request included an invalid SAML response" in annotation
    assert summary == "2 cases: 1 passed, 1 failed"


def test_text_stays_one_line_per_case(run_cli: RunCli, broken: Path) -> None:
    done = run_cli("test", str(broken))
    assert done.exit_code == 1
    lines = done.stdout.splitlines()
    assert lines[:2] == ["pass  alice", f"FAIL  {BROKEN}"]
    assert lines[2].startswith("      expected 'accepted'; AWS would answer 'Your request")
    assert lines[3:] == ["", "2 cases: 1 passed, 1 failed"]
