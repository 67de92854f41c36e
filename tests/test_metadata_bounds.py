"""Hostile metadata inside IAM's size limits costs bounded work: caps asserted, counts reported.

scripts/resources.py measures time and memory on the same shapes (resources_cases builds them);
these tests pin the caps.
"""

from __future__ import annotations

import datetime as dt

import fixtures_metadata as fm
import pytest
from lxml import etree
from resources_cases import aggregate_metadata, certificates_metadata, extensions_metadata

from samlcheck._internal.checks.metadata import check_metadata
from samlcheck._internal.inputs import xml
from samlcheck._internal.rules import metadata as rules
from samlcheck._internal.stages import metadata_signature
from samlcheck._internal.stages.metadata_signature import MAX_SIGNATURE_CANDIDATES
from samlcheck._internal.trust import schema
from samlcheck._internal.trust.metadata import MAX_CERTIFICATES, MAX_ENTITIES_EXAMINED, idp_entities

AT = dt.datetime(2026, 1, 15, 12, tzinfo=dt.timezone.utc)


def test_extensions_content_beyond_the_budget_is_left_out_and_counted() -> None:
    doc = xml.parse(extensions_metadata(100_000), max_nodes=None)
    before = etree.tostring(doc.root)
    validation = schema.check(doc.root)
    total = len(list(fm.idp_metadata().iter())) + 2 + 100_000  # the IdP, Extensions, the <x>s
    assert validation.total == total
    assert validation.skipped == 100_000 + 2  # Extensions and everything in it
    assert validation.errors == ()
    assert etree.tostring(doc.root) == before  # the document is put back exactly


def test_partly_validated_metadata_says_so_and_stays_accepted() -> None:
    result = check_metadata(extensions_metadata(10_000), "idp.xml", at=AT)
    (partly,) = [f for f in result.findings if f.rule is rules.SCHEMA_PARTLY_VALIDATED]
    assert "validates at most 2,000" in partly.message and "10,002 elements" in partly.message
    assert result.verdict.accepted


def test_aggregate_members_beyond_the_budget_are_left_out_but_the_first_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []
    real = schema._schema_errors

    def counting(root: etree._Element, limit: int) -> list[schema.SchemaError]:
        seen.append(len(root))
        return real(root, limit)

    monkeypatch.setattr(schema, "_schema_errors", counting)
    doc = xml.parse(aggregate_metadata(200))
    per_entity = len(list(fm.idp_metadata().iter()))
    validation = schema.check(doc.root)
    kept = (schema.MAX_VALIDATED_ELEMENTS - 1) // per_entity  # the EntitiesDescriptor is 1
    assert seen == [kept]
    assert validation.skipped == (200 - kept) * per_entity
    assert len(doc.root) == 200


def test_a_document_too_large_even_when_pruned_is_not_validated() -> None:
    entity = fm.idp_metadata()
    sso = entity.find(f"{{{fm.MD}}}IDPSSODescriptor")
    for _ in range(schema.MAX_VALIDATED_ELEMENTS):
        etree.SubElement(sso, f"{{{fm.MD}}}NameIDFormat").text = "x"  # type: ignore[arg-type]
    validation = schema.check(entity)
    assert validation.errors == () and validation.skipped == validation.total


def test_thousands_of_certificates_are_capped_and_signature_tries_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tries: list[object] = []
    real = metadata_signature._verify_with

    def counting(doc: xml.XmlDocument, cert: object) -> object:
        tries.append(cert)
        return real(doc, cert)  # type: ignore[arg-type]

    monkeypatch.setattr(metadata_signature, "_verify_with", counting)
    data = certificates_metadata(300)
    (entity,) = idp_entities(xml.parse(data))
    assert (len(entity.certs), entity.certs_skipped) == (MAX_CERTIFICATES, 301 - MAX_CERTIFICATES)
    result = check_metadata(data, "idp.xml", at=AT)
    assert len(tries) == MAX_SIGNATURE_CANDIDATES
    assert result.signature.status == "unverifiable"
    (capped,) = [f for f in result.findings if f.rule is rules.NOT_FULLY_EXAMINED]
    assert "publishes 301 certificates" in capped.message
    rows = [label for label, _ in result.summary if label.startswith("certificate")]
    assert len(rows) == MAX_CERTIFICATES


def test_entities_beyond_the_cap_are_counted_not_examined() -> None:
    result = check_metadata(aggregate_metadata(MAX_ENTITIES_EXAMINED + 7), "f.xml", at=AT)
    summary = dict(result.summary)
    assert summary["further IdPs"] == "7 not shown"
    assert f"IdP {MAX_ENTITIES_EXAMINED} entity ID" in summary
    assert f"IdP {MAX_ENTITIES_EXAMINED + 1} entity ID" not in summary
    several = [f for f in result.findings if f.rule is rules.SEVERAL_IDPS]
    assert "and 52 more" in several[0].message
    assert any("first 50 only" in f.message for f in result.findings)
