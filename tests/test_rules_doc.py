"""docs/rules.md is the rule data as it is now: regenerated, it must not change."""

from __future__ import annotations

import dataclasses

import pytest
import rules_doc

from samlcheck._internal.aws import ERRORS
from samlcheck._internal.rules import all_rules


def test_rules_page_is_not_stale() -> None:
    current = rules_doc.PAGE.read_text(encoding="utf-8")
    assert current == rules_doc.page(), "docs/rules.md is stale: run python scripts/rules_doc.py"


def test_every_rule_is_documented_with_its_facts() -> None:
    page = rules_doc.PAGE.read_text(encoding="utf-8")
    for rule in all_rules():
        section = page.split(f"### {rule.id} {rule.name}\n", 1)[1].split("\n### ", 1)[0]
        assert rule.fix in section and rule.source in section and rule.summary in section
        assert f"**evidence**: {rule.evidence.value}" in section
        if rule.aws_error:
            assert ERRORS[rule.aws_error].text in section


def test_a_changed_rule_makes_the_page_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = all_rules()
    changed = (dataclasses.replace(rules[0], fix="A different fix."), *rules[1:])
    monkeypatch.setattr(rules_doc, "all_rules", lambda: changed)
    assert rules_doc.page() != rules_doc.PAGE.read_text(encoding="utf-8")
