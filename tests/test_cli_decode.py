"""`samlcheck decode`: lists what a capture holds, prints one message, exits 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import testidp
from conftest import ROOT, RunCli

DECODE_SCHEMA = json.loads((ROOT / "samlcheck" / "schemas" / "decode.schema.json").read_text())


def test_lists_a_two_message_har(run_cli: RunCli, tmp_path: Path) -> None:
    first = testidp.response_xml(testidp.ResponseSpec(response_id="_first"))
    second = testidp.response_xml(testidp.ResponseSpec(response_id="_second", sign_response=False))
    har = tmp_path / "trace.har"
    har.write_bytes(testidp.as_har([testidp.HarPost(first), testidp.HarPost(second)]))
    result = run_cli("decode", str(har))
    assert result.exit_code == 0, result.output
    assert "HAR, 2 SAML messages" in result.stdout
    assert "[0] Response" in result.stdout and "[1] Response" in result.stdout
    assert "ID _second" in result.stdout
    assert "signed: Assertion" in result.stdout  # the second one signs only its assertion
    assert "Issuer https://idp.example.test/saml" in result.stdout


def test_json_listing(run_cli: RunCli, tmp_path: Path, signed_response: bytes) -> None:
    path = tmp_path / "r.b64"
    path.write_bytes(testidp.as_base64(signed_response))
    result = run_cli("decode", str(path), "--format", "json")
    assert result.exit_code == 0
    listing = json.loads(result.stdout)
    jsonschema.validate(listing, DECODE_SCHEMA)
    (message,) = listing["messages"]
    assert listing["container"] == "base64"
    assert message["type"] == "Response"
    assert message["signed"] == ["Response", "Assertion"]
    assert message["bytes"] == len(signed_response)


def test_raw_prints_the_exact_bytes(
    run_cli: RunCli, tmp_path: Path, signed_response: bytes
) -> None:
    path = tmp_path / "body.txt"
    path.write_bytes(testidp.as_form_body(signed_response))
    result = run_cli("decode", str(path), "--index", "0", "--raw")
    assert result.exit_code == 0
    assert result.stdout_bytes == signed_response


def test_index_prints_pretty_xml(run_cli: RunCli, signed_response: bytes) -> None:
    value = testidp.as_base64(signed_response).decode()
    result = run_cli("decode", "--text", value, "--index", "0")
    assert result.exit_code == 0
    assert "\n  <saml:Issuer>https://idp.example.test/saml</saml:Issuer>" in result.stdout


def test_stdin(run_cli: RunCli, signed_response: bytes) -> None:
    result = run_cli("decode", "-", input=testidp.as_base64(signed_response))
    assert result.exit_code == 0
    assert "stdin: base64, 1 SAML message" in result.stdout


def test_index_out_of_range_is_exit_2(run_cli: RunCli, signed_response: bytes) -> None:
    result = run_cli("decode", "--text", testidp.as_base64(signed_response).decode(), "-n", "3")
    assert result.exit_code == 2
    assert "has no message 3 (indexes run 0..0)" in result.stderr


def test_no_saml_message_is_exit_2_with_one_line(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    result = run_cli("decode", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"samlcheck: {path}: is not a recognised capture")


def test_two_documents_payload_is_reported_not_half_parsed(
    run_cli: RunCli, signed_response: bytes
) -> None:
    doubled = signed_response + signed_response.split(b"?>", 1)[1]
    result = run_cli("decode", "--text", testidp.as_base64(doubled).decode())
    assert result.exit_code == 2
    assert "cannot be read: a second XML document" in result.stdout
    assert "<saml:Issuer>" not in result.stdout


UNREADABLE_CAPTURES = {"two-documents.b64"}
"""Captures whose message cannot be parsed: decode lists it with its problem and exits 2."""


@pytest.mark.parametrize(
    "capture", sorted(p.name for p in (ROOT / "fixtures" / "captures").iterdir())
)
def test_every_capture_listing_validates_against_the_decode_schema(
    run_cli: RunCli, capture: str
) -> None:
    result = run_cli("decode", str(ROOT / "fixtures" / "captures" / capture), "-f", "json")
    listing = json.loads(result.stdout)
    jsonschema.validate(listing, DECODE_SCHEMA)
    unreadable = capture in UNREADABLE_CAPTURES
    assert result.exit_code == (2 if unreadable else 0), result.stderr
    assert any(m["problem"] for m in listing["messages"]) == unreadable


def test_debug_shows_the_traceback_before_the_line(run_cli: RunCli, tmp_path: Path) -> None:
    quiet = run_cli("decode", str(tmp_path / "missing.har"))
    loud = run_cli("decode", str(tmp_path / "missing.har"), "--debug")
    assert quiet.exit_code == 2 and "no such file" in quiet.stderr
    assert "Traceback" not in quiet.stderr
    assert loud.exit_code == 2  # the code of unreadable input, with or without --debug
    assert "Traceback" in loud.stderr and "InputError" in loud.stderr
    assert "no such file" in loud.stderr.splitlines()[-1]
