"""`samlcheck test SUITE.toml`: regression suites of captures with what AWS must answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, RunCli

SUITE = ROOT / "examples" / "suite" / "aws.samlsuite.toml"
FIXTURES = ROOT / "fixtures"
HEAD = f'[defaults]\nmetadata = ["{FIXTURES / "idp" / "metadata.xml"}"]\nat = "issued"\n'


def _suite(tmp_path: Path, text: str) -> str:
    path = tmp_path / "mine.samlsuite.toml"
    path.write_text(HEAD + text)
    return str(path)


def _case(name: str, capture: str, expect: str, extra: str = "") -> str:
    return (
        f'[[case]]\nname = "{name}"\ncapture = "{FIXTURES / capture}"\nexpect = "{expect}"\n{extra}'
    )


def test_the_example_suite_holds(run_cli: RunCli) -> None:
    done = run_cli("test", str(SUITE))
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert sum(line.startswith("pass  ") for line in lines) == 12
    assert lines[-1] == "12 cases: 12 passed, 0 failed"
    text = SUITE.read_text()
    assert text.count('expect = "accepted"') * 2 <= text.count("[[case]]")


def test_a_broken_expectation_fails_naming_the_case_and_the_answer(
    run_cli: RunCli, tmp_path: Path
) -> None:
    suite = _suite(
        tmp_path,
        _case("alice signs in", "captures/response.b64", "accepted")
        + _case("bob has no role", "responses/role-missing.xml", "accepted"),
    )
    done = run_cli("test", suite)
    assert done.exit_code == 1
    assert "pass  alice signs in" in done.stdout
    assert "FAIL  bob has no role\n      expected 'accepted'; AWS would answer 'Your request " in (
        done.stdout
    )
    assert "(rule SC-ATTR-001)" in done.stdout and "2 cases: 1 passed, 1 failed" in done.stdout


def test_a_wrong_rule_fails_the_case(run_cli: RunCli, tmp_path: Path) -> None:
    extra = 'rule = "SC-ATTR-002"\n'
    suite = _suite(tmp_path, _case("bob", "responses/role-missing.xml", "invalid SAML", extra))
    done = run_cli("test", suite)
    assert done.exit_code == 1 and "(rule SC-ATTR-002); AWS would answer" in done.stdout


@pytest.mark.parametrize(
    ("case", "where", "problem"),
    [
        (
            _case("c", "captures/response.b64", "accepted", "colour = 1\n"),
            "case 'c': colour",
            "unknown key",
        ),
        (_case("c", "captures/nope.b64", "accepted"), "case 'c': capture", "is not a file"),
        (
            _case("c", "captures/response.b64", "accepted", 'at = "tomorrow"\n'),
            "case 'c': at",
            "'capture', 'issued'",
        ),
        (
            _case("c", "captures/response.b64", "accepted", 'duration_seconds = "x"\n'),
            "case 'c': duration_seconds",
            "whole number",
        ),
        (
            _case("c", "captures/response.b64", "accepted", 'ignore = ["SC-NOPE"]\n'),
            "case 'c': ignore",
            "names no rule",
        ),
        ('[[case]]\nname = "c"\nexpect = "accepted"\n', "case 'c': capture", "is missing"),
        (
            _case("c", "captures/README", "accepted", 'rule = "bogus"\n'),
            "case 'c': rule",
            "not a rule ID",
        ),
    ],
)
def test_a_bad_suite_is_exit_2_naming_file_case_and_key(
    run_cli: RunCli, tmp_path: Path, case: str, where: str, problem: str
) -> None:
    suite = _suite(tmp_path, case)
    done = run_cli("test", suite)
    assert done.exit_code == 2, done.output
    assert done.stderr.startswith(f"samlcheck: {suite}: {where}") and problem in done.stderr
    assert done.stdout == ""


def test_an_unknown_defaults_key_and_a_capture_that_is_not_saml_are_exit_2(
    run_cli: RunCli, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.samlsuite.toml"
    bad.write_text(
        '[defaults]\nmetadatas = "x"\n' + _case("c", "captures/response.b64", "accepted")
    )
    done = run_cli("test", str(bad))
    assert done.exit_code == 2 and f"{bad}: [defaults]: metadatas: unknown key" in done.stderr
    suite = _suite(tmp_path, _case("meta", "idp/metadata.xml", "accepted"))
    done = run_cli("test", suite)
    assert done.exit_code == 2 and f"{suite}: case 'meta': capture" in done.stderr


def test_suite_cases_take_the_accounts_files(run_cli: RunCli, tmp_path: Path) -> None:
    policy = FIXTURES / "policy"
    denied = "Not authorized to perform sts:AssumeRoleWithSAML"
    suite = _suite(
        tmp_path,
        _case(
            "regional recipient",
            "policy/regional-aud.xml",
            denied,
            f'role = "{policy / "regional-aud.json"}"\nrule = "SC-POL-004"\n',
        )
        + _case(
            "regional recipient listed",
            "policy/regional-aud-allowed.xml",
            "accepted",
            f'trust_policy = "{policy / "regional-aud-allowed.json"}"\n'
            f'role_arn = "arn:aws:iam::123456789012:role/SAMLDeveloper"\n',
        )
        + _case(
            "plaintext to a Required provider",
            "responses/valid.xml",
            "invalid SAML",
            f'provider = "{FIXTURES / "provider" / "required-one-key.json"}"\n'
            'rule = "SC-ENC-010"\n',
        )
        + _case(
            "provider gone",
            "responses/valid.xml",
            "Specified provider doesn't exist",
            f'providers = "{policy / "providers-case.json"}"\n',
        ),
    )
    done = run_cli("test", suite)
    assert done.exit_code == 0, done.output
    assert "4 cases: 4 passed, 0 failed" in done.stdout


def test_a_suite_case_whose_flag_disagrees_with_its_file_names_the_case(
    run_cli: RunCli, tmp_path: Path
) -> None:
    extra = (
        f'provider = "{FIXTURES / "provider" / "required-one-key.json"}"\n'
        'encryption_mode = "Allowed"\n'
    )
    suite = _suite(tmp_path, _case("mode", "responses/valid.xml", "accepted", extra))
    done = run_cli("test", suite)
    assert done.exit_code == 2
    assert "case 'mode': --encryption-mode: Allowed disagrees with AssertionEncryptionMode" in (
        " ".join(done.output.split())
    )


def test_assert_aws_answer_takes_role_and_provider_options() -> None:
    from samlcheck.testing import assert_aws_answer

    policy = FIXTURES / "policy"
    assert_aws_answer(
        policy / "regional-aud.xml",
        "Not authorized",
        rule="SC-POL-004",
        role=str(policy / "regional-aud.json"),
        provider=str(policy / "provider-named.json"),
        providers=str(policy / "providers.json"),
        at="issued",
    )
    with pytest.raises(AssertionError, match="AWS would answer 'Not authorized"):
        assert_aws_answer(
            policy / "regional-aud.xml",
            "accepted",
            trust_policy=str(policy / "regional-aud.json"),
            metadata=str(FIXTURES / "idp" / "metadata.xml"),
            at="issued",
        )


def test_every_check_option_that_shapes_the_answer_is_a_suite_key() -> None:
    import inspect

    from samlcheck._internal.checks.suite import OPTIONS
    from samlcheck.cli.check import check

    output_only = {"captures", "text", "strict", "jobs", "quiet", "verbose", "fmt", "debug"}
    live = {"aws", "profile", "region", "endpoint_url", "ask_sts"}  # a suite never calls AWS
    parameters = set(inspect.signature(check).parameters) - output_only - live
    assert parameters == {key.replace("-", "_") for key in OPTIONS}, parameters ^ set(OPTIONS)
