"""Random edits of a signed response never crash the check nor put edited values in the claims."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import fixtures_responses
import testidp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from samlcheck._internal.checks.response import check_loaded
from samlcheck._internal.inputs.capture import Message
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.trust.anchors import load_trust

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EVIL = "attacker@evil.test"
TRUST = load_trust((FIXTURES / fixtures_responses.METADATA,), ())
OPTIONS = CheckOptions(at=dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc))
ORIGINAL = testidp.response_xml()


def mutate(data: bytes, picks: list[int], operation: str) -> bytes:
    root = etree.fromstring(data)
    elements = [e for e in root.iter() if isinstance(e.tag, str)][1:]
    target = elements[picks[0] % len(elements)]
    other = elements[picks[1] % len(elements)]
    parent = target.getparent()
    assert parent is not None
    if operation == "text":
        target.text = EVIL
    elif operation == "remove":
        parent.remove(target)
    elif operation == "duplicate":
        clone = copy.deepcopy(target)
        for node in clone.iter():
            if isinstance(node.tag, str) and not len(node):
                node.text = EVIL
        target.addnext(clone)
    elif operation == "move" and target not in other.iterancestors() and target is not other:
        other.append(target)
    return etree.tostring(root)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=2),
    operation=st.sampled_from(["text", "remove", "duplicate", "move"]),
)
def test_edits_never_crash_and_never_reach_the_claims(picks: list[int], operation: str) -> None:
    result = check_loaded(Message("m", mutate(ORIGINAL, picks, operation)), OPTIONS, TRUST)
    if result.claims is not None:
        assert EVIL not in repr(result.claims)
    if result.signature.status == "valid":
        assert result.claims is None or result.claims.name_id == "alice@example.test"
