"""Facts cross the stage -> rule boundary typed: every outcome and profile breach has its rule,
and the strings the JSON report carries are today's."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import fixtures_responses
import pytest

from samlcheck._internal.inputs.xml import parse
from samlcheck._internal.rules import encryption as encryption_rules
from samlcheck._internal.rules import keys as key_rules
from samlcheck._internal.rules import signature as rules
from samlcheck._internal.stages import signature
from samlcheck._internal.stages.decrypt import Problem
from samlcheck._internal.stages.profile import Breach
from samlcheck._internal.trust.anchors import load_trust
from samlcheck._internal.trust.keys import KeyKind, inspect_key

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
AT = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)


def test_every_outcome_has_an_entry_in_the_outcome_table() -> None:
    assert set(rules._BY_OUTCOME) == set(signature.Outcome)


def test_every_profile_breach_maps_to_a_rule() -> None:
    assert set(rules._BY_KIND) == set(Breach)
    assert rules._BY_KIND[Breach.PROVIDER_ISSUER] is rules.PROVIDER_ISSUER


def test_the_strings_of_the_json_report_are_unchanged() -> None:
    assert [s.value for s in signature.Status] == ["valid", "invalid", "unsigned", "unverifiable"]
    assert [o.value for o in signature.Outcome] == [
        "valid",
        "self-verified",
        "digest-mismatch",
        "key-not-trusted",
        "altered",
        "malformed",
        "untrusted-method",
        "key-unknown",
    ]


def test_the_summary_carries_a_plain_string_status() -> None:
    doc = parse((FIXTURES / "responses" / "valid.xml").read_bytes())
    trust = load_trust((FIXTURES / fixtures_responses.METADATA,), ())
    summary = signature.analyse(doc, trust).summary
    assert type(summary.status) is str and summary.status == "valid"
    assert summary.signed == ("Response", "Assertion")


def test_key_facts_are_typed_and_measured_for_every_key_fixture() -> None:
    for path in sorted((FIXTURES / "keys").iterdir()):
        facts = inspect_key(path.read_bytes(), path.name)
        assert isinstance(facts.kind, KeyKind), path.name
        assert facts.source == path.name
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert facts.characters in (None, len(text)), path.name


def test_every_key_kind_that_is_not_pem_has_a_conversion_hint() -> None:
    pem_only = {KeyKind.PRIVATE_KEY, KeyKind.ENCRYPTED_PRIVATE_KEY}
    assert set(key_rules._CONVERT) == set(KeyKind) - pem_only


def test_every_decryption_problem_maps_to_a_rule() -> None:
    assert set(encryption_rules._BY_PROBLEM) == set(Problem)


STAGES = ["stages/signature", "stages/profile", "stages/digests", "stages/decrypt", "trust/keys"]


@pytest.mark.parametrize("stage", STAGES)
def test_stages_do_not_import_the_rules(stage: str) -> None:
    """Facts flow up to the rules: a stage module that imports them points the wrong way."""
    tree = ast.parse((ROOT / "samlcheck" / "_internal" / f"{stage}.py").read_text())
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert not [m for m in imported if m.startswith("samlcheck._internal.rules")]
