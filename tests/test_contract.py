"""The JSON contract of `check`: claims and unverified_claims are always objects for a response,
claims only from the signed view, SessionDuration an integer when it is one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import fixtures_responses
import jsonschema
import pytest
import testidp
import xsw
from conftest import RunCli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
METADATA = str(FIXTURES / fixtures_responses.METADATA)
AT = ("--at", testidp.CHECK_AT)
SCHEMA = json.loads((ROOT / "samlcheck" / "schemas" / "report.schema.json").read_text())
KEYS = {
    "issuer",
    "name_id",
    "audiences",
    "recipient",
    "roles",
    "role_session_name",
    "source_identity",
    "session_duration",
    "principal_tags",
}
EMPTY: dict[str, object] = {
    "issuer": None,
    "name_id": None,
    "audiences": [],
    "recipient": None,
    "roles": [],
    "role_session_name": None,
    "source_identity": None,
    "session_duration": None,
    "principal_tags": {},
}


def check_json(run_cli: RunCli, path: Path, *options: str) -> dict[str, Any]:
    result = run_cli("check", str(path), "--metadata", METADATA, *AT, "--format", "json", *options)
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    (only,) = document["results"]
    return cast("dict[str, Any]", only)


def check_text(run_cli: RunCli, path: Path) -> str:
    return run_cli("check", str(path), "--metadata", METADATA, *AT).stdout


def response(name: str) -> Path:
    return FIXTURES / "responses" / f"{name}.xml"


@pytest.mark.parametrize(
    "name", ["valid", "unsigned", "content-changed", "rotated-certificate", "not-saml2"]
)
def test_claims_are_always_an_object_with_the_nine_keys(run_cli: RunCli, name: str) -> None:
    result = check_json(run_cli, response(name))
    assert set(result["claims"]) == KEYS
    assert set(result["unverified_claims"]) == KEYS


def test_unsigned_response_keeps_claims_empty_and_shows_what_it_says(run_cli: RunCli) -> None:
    result = check_json(run_cli, response("unsigned"))
    assert result["claims"] == EMPTY
    assert result["unverified_claims"]["name_id"] == "alice@example.test"
    assert result["unverified_claims"]["roles"][0]["role_arn"].endswith(":role/SAMLDeveloper")
    text = check_text(run_cli, response("unsigned"))
    assert "unverified claims" in text and "no signature vouches for it" in text
    assert "alice@example.test" in text.split("unverified claims (")[1]


def test_valid_response_has_no_unverified_claims(run_cli: RunCli) -> None:
    result = check_json(run_cli, response("valid"))
    assert result["claims"]["name_id"] == "alice@example.test"
    assert result["unverified_claims"] == EMPTY
    assert "unverified claims" not in check_text(run_cli, response("valid"))


def test_wrapping_attack_shows_signed_values_as_claims_and_the_copy_as_unverified(
    run_cli: RunCli,
) -> None:
    path = FIXTURES / "responses" / "attacks" / "xsw3.xml"
    result = check_json(run_cli, path)
    assert result["claims"]["name_id"] == "alice@example.test"
    assert result["unverified_claims"]["name_id"] == xsw.ATTACKER_NAME_ID
    for value in xsw.ATTACKER_VALUES:
        assert value not in json.dumps(result["claims"])
    signed, unverified = check_text(run_cli, path).split("unverified claims")
    assert "alice@example.test" in signed.split("claims (read from the signed content)")[1]
    assert xsw.ATTACKER_NAME_ID not in signed
    assert xsw.ATTACKER_NAME_ID in unverified
    assert unverified.startswith(" (an unsigned look-alike assertion; no signature vouches")


@pytest.mark.parametrize("name", [n for n in xsw.ATTACKS if n.startswith("xsw")])
def test_attacker_values_are_never_claims(run_cli: RunCli, name: str) -> None:
    result = check_json(run_cli, FIXTURES / "responses" / "attacks" / f"{name}.xml")
    for value in xsw.ATTACKER_VALUES:
        assert value not in json.dumps(result["claims"])


def test_session_duration_is_an_integer(run_cli: RunCli) -> None:
    result = check_json(run_cli, response("valid-tags-and-source-identity"))
    assert result["claims"]["session_duration"] == 3600


def test_session_duration_that_is_not_an_integer_keeps_its_text(run_cli: RunCli) -> None:
    result = check_json(run_cli, response("session-duration-not-integer"))
    value = result["claims"]["session_duration"]
    assert isinstance(value, str) and value


# The Recipient forms AWS documents (/work/shared/AWS-FACTS.md, "Endpoints").
ACCEPTED_RECIPIENTS = [
    "https://signin.aws.amazon.com/saml",
    "https://eu-west-1.signin.aws.amazon.com/saml",
    "https://signin.aws.amazon.com/static/saml",
    "https://us-east-2.signin.aws.amazon.com/static/saml",
    "https://us-east-1.signin.aws.amazon.com/saml/acs/SAMLSPD0EXAMPLE1234567",
    "https://signin.amazonaws.cn/saml",
    "https://cn-north-1.signin.amazonaws.cn/saml",
    "https://signin.amazonaws.cn/static/saml",
    "https://cn-northwest-1.signin.amazonaws.cn/static/saml",
    "https://signin.amazonaws-us-gov.com/saml",
]
REFUSED_RECIPIENTS = [
    "https://signin.aws.amazon.com/static",
    "https://signin.aws.amazon.com/static/saml/",
    "https://signin.aws.amazon.com.evil.test/saml",
    "https://signin.amazonaws-us-gov.com/static/saml",
    "http://signin.aws.amazon.com/saml",
    "https://sp.example.test/saml",
]


def _with_recipient(tmp_path: Path, recipient: str) -> Path:
    data = response("valid").read_bytes()
    assert b'Recipient="https://signin.aws.amazon.com/saml"' in data
    path = tmp_path / "recipient.xml"
    path.write_bytes(
        data.replace(
            b'Recipient="https://signin.aws.amazon.com/saml"', f'Recipient="{recipient}"'.encode()
        )
    )
    return path


@pytest.mark.parametrize("recipient", ACCEPTED_RECIPIENTS)
def test_documented_recipient_forms_are_accepted(
    run_cli: RunCli, tmp_path: Path, recipient: str
) -> None:
    result = check_json(run_cli, _with_recipient(tmp_path, recipient))
    assert "recipient-not-aws" not in [f["name"] for f in result["findings"]]
    shown = result["claims"]["recipient"] or result["unverified_claims"]["recipient"]
    assert shown == recipient


@pytest.mark.parametrize("recipient", REFUSED_RECIPIENTS)
def test_other_recipients_are_not_aws_endpoints(
    run_cli: RunCli, tmp_path: Path, recipient: str
) -> None:
    result = check_json(run_cli, _with_recipient(tmp_path, recipient))
    assert "recipient-not-aws" in [f["name"] for f in result["findings"]]
