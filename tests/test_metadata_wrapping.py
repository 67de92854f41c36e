"""Metadata signature wrapping: an EntityDescriptor outside the metadata structure never counts.

A signed aggregate's signature covers the document minus itself (enveloped transform), so an
EntityDescriptor placed inside its ds:Object keeps the signature valid. Such an entity, or one in
Extensions or a look-alike element, must never be listed as an IdP nor become a trust anchor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import fixtures_metadata as fm
import pytest
import testidp
from conftest import RunCli
from lxml import etree

from samlcheck._internal.checks.metadata import check_metadata
from samlcheck._internal.inputs import xml
from samlcheck._internal.rules import metadata as rules
from samlcheck._internal.trust.metadata import idp_entities

AT = dt.datetime(2026, 1, 15, 12, tzinfo=dt.timezone.utc)
ATTACKER_ID = "https://attacker.example.test/idp"
MD, DS = f"{{{fm.MD}}}", f"{{{fm.DS}}}"


def _attacker() -> testidp.IdP:
    return testidp.idp("idpb", entity_id=ATTACKER_ID)


def _attacker_entity() -> etree._Element:
    return fm.idp_metadata(ATTACKER_ID, [("signing", _attacker().cert)])


def _signed_aggregate() -> etree._Element:
    root = fm.aggregate(fm.idp_metadata())
    root.set("ID", "_federation-0001")
    return fm.signed(root, testidp.idp())


def _signature(root: etree._Element) -> etree._Element:
    """The root's ds:Signature; in unsigned metadata, a bare one (as an attacker would add)."""
    found = root.find(DS + "Signature")
    return found if found is not None else etree.SubElement(root, DS + "Signature")


def _in_signature_object(root: etree._Element) -> None:
    etree.SubElement(_signature(root), DS + "Object").append(_attacker_entity())


def _nested_aggregate_in_object(root: etree._Element) -> None:
    etree.SubElement(_signature(root), DS + "Object").append(fm.aggregate(_attacker_entity()))


def _second_root_signature(root: etree._Element) -> None:
    second = etree.Element(DS + "Signature")
    etree.SubElement(second, DS + "Object").append(_attacker_entity())
    root.insert(0, second)


def _look_alike_signature(root: etree._Element) -> None:
    fake = etree.SubElement(root, "{http://www.w3.org/2000/09/xmldsig#x}Signature")
    etree.SubElement(fake, "{http://www.w3.org/2000/09/xmldsig#x}Object").append(_attacker_entity())


def _look_alike_aggregate(root: etree._Element) -> None:
    fake = etree.SubElement(root, f"{{{fm.MD}:}}EntitiesDescriptor")
    fake.append(_attacker_entity())


def _in_extensions(root: etree._Element) -> None:
    root.insert(0, etree.Element(MD + "Extensions"))
    root[0].append(_attacker_entity())


def _in_nested_signature_object(root: etree._Element) -> None:
    inner = fm.aggregate(fm.idp_metadata("https://b.example.test/idp"))
    signature = etree.SubElement(inner, DS + "Signature")
    etree.SubElement(signature, DS + "Object").append(_attacker_entity())
    root.append(inner)


PLACEMENTS: dict[str, Callable[[etree._Element], None]] = {
    "signature-object": _in_signature_object,
    "aggregate-in-signature-object": _nested_aggregate_in_object,
    "second-root-signature": _second_root_signature,
    "look-alike-signature": _look_alike_signature,
    "look-alike-aggregate": _look_alike_aggregate,
    "extensions": _in_extensions,
    "nested-aggregate-signature-object": _in_nested_signature_object,
}


def _attacked(placement: str, signed: bool) -> bytes:
    root = _signed_aggregate() if signed else fm.aggregate(fm.idp_metadata())
    PLACEMENTS[placement](root)
    return fm.xml_bytes(root)


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
@pytest.mark.parametrize("placement", sorted(PLACEMENTS))
def test_an_entity_outside_the_metadata_structure_is_never_an_idp(
    placement: str, signed: bool
) -> None:
    data = _attacked(placement, signed)
    ids = [e.entity_id for e in idp_entities(xml.parse(data))]
    assert ATTACKER_ID not in ids
    assert testidp.ENTITY_ID in ids
    result = check_metadata(data, "federation.xml", at=AT)
    assert ATTACKER_ID not in "".join(value for _, value in result.summary)
    strays = [f for f in result.findings if f.rule is rules.ENTITY_OUTSIDE_METADATA]
    if "look-alike" not in placement:  # a look-alike is no md:EntityDescriptor at all
        assert len(strays) == 1 and "1 EntityDescriptor(s)" in strays[0].message


def test_signature_object_keeps_the_signature_valid_but_not_the_entity() -> None:
    result = check_metadata(_attacked("signature-object", True), "federation.xml", at=AT)
    assert result.signature is not None and result.signature.status == "valid"
    assert [f.rule for f in result.findings].count(rules.ENTITY_OUTSIDE_METADATA) == 1
    assert not [f for f in result.findings if f.rule is rules.SEVERAL_IDPS]


def test_a_second_root_signature_is_never_valid() -> None:
    result = check_metadata(_attacked("second-root-signature", True), "federation.xml", at=AT)
    assert result.signature is not None and result.signature.status == "invalid"
    assert any("2 signatures" in f.message for f in result.findings)


def test_entities_of_nested_aggregates_still_count() -> None:
    data = _attacked("nested-aggregate-signature-object", False)
    ids = [e.entity_id for e in idp_entities(xml.parse(data))]
    assert ids == [testidp.ENTITY_ID, "https://b.example.test/idp"]


def test_check_with_wrapped_metadata_rejects_the_attackers_response(
    run_cli: RunCli, tmp_path: Path
) -> None:
    metadata = tmp_path / "federation.xml"
    metadata.write_bytes(_attacked("signature-object", True))
    response = tmp_path / "response.xml"
    spec = testidp.ResponseSpec(issuer=ATTACKER_ID)
    response.write_bytes(testidp.response_xml(spec, _attacker()))
    result = run_cli("check", str(response), "--metadata", str(metadata), "--at", testidp.CHECK_AT)
    assert result.exit_code == 1, result.output
    assert "AWS would accept" not in result.stdout
