"""Work a check does once, not again: counted calls, never timings (scripts/bench.py times)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import testidp
from lxml import etree

from samlcheck._internal.inputs import xml
from samlcheck._internal.inputs.xml import parse
from samlcheck._internal.stages import claims, signature
from samlcheck._internal.trust import certs
from samlcheck._internal.trust.anchors import load_trust

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AT = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)


def counted(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[Any]:
    """Replace owner.name by a wrapper that records each call's first argument."""
    calls: list[Any] = []
    real: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0] if args else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


def analyse_valid() -> signature.SignatureAnalysis:
    doc = parse((FIXTURES / "responses" / "valid.xml").read_bytes())
    return signature.analyse(doc, TRUST)


TRUST = load_trust((FIXTURES / "idp" / "metadata.xml",), ())


def test_a_keyinfo_certificate_is_described_once_per_der(monkeypatch: pytest.MonkeyPatch) -> None:
    signature._described.cache_clear()
    described = counted(monkeypatch, certs, "describe")
    first, second = analyse_valid(), analyse_valid()
    assert len(described) == 1  # two signatures, two checks, one certificate
    facts = [c.key_info[0].facts for a in (first, second) for c in a.signatures]
    assert facts[0] is not None and all(f == facts[0] for f in facts)


def test_the_signed_assertion_is_scanned_for_injected_text_with_its_response(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scanned = counted(monkeypatch, signature, "injected_text")
    analysis = analyse_valid()
    assert [c.outcome for c in analysis.signatures] == ["valid", "valid"]
    assert [xml.local_name(e) for e in scanned] == ["Response"]


def test_an_attribute_and_its_values_walk_up_the_tree_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extra = tuple((f"urn:x:a{i}", ("v1", "v2")) for i in range(50))
    root = etree.fromstring(testidp.response_xml(testidp.ResponseSpec(extra_attributes=extra)))
    assertion = copy.deepcopy(root.find("saml:Assertion", xml.NS))  # detached, as a signed view
    assert assertion is not None
    located = counted(monkeypatch, xml, "path_of")
    monkeypatch.setattr(claims, "path_of", xml.path_of)
    facts = claims.read_assertion(assertion)
    last = facts.attributes[-1]
    assert last.location == "/Assertion/AttributeStatement/Attribute[52]"
    assert last.values[1].location == last.location + "/AttributeValue[2]"
    assert len(located) <= 5 * len(facts.attributes)  # 327 when each walked up to the root


def test_check_response_reloads_trust_only_when_a_file_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from samlcheck._internal.checks import response
    from samlcheck._internal.inputs.capture import Message
    from samlcheck._internal.options import CheckOptions

    metadata = tmp_path / "idp.xml"
    metadata.write_bytes((FIXTURES / "idp" / "metadata.xml").read_bytes())
    loaded = counted(monkeypatch, response, "load_trust")
    message = Message("valid.xml", (FIXTURES / "responses" / "valid.xml").read_bytes())
    options = CheckOptions(metadata=(metadata,), at=AT)
    first = response.check_response(message, options)
    assert response.check_response(message, options) == first
    assert len(loaded) == 1
    metadata.write_bytes(testidp.metadata(testidp.idp("idp-next")))  # another key: no longer valid
    assert response.check_response(message, options).verdict != first.verdict
    assert len(loaded) == 2
