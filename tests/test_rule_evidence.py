"""Every rule carries its evidence as data; each area names the functions that emit its rules."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from conftest import RunCli

from samlcheck._internal import aws
from samlcheck._internal.aws import Evidence
from samlcheck._internal.findings import Rule
from samlcheck._internal.rules import AREAS, all_rules

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "saml-troubleshooting.md"
EXPLAIN_SCHEMA = json.loads((ROOT / "samlcheck" / "schemas" / "explain.schema.json").read_text())
RULES = all_rules()


def _seed_headings() -> set[str]:
    """The seed's headings: '##' lines, its Topics links (markdown escapes removed), and the
    lines that open a section (an 'Error: ...' line or a question)."""
    headings: set[str] = set()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("## "):
            headings.add(line[3:])
        elif line.startswith("- [") and line.endswith("](#)"):
            headings.add(re.sub(r"\\(.)", r"\1", line[3:-4]))
        elif line.startswith("Error: ") or line.endswith("?") or line.endswith("API)"):
            headings.add(line)
    return headings


@pytest.mark.skipif(not SEED.exists(), reason="the seed is not shipped with the package")
def test_every_seed_section_the_package_knows_is_a_heading_of_the_seed() -> None:
    headings = _seed_headings()
    assert len(aws.SEED_SECTIONS) == len(set(aws.SEED_SECTIONS)) == 21
    for section in aws.SEED_SECTIONS:
        assert section in headings, section


def test_every_rule_has_evidence_and_a_known_seed_section_and_an_https_url() -> None:
    assert len(RULES) > 120
    for rule in RULES:
        assert isinstance(rule.evidence, Evidence), rule.id
        assert rule.source, rule.id
        assert rule.seed_section is None or rule.seed_section in aws.SEED_SECTIONS, rule.id
        assert rule.url is None or rule.url.startswith("https://docs.aws.amazon.com/"), rule.id
    assert {r.evidence for r in RULES} >= {Evidence.DOCUMENTED, Evidence.INFERRED}


def test_sources_leave_inferred_to_the_evidence_field() -> None:
    for rule in RULES:
        assert "inferred" not in rule.source.lower(), rule.id


def test_rules_from_the_guide_link_to_its_page() -> None:
    for rule in RULES:
        if rule.seed_section == "From 'Troubleshoot IAM roles'":
            assert rule.url == aws.TROUBLESHOOT_ROLES_URL, rule.id
        elif rule.seed_section is not None:
            assert rule.url == aws.TROUBLESHOOT_SAML_URL, rule.id
            assert aws.SEED in rule.source, rule.id


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_explain_text_states_the_evidence(run_cli: RunCli, rule: Rule) -> None:
    result = run_cli("explain", rule.id)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    evidence = [line.split(None, 1)[1] for line in lines if line.startswith("  evidence ")]
    assert len(evidence) == 1
    if rule.evidence is Evidence.INFERRED:
        assert evidence[0] == "inferred (not documented by AWS)"
    else:
        assert evidence[0].startswith(rule.evidence.value) and "inferred" not in evidence[0]
    assert (f"  url          {rule.url}" in lines) is (rule.url is not None)
    assert any(line.startswith("  seed section") for line in lines) is bool(rule.seed_section)


def test_explain_list_json_carries_the_evidence_fields(run_cli: RunCli) -> None:
    document = json.loads(run_cli("explain", "--list", "--format", "json").stdout)
    jsonschema.validate(document, EXPLAIN_SCHEMA)
    by_id = {r["rule"]: r for r in document["rules"]}
    assert len(by_id) == len(RULES)
    for rule in RULES:
        shown = by_id[rule.id]
        assert shown["evidence"] == rule.evidence.value
        assert (shown["seed_section"], shown["url"]) == (rule.seed_section, rule.url)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"evidence": "inferred"}, "is not an aws.Evidence"),
        ({"seed_section": "Error: Something AWS never wrote."}, "is not a heading of the guide"),
        ({"url": "http://docs.aws.amazon.com/"}, "is not https://"),
        ({"source": ""}, "no source"),
    ],
)
def test_a_rule_is_validated_when_declared(change: dict[str, str], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        replace(RULES[0], **change)  # type: ignore[arg-type]


def test_the_catalogue_uses_the_same_evidence_for_its_codes() -> None:
    for error in aws.ERRORS.values():
        assert (error.code_source is None) is (error.code is None), error.key
        assert error.code_source is None or isinstance(error.code_source, Evidence)
    with pytest.raises(ValueError, match="code_source"):
        replace(aws.ERRORS["signature-invalid"], code_source=None)


# --- which function emits which rules: the table at the end of each area's docstring ---------


def _table(module: object) -> dict[str, set[str]]:
    """'Functions and the rules they emit:' rows of a docstring: function -> rule IDs."""
    doc = str(getattr(module, "__doc__", ""))
    _, found, rest = doc.partition("Functions and the rules they emit")
    assert found, f"{getattr(module, '__name__', module)} has no table"
    rows: dict[str, set[str]] = {}
    name = ""
    for line in rest.splitlines()[1:]:
        if not line.startswith("    "):
            break
        first, *ids = line.split()
        if not first.startswith("SC-"):
            name = first
            assert name not in rows, f"{name} has two rows"
            rows[name] = set()
        else:
            ids = [first, *ids]
        rows[name] |= set(ids)
    return rows


def _resolve(module: object, name: str) -> object:
    if "." not in name:
        return getattr(module, name)
    path, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(path), attribute)


@pytest.mark.parametrize("area", AREAS)
def test_every_rule_of_an_area_is_in_its_function_table(area: str) -> None:
    module = importlib.import_module(f"samlcheck._internal.rules.{area}")
    declared = {v.id for v in vars(module).values() if isinstance(v, Rule)}
    rows = _table(module)
    listed = set().union(*rows.values())
    assert declared - listed == set(), "declared but in no row"
    assert listed - declared == set(), "in a row but not declared here"
    for name in rows:
        target = _resolve(module, name)
        assert callable(target) or isinstance(target, Mapping), name
