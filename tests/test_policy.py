"""Trust-policy evaluation (issue 11): every cause triggered by a fixture, and its passing twin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fixtures_policy
import fixtures_responses
import pytest
import testidp
from conftest import RunCli

from samlcheck._internal.stages.conditions import check_condition, substitute
from samlcheck._internal.stages.policy import namequalifier, sub_type

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
POLICY = FIXTURES / "policy"
METADATA = str(FIXTURES / fixtures_responses.METADATA)
AT = ("--at", testidp.CHECK_AT)


def _check(run_cli: RunCli, name: str, *extra: str) -> tuple[int, dict[str, Any]]:
    code, document = _document(run_cli, name, *extra)
    return code, document["results"][0]


def _document(run_cli: RunCli, name: str, *extra: str) -> tuple[int, dict[str, Any]]:
    """The exit code and the whole JSON report of checking policy case `name`."""
    case = fixtures_policy.CASES[name]
    option = "--role" if case.role_option == "role" else "--trust-policy"
    result = run_cli(
        "check",
        str(POLICY / f"{name}.xml"),
        "--metadata",
        METADATA,
        *AT,
        option,
        str(POLICY / f"{name}.json"),
        *extra,
        "--format",
        "json",
    )
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("name", sorted(fixtures_policy.CASES))
def test_each_trust_policy_case_gives_its_verdict(run_cli: RunCli, name: str) -> None:
    code, result = _check(run_cli, name)
    rule = fixtures_policy.CASES[name].rule
    names = [f["name"] for f in result["findings"]]
    if rule is None:
        assert code == 0, result["findings"]
        assert result["verdict"]["accepted"]
        assert all(p["allowed"] for p in result["policy"]) and result["policy"]
    else:
        assert code == 1 and rule in names, names
        decisive = next(f for f in result["findings"] if f["rule"] == result["verdict"]["rule"])
        assert decisive["name"] == rule
        assert result["verdict"]["aws_error"]["code"] == "AccessDenied"


def test_regional_recipient_fix_names_both_values(run_cli: RunCli) -> None:
    _, result = _check(run_cli, "regional-aud")
    finding = next(f for f in result["findings"] if f["name"] == "trust-policy-condition-not-met")
    assert fixtures_policy.REGIONAL in finding["fix"] and fixtures_policy.GLOBAL in finding["fix"]
    condition = result["policy"][0]["statements"][0]["conditions"][0]
    assert condition == {
        "operator": "StringEquals",
        "key": "SAML:aud",
        "response": [fixtures_policy.REGIONAL],
        "policy": [fixtures_policy.GLOBAL],
        "met": False,
    }


def test_missing_action_is_named(run_cli: RunCli) -> None:
    _, tagged = _check(run_cli, "tags-no-tag-session")
    _, sourced = _check(run_cli, "source-identity-no-permission")
    assert "allows sts:TagSession" in _message(tagged, "trust-policy-action-missing")
    assert "allows sts:SetSourceIdentity" in _message(sourced, "trust-policy-action-missing")


def test_role_differing_only_in_case_is_said(run_cli: RunCli) -> None:
    _, result = _check(run_cli, "role-case")
    assert "only the case differs" in _message(result, "role-missing")


def _message(result: dict[str, Any], name: str) -> str:
    return str(next(f["message"] for f in result["findings"] if f["name"] == name))


def test_text_report_puts_deciding_statement_and_condition_first(run_cli: RunCli) -> None:
    case = str(POLICY / "regional-aud.xml")
    out = run_cli(
        "check", case, "--metadata", METADATA, *AT, "--role", str(POLICY / "regional-aud.json")
    )
    lines = out.stdout.splitlines()
    assert "Not authorized to perform sts:AssumeRoleWithSAML" in lines[1]
    because = " ".join(line.strip() for line in lines[3:8])
    assert because.index("statement 1") < because.index("StringEquals SAML:aud")
    compared = f"the policy lists '{fixtures_policy.GLOBAL}', the response has "
    assert compared + f"'{fixtures_policy.REGIONAL}', its Recipient" in because
    assert because.index("its Recipient") < because.index("trust policy of")


def test_max_session_duration_flag_disagreeing_with_the_role_is_a_usage_error(
    run_cli: RunCli,
) -> None:
    result = run_cli(
        "check",
        str(POLICY / "console-allowed.xml"),
        "--metadata",
        METADATA,
        *AT,
        "--role",
        str(POLICY / "console-allowed.json"),
        "--max-session-duration",
        "7200",
    )
    assert result.exit_code == 2 and "disagrees with MaxSessionDuration 3600" in result.output


def test_the_role_files_max_session_duration_is_used(run_cli: RunCli) -> None:
    code, result = _check(run_cli, "console-allowed", "--duration-seconds", "7200")
    assert code == 1 and result["verdict"]["aws_error"]["code"] is not None
    assert "duration-exceeds-max-session" in [f["name"] for f in result["findings"]]


@pytest.mark.parametrize("name", sorted(fixtures_policy.ROLE_CASES))
def test_role_command_each_check(run_cli: RunCli, name: str) -> None:
    rule = fixtures_policy.ROLE_CASES[name][1]
    providers = ("--providers", str(POLICY / "providers.json"))
    result = run_cli("role", str(POLICY / f"{name}.json"), *providers, "--format", "json")
    names = [f["name"] for f in json.loads(result.stdout)["results"][0]["findings"]]
    if rule is None:
        assert names == [] and result.exit_code == 0
    else:
        assert rule in names, names


def test_namequalifier_matches_a_value_computed_by_hand() -> None:
    # echo -n 'https://example.com/saml123456789012/MySAMLIdP' | openssl sha1 -binary | base64
    arn = "arn:aws:iam::123456789012:saml-provider/MySAMLIdP"
    assert namequalifier("https://example.com/saml", arn) == "1uAJanUnBc2XeUkHURMht+xam2c="


def test_sub_type_strips_only_the_saml2_prefix() -> None:
    assert sub_type("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent") == "persistent"
    email = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    assert sub_type(email) == email


@pytest.mark.parametrize(
    ("operator", "values", "context", "met"),
    [
        ("StringEquals", ("a", "b"), ("b",), True),
        ("StringEquals", ("A",), ("a",), False),
        ("StringEqualsIgnoreCase", ("A",), ("a",), True),
        ("StringNotEquals", ("a",), None, True),
        ("StringEquals", ("a",), None, False),
        ("StringEqualsIfExists", ("a",), None, True),
        ("StringLike", ("a?c*",), ("abcdef",), True),
        ("StringNotLike", ("a*",), ("abc",), False),
        ("ForAnyValue:StringEquals", ("x", "y"), ("z", "y"), True),
        ("ForAllValues:StringEquals", ("x", "y"), ("x", "z"), False),
        ("ForAllValues:StringEquals", ("x",), None, True),
        ("ForAnyValue:StringEquals", ("x",), None, False),
        ("NumericLessThan", ("10",), ("9",), True),
        ("NumericGreaterThan", ("10",), ("nine",), False),
        ("DateGreaterThan", ("2026-01-01T00:00:00Z",), ("2026-02-01T00:00:00Z",), True),
        ("Bool", ("true",), ("True",), True),
        ("Null", ("true",), None, True),
        ("Null", ("false",), None, False),
        ("ArnLike", ("arn:aws:iam::*:saml-provider/*",), (fixtures_policy.PROVIDER,), True),
        ("ArnEquals", ("arn:aws:iam::*:role/x",), (fixtures_policy.PROVIDER,), False),
    ],
)
def test_condition_operators(
    operator: str, values: tuple[str, ...], context: tuple[str, ...] | None, met: bool
) -> None:
    assert check_condition(operator, "k", values, context, {}).met is met


def test_policy_variables_take_the_request_value() -> None:
    variables = {"saml:sub": ("alice",)}
    assert substitute("users/${saml:sub}", variables) == "users/alice"
    assert substitute("${saml:uid}", variables) is None
    assert substitute("${saml:uid, 'none'}", variables) == "none"
    check = check_condition("StringLike", "k", ("${SAML:sub}*",), ("alice@x",), variables)
    assert check.met is True and check.values == ("alice*",)


def test_policy_json_validates_against_the_schema(run_cli: RunCli) -> None:
    import jsonschema

    schema = json.loads((FIXTURES.parent / "samlcheck/schemas/report.schema.json").read_text())
    for name in ("regional-aud", "deny-wins", "tags-allowed"):
        _, document = _document(run_cli, name)
        assert document["results"][0]["policy"]
        jsonschema.validate(document, schema)


def test_role_command_says_saml_aud_is_the_recipient_not_the_audience(run_cli: RunCli) -> None:
    result = run_cli("role", str(POLICY / "role-aud-not-signin.json"), "--format", "json")
    message = _message(json.loads(result.stdout)["results"][0], "saml-aud-not-signin-endpoint")
    assert "'urn:amazon:webservices', which is not an AWS sign-in endpoint" in message
    assert "saml:aud is the Recipient (where the IdP posts), not the Audience" in message
