"""Work a check does once, not again: counted calls, never timings (scripts/bench.py times)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

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


METADATA = FIXTURES / "idp" / "metadata.xml"
TRUST = load_trust((METADATA,), ())


def test_a_keyinfo_certificate_is_described_once_per_der(monkeypatch: pytest.MonkeyPatch) -> None:
    signature._described.cache_clear()
    described = counted(monkeypatch, certs, "describe")
    first, second = analyse_valid(), analyse_valid()
    assert len(described) == 1  # two signatures, two checks, one certificate
    facts = [c.key_info[0].facts for a in (first, second) for c in a.signatures]
    assert facts[0] is not None and all(f == facts[0] for f in facts)


def test_a_keyinfo_certificate_is_decoded_once_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    certs._decoded.cache_clear()
    loaded = counted(monkeypatch, certs, "load_der")
    first, second = analyse_valid(), analyse_valid()
    assert len(loaded) == 1  # two signatures, two checks, one certificate text
    decoded = [c.key_info[0].certificate for a in (first, second) for c in a.signatures]
    assert decoded[0] is not None and all(d == decoded[0] for d in decoded)


def test_a_keyinfo_value_too_long_for_a_certificate_is_decoded_but_not_kept() -> None:
    ds = xml.NS["ds"]
    signature = etree.fromstring(
        f'<ds:Signature xmlns:ds="{ds}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{'A' * (certs._CACHED_CHARS + 4)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
        "</ds:Signature>"
    )
    certs._decoded.cache_clear()
    decoded, _ = certs.key_info_certificates(signature)
    assert decoded[0].certificate is None and decoded[0].problem
    assert certs._decoded.cache_info().currsize == 0


def test_the_signed_assertion_is_scanned_for_injected_text_with_its_response(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scanned = counted(monkeypatch, signature, "injected_text")
    analysis = analyse_valid()
    assert [c.outcome for c in analysis.signatures] == ["valid", "valid"]
    assert [xml.local_name(e) for e in scanned] == ["Response"]


def _read_counting_paths(
    monkeypatch: pytest.MonkeyPatch, attributes: int
) -> tuple[claims.AssertionFacts, int]:
    """The facts of a detached assertion (as a signed view) with `attributes` extra attributes
    of two values each, and how many times path_of ran to locate them."""
    extra = tuple((f"urn:x:a{i}", ("v1", "v2")) for i in range(attributes))
    root = etree.fromstring(testidp.response_xml(testidp.ResponseSpec(extra_attributes=extra)))
    assertion = copy.deepcopy(root.find("saml:Assertion", xml.NS))
    assert assertion is not None
    located = counted(monkeypatch, xml, "path_of")
    monkeypatch.setattr(claims, "path_of", xml.path_of)
    facts = claims.read_assertion(assertion)
    monkeypatch.undo()
    return facts, len(located)


def test_attributes_and_values_are_located_without_walking_up_from_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    few, few_walks = _read_counting_paths(monkeypatch, 5)
    many, many_walks = _read_counting_paths(monkeypatch, 50)
    last = many.attributes[-1]
    assert last.location == "/Assertion/AttributeStatement/Attribute[52]"
    assert last.values[1].location == last.location + "/AttributeValue[2]"
    assert few.attributes[0].values[0].location.endswith("/Attribute[1]/AttributeValue")
    assert many_walks == few_walks == 1  # 327 and 42 when each attribute and value walked up


def test_each_attribute_name_is_normalised_once_for_near_misses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from samlcheck._internal.rules import attributes

    facts, _ = _read_counting_paths(monkeypatch, 50)
    normalised = counted(monkeypatch, attributes, "_normal")
    found = attributes.name_findings(facts)
    unknown = [a.name for a in facts.attributes if a.name not in attributes._KNOWN]
    assert normalised == unknown  # once each, not once per known name (250 calls, not 50)
    assert len(attributes._NEAR_MISSES) == len(attributes._KNOWN)  # no two share a normal form
    assert found == []


class _CountedTuple(tuple[claims.Attribute, ...]):
    """A tuple that counts how many times it is walked."""

    walks = 0

    def __iter__(self) -> Iterator[claims.Attribute]:
        type(self).walks += 1
        return super().__iter__()


def test_attributes_are_gathered_by_name_once_for_every_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    facts, _ = _read_counting_paths(monkeypatch, 50)
    object.__setattr__(facts, "attributes", _CountedTuple(facts.attributes))
    _CountedTuple.walks = 0
    names = ("https://aws.amazon.com/SAML/Attributes/Role", "urn:x:a7", "urn:x:none")
    found = [facts.values(name) for name in names * 4]
    assert [len(values) for values in found[:3]] == [1, 2, 0]
    assert _CountedTuple.walks == 1  # 12 when each lookup walked every attribute


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


def test_json_output_leaves_the_pure_python_encoder_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from samlcheck._internal.checks import response
    from samlcheck._internal.inputs.capture import Message
    from samlcheck._internal.options import CheckOptions
    from samlcheck._internal.render.json import render_json
    from samlcheck._internal.report import Report

    message = Message("valid.xml", (FIXTURES / "responses" / "valid.xml").read_bytes())
    result = response.check_response(message, CheckOptions(metadata=(METADATA,), at=AT))
    walked = counted(monkeypatch, json.encoder, "_make_iterencode")
    rendered = render_json(Report((result,)))
    assert json.loads(rendered)["results"][0]["verdict"]["accepted"] is True
    assert walked == []  # json.dumps(indent=2) builds it for every document


class _CountedBytes(bytes):
    """Bytes that record what is counted in them."""

    counted: ClassVar[list[bytes]] = []

    def count(self, sub: Any, *args: Any) -> int:
        type(self).counted.append(sub)
        return super().count(sub, *args)


def test_end_tags_are_counted_only_for_a_document_near_the_node_limit() -> None:
    data = (FIXTURES / "responses" / "valid.xml").read_bytes()
    _CountedBytes.counted = []
    parse(_CountedBytes(data))
    assert _CountedBytes.counted == [b"<"]  # '</' too, for every document, before
    _CountedBytes.counted = []
    parse(_CountedBytes(b"<r>" + b"<a></a>" * 10 + b"</r>"), max_nodes=12)
    assert _CountedBytes.counted == [b"<", b"</"]  # 22 '<', of which 11 end tags: 11 nodes
    with pytest.raises(xml.XmlRefused, match="11 elements"):
        parse(_CountedBytes(b"<r>" + b"<a></a>" * 10 + b"</r>"), max_nodes=10)


class _XPathCounted(etree.ElementBase):
    """An element that counts the XPath expressions compiled to search it."""

    compiled = 0

    def xpath(self, *args: Any, **kwargs: Any) -> Any:
        type(self).compiled += 1
        return super().xpath(*args, **kwargs)


def test_duplicate_ids_are_searched_with_an_expression_compiled_once() -> None:
    from samlcheck._internal.stages import profile

    parser = etree.XMLParser()
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=_XPathCounted))
    root = etree.fromstring((FIXTURES / "responses" / "valid.xml").read_bytes(), parser)
    assert isinstance(root, _XPathCounted)
    _XPathCounted.compiled = 0
    assert profile.document_violations(root) == []
    assertion = root.find("saml:Assertion", xml.NS)
    assert assertion is not None
    root.append(copy.deepcopy(assertion))
    found = profile.document_violations(root)
    assert {v.kind for v in found} == {profile.Breach.DUPLICATE_ID, profile.Breach.ASSERTION_COUNT}
    assert _XPathCounted.compiled == 0  # once per call, before
