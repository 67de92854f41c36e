"""`samlcheck explain`: pasted AWS errors and rule IDs lead to causes, rules and fixes."""

from __future__ import annotations

import pytest
from conftest import RunCli

from samlcheck._internal.aws import ERRORS
from samlcheck._internal.explain import explain
from samlcheck._internal.rules import all_rules


def keys(query: str) -> list[str]:
    return [error.key for error, _ in explain(query).errors]


def test_whole_api_answer_finds_the_one_error() -> None:
    pasted = (
        "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithSAML "
        "operation: Response signature invalid"
    )
    assert keys(pasted) == ["signature-invalid"]


def test_case_and_whitespace_do_not_matter() -> None:
    assert keys("  response   SIGNATURE\n invalid ") == ["signature-invalid"]


def test_a_fragment_finds_every_error_it_is_part_of() -> None:
    assert keys("RoleSessionName") == ["role-session-name-required", "role-session-name-pattern"]


def test_generic_private_key_error_lists_its_detailed_forms() -> None:
    assert keys("Invalid private key.") == [
        "invalid-private-key",
        "invalid-private-key-encrypted",
        "invalid-private-key-format",
    ]


def test_detail_selects_the_specific_private_key_error() -> None:
    assert keys("Invalid private key. Key is encrypted.") == ["invalid-private-key-encrypted"]


def test_documentation_heading_and_wire_form_both_match() -> None:
    heading = ERRORS["duration-exceeds-max"].heading
    wire = ERRORS["duration-exceeds-max"].message
    assert heading != wire
    assert keys(heading) == keys(wire) == ["duration-exceeds-max"]


def test_every_catalogue_entry_is_found_by_its_own_message() -> None:
    for error in ERRORS.values():
        assert error.key in keys(error.text)


def test_rule_ids_and_names_are_looked_up() -> None:
    rule = all_rules()[0]
    assert explain(rule.id.lower()).rule == rule
    assert explain(rule.name).rule == rule


def test_nothing_matches_gibberish() -> None:
    found = explain("quantum flux capacitor")
    assert not found.errors and found.rule is None


def test_rule_ids_are_unique_and_well_formed() -> None:
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for rule in rules:
        assert rule.id.startswith("SC-") and rule.summary and rule.fix


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["explain", "Response signature invalid"], 0, "InvalidIdentityToken (HTTP 400"),
        (["explain", "SC-INPUT-002"], 0, "doctype-refused"),
        (["explain", "--list"], 0, "SC-INPUT-001"),
        (["explain", "quantum flux"], 2, "no AWS error or rule matches"),
        (["explain"], 2, "nothing to explain"),
    ],
)
def test_explain_command(run_cli: RunCli, args: list[str], code: int, expected: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == code
    assert expected in (result.stdout + result.stderr)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            'Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws :"',
            "source-identity-pattern",
        ),
        ("Unable to parse metadata", "metadata-unparseable"),
    ],
)
def test_the_guides_other_spellings_are_found(text: str, key: str) -> None:
    assert keys(text) == [key]
