"""The pytest plugin (suite files as test items) and samlcheck.testing.assert_aws_answer."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from samlcheck.testing import assert_aws_answer

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "examples" / "suite" / "aws.samlsuite.toml"
FIXTURES = ROOT / "fixtures"
METADATA = FIXTURES / "idp" / "metadata.xml"


def _project(pytester: pytest.Pytester, suite: str) -> None:
    """A project with the fixtures beside it (the example suite's relative paths resolve)."""
    shutil.copytree(FIXTURES, pytester.path / "fixtures")
    (pytester.path / "examples" / "suite").mkdir(parents=True)
    (pytester.path / "examples" / "suite" / "aws.samlsuite.toml").write_text(suite)
    pytester.makeini("[pytest]\nsamlcheck_suites = *.samlsuite.toml\n")


def test_each_case_of_a_suite_is_a_test_named_by_the_case(pytester: pytest.Pytester) -> None:
    _project(pytester, SUITE.read_text())
    done = pytester.runpytest("-v", "-p", "no:cacheprovider")
    done.assert_outcomes(passed=12)
    done.stdout.fnmatch_lines(
        ["*aws.samlsuite.toml::a user without an AWS role is refused PASSED*"]
    )


def test_a_broken_expectation_fails_with_the_case_name(pytester: pytest.Pytester) -> None:
    broken = SUITE.read_text().replace(
        'expect = "Response does not contain the required audience"', 'expect = "accepted"'
    )
    _project(pytester, broken)
    done = pytester.runpytest("-p", "no:cacheprovider")
    done.assert_outcomes(passed=11, failed=1)
    done.stdout.fnmatch_lines(
        [
            "*samlcheck case 'a response without the AWS audience is refused' failed: "
            "expected 'accepted' (rule SC-RESP-020); AWS would answer 'Response does not "
            "contain the required audience.' (rule SC-RESP-020)*"
        ]
    )


def test_without_the_setting_suite_files_are_not_collected(pytester: pytest.Pytester) -> None:
    _project(pytester, SUITE.read_text())
    pytester.makeini("[pytest]\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes()


def test_a_bad_suite_is_a_collection_error_naming_the_key(pytester: pytest.Pytester) -> None:
    _project(pytester, SUITE.read_text().replace("role_arn =", "role_arns =", 1))
    done = pytester.runpytest("-p", "no:cacheprovider")
    assert done.ret != 0
    done.stdout.fnmatch_lines(
        ['*case "the IdP\'s auto-POST page is accepted*": role_arns: unknown key*']
    )


def test_assert_aws_answer_passes_and_fails_with_the_answer() -> None:
    response = FIXTURES / "responses" / "role-missing.xml"
    options: dict[str, Any] = {"metadata": [METADATA], "at": "issued"}
    assert_aws_answer(FIXTURES / "captures" / "response.b64", "accepted", **options)
    assert_aws_answer(response.read_bytes(), "invalid SAML response", rule="SC-ATTR-001", **options)
    with pytest.raises(AssertionError, match=r"expected 'accepted'; AWS would answer 'Your req"):
        assert_aws_answer(response, "accepted", **options)
    with pytest.raises(AssertionError, match=r"\(rule SC-ATTR-002\); AWS would answer"):
        assert_aws_answer(response, "invalid SAML", rule="SC-ATTR-002", **options)
    assert_aws_answer(response, "accepted", ignore="SC-ATTR-001", **options)
