"""`--at capture` and `--at issued`: each message judged at its own instant, said in the output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from conftest import ROOT, RunCli

CAPTURES = ROOT / "fixtures" / "captures"
METADATA = ROOT / "fixtures" / "idp" / "metadata.xml"
SCHEMA = json.loads((ROOT / "samlcheck" / "schemas" / "report.schema.json").read_text())


def _results(run_cli: RunCli, *args: str) -> list[dict[str, Any]]:
    done = run_cli("check", *args, "--metadata", str(METADATA), "--format", "json")
    assert done.exit_code in (0, 1), done.output
    report = json.loads(done.stdout)
    jsonschema.validate(report, SCHEMA)
    results: list[dict[str, Any]] = report["results"]
    return results


def _late_har(tmp_path: Path) -> Path:
    """signin-chrome.har with its last POST captured ten minutes after the response's issue."""
    har = json.loads((CAPTURES / "signin-chrome.har").read_text())
    har["log"]["entries"][3]["startedDateTime"] = "2026-01-15T12:10:00.000Z"
    path = tmp_path / "late.har"
    path.write_text(json.dumps(har))
    return path


def test_at_capture_judges_each_message_when_its_entry_posted_it(
    run_cli: RunCli, tmp_path: Path
) -> None:
    first, late = _results(run_cli, str(_late_har(tmp_path)), "--at", "capture")
    # the first message is on the IdP's page (12:00:00.5) and posted at 12:00:01: the POST counts
    assert (first["checked_at"], first["checked_at_source"]) == (
        "2026-01-15T12:00:01.000Z",
        "capture",
    )
    assert first["verdict"]["accepted"]
    assert (late["checked_at"], late["checked_at_source"]) == (
        "2026-01-15T12:10:00.000Z",
        "capture",
    )
    assert late["verdict"]["rule"] is not None and not late["verdict"]["accepted"]
    assert "expired" in late["verdict"]["aws_error"]["message"].lower()


def test_at_issued_judges_each_message_one_second_after_its_issue(
    run_cli: RunCli, tmp_path: Path
) -> None:
    results = _results(run_cli, str(_late_har(tmp_path)), "--at", "issued")
    assert [r["checked_at_source"] for r in results] == ["issued", "issued"]
    assert [r["checked_at"] for r in results] == ["2026-01-15T12:00:01.000Z"] * 2
    assert all(r["verdict"]["accepted"] and r["checked_at_note"] is None for r in results)


def test_saml_tracer_timestamps_are_capture_times(run_cli: RunCli) -> None:
    results = _results(run_cli, str(CAPTURES / "saml-tracer.json"), "--at", "capture")
    assert [r["checked_at"] for r in results] == [
        "2026-01-15T12:00:01.000Z",
        "2026-01-15T12:00:01.001Z",
    ][: len(results)]
    assert {r["checked_at_source"] for r in results} == {"capture"}


def test_a_capture_without_timestamp_falls_back_to_issued_and_says_so(run_cli: RunCli) -> None:
    (result,) = _results(run_cli, str(CAPTURES / "response.b64"), "--at", "capture")
    assert result["checked_at_source"] == "issued"
    assert "holds no timestamp" in result["checked_at_note"]
    done = run_cli("check", str(CAPTURES / "response.b64"), "--at", "capture")
    assert "check time    2026-01-15T12:00:01Z (--at capture: the capture holds no" in done.stdout


def test_a_message_without_issue_instant_under_issued_is_judged_now(
    run_cli: RunCli, tmp_path: Path
) -> None:
    bare = tmp_path / "bare.xml"
    bare.write_text(
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="a" Version="2.0"/>'
    )
    (result,) = _results(run_cli, str(bare), "--at", "issued")
    assert result["checked_at_source"] == "now"
    assert "no readable IssueInstant" in result["checked_at_note"]


def test_an_at_instant_and_now_keep_their_meaning(run_cli: RunCli) -> None:
    (fixed,) = _results(run_cli, str(CAPTURES / "response.xml"), "--at", "2026-01-15T12:00:05Z")
    assert (fixed["checked_at"], fixed["checked_at_source"]) == (
        "2026-01-15T12:00:05.000Z",
        "option",
    )
    (now,) = _results(run_cli, str(CAPTURES / "response.xml"))
    assert now["checked_at_source"] == "now" and not now["verdict"]["accepted"]  # long expired


def test_a_bad_at_names_the_modes(run_cli: RunCli) -> None:
    done = run_cli("check", str(CAPTURES / "response.xml"), "--at", "captured")
    assert done.exit_code == 2 and "'capture' or 'issued'" in done.stderr
