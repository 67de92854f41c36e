"""`samlcheck check`: exit codes, text and JSON output, options and unreadable input."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import fixtures_responses
import testidp
from conftest import RunCli
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
METADATA = str(FIXTURES / fixtures_responses.METADATA)
AT = ("--at", testidp.CHECK_AT)
SAML = {"saml": testidp.SAML}


def response(name: str) -> str:
    return str(FIXTURES / "responses" / f"{name}.xml")


def test_accepted_response_exits_0(run_cli: RunCli) -> None:
    result = run_cli("check", response("valid"), "--metadata", METADATA, *AT)
    assert result.exit_code == 0, result.output
    assert "accepted" in result.stdout


def test_rejected_response_exits_1_with_the_aws_error(run_cli: RunCli) -> None:
    result = run_cli("check", response("role-space-after-comma"), "--metadata", METADATA, *AT)
    assert result.exit_code == 1
    assert "Your request included an invalid SAML response" in result.stdout
    assert "whitespace around the comma" in result.stdout


def test_json_claims_match_the_signed_content(run_cli: RunCli) -> None:
    result = run_cli("check", response("valid"), "--metadata", METADATA, *AT, "--format", "json")
    assert result.exit_code == 0, result.output
    claims = json.loads(result.stdout)["results"][0]["claims"]
    signed = etree.parse(response("valid")).getroot().find("saml:Assertion", SAML)
    assert signed is not None

    def text(path: str) -> list[str]:
        return [n.text or "" for n in signed.findall(path, SAML)]

    attr = "saml:AttributeStatement/saml:Attribute[@Name='https://aws.amazon.com/SAML/Attributes/{}']/saml:AttributeValue"
    assert claims["issuer"] == text("saml:Issuer")[0]
    assert claims["name_id"] == text("saml:Subject/saml:NameID")[0]
    assert claims["audiences"] == text("saml:Conditions/saml:AudienceRestriction/saml:Audience")
    data = signed.find("saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData", SAML)
    assert data is not None and claims["recipient"] == data.get("Recipient")
    assert claims["role_session_name"] == text(attr.format("RoleSessionName"))[0]
    role, provider = text(attr.format("Role"))[0].split(",")
    assert claims["roles"] == [{"role_arn": role, "provider_arn": provider}]


def test_json_validates_against_the_published_schema(run_cli: RunCli) -> None:
    import jsonschema

    schema = json.loads((ROOT / "samlcheck" / "schemas" / "report.schema.json").read_text())
    for name in ("valid", "unsigned", "rotated-certificate", "expired"):
        result = run_cli("check", response(name), "--metadata", METADATA, *AT, "--format", "json")
        jsonschema.validate(json.loads(result.stdout), schema)


def test_wrapped_response_json_has_no_attacker_claims(run_cli: RunCli) -> None:
    import xsw

    path = str(FIXTURES / "responses" / "attacks" / "xsw7.xml")
    result = run_cli("check", path, "--metadata", METADATA, *AT, "--format", "json")
    assert result.exit_code == 1
    (entry,) = json.loads(result.stdout)["results"]
    assert entry["verdict"]["aws_error"]["message"] == "Response signature invalid"
    assert all(v not in json.dumps(entry["claims"]) for v in xsw.ATTACKER_VALUES)


def test_no_anchor_reports_unverifiable_and_the_carried_certificate(run_cli: RunCli) -> None:
    result = run_cli("check", response("valid"), *AT, "--format", "json")
    entry = json.loads(result.stdout)["results"][0]
    assert entry["signature"]["status"] == "unverifiable"
    assert any("CN=idp.example.test" in f["message"] for f in entry["findings"])


def test_cert_option_is_an_anchor(run_cli: RunCli) -> None:
    cert = str(FIXTURES / fixtures_responses.SIGNING_CERT)
    args = ("check", response("valid"), *AT, "--format", "json")
    result = run_cli(*args, "--cert", cert)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"][0]["signature"]["status"] == "valid"
    without = json.loads(run_cli(*args).stdout)["results"][0]
    assert without["signature"]["status"] == "unverifiable"


def test_base64_capture_on_stdin(run_cli: RunCli) -> None:
    data = testidp.as_base64(Path(response("valid")).read_bytes())
    result = run_cli("check", "-", "--metadata", METADATA, *AT, "--format", "json", input=data)
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["results"]
    assert entry["kind"] == "response"
    assert entry["verdict"]["accepted"] is True
    assert entry["claims"]["name_id"] == "alice@example.test"


def test_har_with_two_responses_checks_both(run_cli: RunCli, tmp_path: Path) -> None:
    good = Path(response("valid")).read_bytes()
    bad = Path(response("session-name-space")).read_bytes()
    har = tmp_path / "trace.har"
    har.write_bytes(testidp.as_har([testidp.HarPost(good), testidp.HarPost(bad)]))
    result = run_cli("check", str(har), "--metadata", METADATA, *AT, "--format", "json")
    assert result.exit_code == 1
    verdicts = [r["verdict"]["accepted"] for r in json.loads(result.stdout)["results"]]
    assert verdicts == [True, False]


def test_role_and_provider_options(run_cli: RunCli) -> None:
    other = fixtures_responses.OTHER_PROVIDER
    result = run_cli(
        "check", response("valid"), "--metadata", METADATA, *AT, "--provider-arn", other
    )
    assert result.exit_code == 1
    assert "Specified provider doesn't exist" in result.stdout
    ok = run_cli(
        "check",
        response("valid"),
        "--metadata",
        METADATA,
        *AT,
        "--role-arn",
        testidp.ROLE_ARN,
        "--provider-arn",
        testidp.PROVIDER_ARN,
    )
    assert ok.exit_code == 0, ok.output


def test_duration_above_the_role_maximum(run_cli: RunCli) -> None:
    result = run_cli(
        "check",
        response("valid"),
        "--metadata",
        METADATA,
        *AT,
        "--duration-seconds",
        "7200",
        "--max-session-duration",
        "3600",
    )
    assert result.exit_code == 1
    assert "MaxSessionDuration" in result.stdout


def test_encrypted_response_with_sp_key(run_cli: RunCli) -> None:
    key = str(FIXTURES / fixtures_responses.SP_KEY)
    args = ("check", response("valid-encrypted"), "--metadata", METADATA, *AT, "--format", "json")
    entry = json.loads(run_cli(*args, "--sp-key", key).stdout)["results"][0]
    assert entry["claims"]["name_id"] == "alice@example.test"
    sealed = json.loads(run_cli(*args).stdout)["results"][0]
    assert sealed["claims"]["name_id"] is None and sealed["unverified_claims"]["name_id"] is None


def test_encryption_mode_required_rejects_plaintext(run_cli: RunCli) -> None:
    args = ("check", response("valid"), "--metadata", METADATA, *AT, "--format", "json")
    result = run_cli(*args, "--encryption-mode", "Required")
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)["results"][0]["verdict"]
    assert verdict["rule"] == "SC-ENC-010"
    assert verdict["aws_error"]["message"].startswith("Your request included an invalid SAML")
    assert run_cli(*args, "--encryption-mode", "Allowed").exit_code == 0


def test_bad_at_is_exit_2_with_one_line(run_cli: RunCli) -> None:
    result = run_cli("check", response("valid"), "--at", "yesterday")
    assert result.exit_code == 2
    assert "--at" in result.stderr and "Traceback" not in result.output


def test_duration_out_of_range_is_exit_2(run_cli: RunCli) -> None:
    result = run_cli("check", response("valid"), "--duration-seconds", "60")
    assert result.exit_code == 2
    assert "900..43200" in result.stderr


def test_missing_metadata_is_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("check", response("valid"), "--metadata", str(tmp_path / "nope.xml"))
    assert result.exit_code == 2
    assert "nope.xml" in result.stderr


def test_missing_capture_is_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("check", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "nope.txt" in line and "no such file" in line
    assert result.stdout == ""


def test_hostile_xml_is_a_finding_not_a_crash(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>')
    result = run_cli("check", str(path), "--metadata", METADATA, "--format", "json")
    assert result.exit_code == 1, result.output
    (entry,) = json.loads(result.stdout)["results"]
    assert entry["verdict"]["rule"] == "SC-INPUT-002"
    assert "DOCTYPE" in entry["findings"][0]["message"]


def _rule_ids(stdout: str) -> list[str]:
    return [f["rule"] for r in json.loads(stdout)["results"] for f in r["findings"]]


def test_truncated_payload_gives_payload_not_xml(run_cli: RunCli, tmp_path: Path) -> None:
    start = b'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r">'
    path = tmp_path / "truncated.b64"
    path.write_bytes(base64.b64encode(start + b"<samlp:Status>"))
    result = run_cli("check", str(path), "--metadata", METADATA, "--format", "json")
    assert result.exit_code == 1, result.output
    assert _rule_ids(result.stdout) == ["SC-INPUT-001"]


def test_two_concatenated_documents_give_multiple_documents(run_cli: RunCli) -> None:
    capture = str(FIXTURES / "captures" / "two-documents.b64")
    result = run_cli("check", capture, "--metadata", METADATA, "--format", "json")
    assert result.exit_code == 1, result.output
    assert _rule_ids(result.stdout) == ["SC-INPUT-003"]


def test_deeply_nested_payload_gives_document_too_deep(run_cli: RunCli, tmp_path: Path) -> None:
    root = b'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r">'
    path = tmp_path / "deep.xml"
    path.write_bytes(root + b"<a>" * 300 + b"</a>" * 300 + b"</samlp:Response>")
    result = run_cli("check", str(path), "--metadata", METADATA, "--format", "json")
    assert result.exit_code == 1, result.output
    assert _rule_ids(result.stdout) == ["SC-INPUT-004"]


def _verdict(run_cli: RunCli, *args: str) -> dict[str, Any]:
    result = run_cli("check", *args, *AT, "--format", "json")
    assert result.exit_code == 0, result.output
    verdict: dict[str, Any] = json.loads(result.stdout)["results"][0]["verdict"]
    return verdict


def test_without_an_anchor_the_verdict_says_the_signature_was_not_judged(run_cli: RunCli) -> None:
    verdict = _verdict(run_cli, response("no-anchor"))
    assert verdict["accepted"] is True
    assert verdict["unjudged"] == [
        "the signature: no trust anchor was given (--metadata or --cert)"
    ]


def test_without_a_key_the_verdict_says_the_assertion_was_not_judged(run_cli: RunCli) -> None:
    verdict = _verdict(run_cli, response("encrypted-no-key"), "--metadata", METADATA)
    assert verdict["unjudged"] == [
        "the assertion and its signature: they are inside the ciphertext and no --sp-key was "
        "given to decrypt them"
    ]


def test_a_fully_checked_response_leaves_nothing_unjudged(run_cli: RunCli) -> None:
    assert _verdict(run_cli, response("valid"), "--metadata", METADATA)["unjudged"] == []


def test_several_captures_and_a_folder_make_one_report(run_cli: RunCli, tmp_path: Path) -> None:
    suite = tmp_path / "captures"
    (suite / "okta").mkdir(parents=True)
    captures = FIXTURES / "captures"
    (suite / "okta" / "good.har").write_bytes((captures / "signin-firefox.har").read_bytes())
    (suite / "bad.har").write_bytes((captures / "signin-role-session-name.har").read_bytes())
    (suite / ".DS_Store").write_bytes(b"\x00\x01")  # dot-files are not captures
    args = ("--metadata", METADATA, *AT, "--format", "json")
    result = run_cli("check", str(suite), response("valid"), *args)
    assert result.exit_code == 1  # one message in the folder would be rejected
    sources = [r["source"] for r in json.loads(result.stdout)["results"]]
    assert [s.split(" ")[0] for s in sources] == [
        str(suite / "bad.har"),
        str(suite / "okta" / "good.har"),
        response("valid"),
    ]


def test_an_empty_folder_is_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("check", str(tmp_path), "--metadata", METADATA)
    assert result.exit_code == 2
    assert "is an empty folder" in result.stderr


def test_strict_fails_a_check_that_could_not_judge_the_signature(run_cli: RunCli) -> None:
    plain = run_cli("check", response("no-anchor"), *AT)
    strict = run_cli("check", response("no-anchor"), *AT, "--strict")
    assert (plain.exit_code, strict.exit_code) == (0, 1)
    assert "could not judge" in strict.stdout
    judged = run_cli("check", response("valid"), "--metadata", METADATA, *AT, "--strict")
    assert judged.exit_code == 0
