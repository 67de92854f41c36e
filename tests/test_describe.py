"""Shared words: issuer near misses (response and metadata rules) and spans of time."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from samlcheck._internal.describe import near_miss, span

KNOWN = ("https://idp.example.test/saml", "urn:other")


@pytest.mark.parametrize(
    ("value", "how"),
    [
        (" https://idp.example.test/saml\n", "by surrounding whitespace"),
        ("https://idp.example.test/saml/", "by a trailing slash"),
        ("HTTPS://IdP.example.test/saml", "in letter case"),
        (" HTTPS://IdP.example.test/saml/", "in whitespace, a trailing slash and letter case"),
    ],
)
def test_issuer_near_miss_names_the_id_and_the_difference(value: str, how: str) -> None:
    assert near_miss(value, KNOWN) == (KNOWN[0], how)


def test_different_ids_are_no_near_miss() -> None:
    assert near_miss("https://idp.example.test/other", KNOWN) is None
    assert near_miss("anything", ()) is None


def test_spans_round_down_to_a_readable_unit() -> None:
    assert [span(dt.timedelta(seconds=s)) for s in (59, 150, 7199, 7200, 200_000)] == [
        "59 s",
        "2 min",
        "119 min",
        "2 h",
        "2 days",
    ]


def test_formatters_live_below_the_rules() -> None:
    """response.py and rules/provider.py once imported name_facts from rules/metadata."""
    package = Path(__file__).resolve().parents[1] / "samlcheck" / "_internal"
    for module in ("checks/response.py", "rules/provider.py", "checks/metadata.py"):
        tree = ast.parse((package / module).read_text())
        names = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("samlcheck._internal.rules")
            for alias in node.names
        }
        assert not names & {"name_facts", "describe_facts"}, module
        assert "rules.describe_facts" not in (package / module).read_text(), module
