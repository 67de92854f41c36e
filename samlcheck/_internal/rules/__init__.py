"""Every rule samlcheck applies, collected from the area modules (one module per area)."""

from __future__ import annotations

import importlib
from types import ModuleType

from samlcheck._internal.findings import Rule

AREAS = (
    "input",
    "response",
    "signature",
    "attributes",
    "metadata",
    "encryption",
    "keys",
    "provider",
    "policy",
)
"""The rule modules under rules, in the order `samlcheck explain --list` shows them."""


def _module(area: str) -> ModuleType:
    return importlib.import_module(f"samlcheck._internal.rules.{area}")


def all_rules() -> tuple[Rule, ...]:
    """Every Rule declared at module level in the area modules."""
    found: list[Rule] = []
    for area in AREAS:
        found.extend(v for v in vars(_module(area)).values() if isinstance(v, Rule))
    return tuple(found)


def rule_by_id(rule_id: str) -> Rule | None:
    """The rule with this ID or name (case-insensitive), if any."""
    wanted = rule_id.strip().lower()
    return next((r for r in all_rules() if wanted in (r.id.lower(), r.name.lower())), None)
