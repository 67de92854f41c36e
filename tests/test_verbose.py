"""Less noise: background facts and long details appear in text only with --verbose, in JSON
always."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import testidp
from conftest import RunCli

from samlcheck._internal.render import render
from samlcheck._internal.report import Report, Result
from samlcheck._internal.rules.signature import KEY_NOT_IN_ANCHORS

ROOT = Path(__file__).resolve().parent.parent
VALID = str(ROOT / "fixtures" / "responses" / "valid.xml")
METADATA = str(ROOT / "fixtures" / "idp" / "metadata.xml")
AT = ("--at", testidp.CHECK_AT)
SCHEMA = json.loads((ROOT / "samlcheck" / "schemas" / "report.schema.json").read_text())
FULL = "SHA-256 8F:FF:71:03:BF:A8:6E:5F:A2:31:9B:4D:B0:3D:27:36:25:8F:11:74:D5:71:35:6E:6B:E9"


def test_signature_coverage_shows_in_text_only_with_verbose(run_cli: RunCli) -> None:
    quiet = run_cli("check", VALID, "--metadata", METADATA, *AT)
    loud = run_cli("check", VALID, "--metadata", METADATA, *AT, "--verbose")
    assert quiet.exit_code == loud.exit_code == 0
    assert "SC-SIG-019" not in quiet.stdout and "findings" not in quiet.stdout
    assert "SC-SIG-019 signature-coverage" in loud.stdout


def test_signature_coverage_is_always_in_json(run_cli: RunCli) -> None:
    result = run_cli("check", VALID, "--metadata", METADATA, *AT, "--format", "json")
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    assert "SC-SIG-019" in [f["rule"] for f in document["results"][0]["findings"]]


def detailed() -> Report:
    finding = KEY_NOT_IN_ANCHORS.finding(
        "signed with a certificate not in the metadata", detail=FULL
    )
    return Report((Result(source="r.xml", kind="response", findings=(finding,)),))


def test_a_finding_detail_shows_in_text_only_with_verbose() -> None:
    assert FULL not in render(detailed(), "text")
    assert f"detail: {FULL}" in " ".join(render(detailed(), "text", verbose=True).split())


def test_a_finding_detail_is_always_in_json() -> None:
    document = json.loads(render(detailed(), "json"))
    jsonschema.validate(document, SCHEMA)
    assert document["results"][0]["findings"][0]["detail"] == FULL
