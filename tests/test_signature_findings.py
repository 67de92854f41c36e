"""Signature verdicts and messages (issue 8): empty values, a foreign Issuer, short SC-SIG-003."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import fixtures_responses
import pytest
import testidp
from lxml import etree

from samlcheck._internal.checks.response import check_response
from samlcheck._internal.inputs.capture import Message
from samlcheck._internal.inputs.xml import NS
from samlcheck._internal.options import CheckOptions

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AT = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)
METADATA = FIXTURES / fixtures_responses.METADATA
CERT = FIXTURES / fixtures_responses.SIGNING_CERT
ANCHORS = {
    "none": CheckOptions(at=AT),
    "metadata": CheckOptions(metadata=(METADATA,), at=AT),
    "cert": CheckOptions(certs=(CERT,), at=AT),
}


def _parent(node: etree._Element) -> etree._Element:
    parent = node.getparent()
    assert parent is not None
    return parent


def _emptied(name: str, path: str, remove: bool, key_info: bool = True) -> bytes:
    root = etree.fromstring((FIXTURES / "responses" / f"{name}.xml").read_bytes())
    for node in root.iterfind(path, NS):
        if remove:
            _parent(node).remove(node)
        else:
            node.text = ""
    if not key_info:
        for node in root.iterfind(".//ds:KeyInfo", NS):
            _parent(node).remove(node)
    return etree.tostring(root)


@pytest.mark.parametrize("anchor", ANCHORS)
@pytest.mark.parametrize(
    ("path", "remove"),
    [
        (".//ds:SignatureValue", False),
        (".//ds:SignatureValue", True),
        (".//ds:DigestValue", False),
        (".//ds:DigestValue", True),
    ],
)
@pytest.mark.parametrize("key_info", [True, False])
def test_an_empty_or_absent_value_is_invalid_under_any_key(
    anchor: str, path: str, remove: bool, key_info: bool
) -> None:
    data = _emptied("valid-response-signed-only", path, remove, key_info)
    result = check_response(Message("x", data), ANCHORS[anchor])
    assert result.signature.status == "invalid"
    assert result.verdict.aws_error is not None
    assert result.verdict.aws_error.key == "signature-invalid"
    assert result.verdict.finding is not None
    message = result.verdict.finding.message
    assert "invalid under any key" in message
    assert "NoneType" not in message and "Error" not in message


def test_metadata_with_an_empty_signature_value_is_a_finding_not_a_type_error() -> None:
    from samlcheck._internal.checks.metadata import check_metadata

    idp = testidp.idp()
    signed = testidp.sign(etree.fromstring(testidp.metadata(idp)), idp)
    (value,) = signed.iterfind(".//ds:SignatureValue", NS)
    value.text = ""
    result = check_metadata(etree.tostring(signed), "md.xml", at=AT, cert=idp.cert)
    assert result.signature.status == "invalid"
    assert any("invalid under any key" in f.message for f in result.findings)


def _check(data: bytes, metadata: Path = METADATA) -> tuple[str, str, set[str], str]:
    """(AWS error key, verdict rule id, every rule id, verdict message)."""
    result = check_response(Message("x", data), CheckOptions(metadata=(metadata,), at=AT))
    assert result.verdict.aws_error is not None and result.verdict.finding is not None
    return (
        result.verdict.aws_error.key,
        result.verdict.finding.rule.id,
        {f.rule.id for f in result.findings},
        result.verdict.finding.message,
    )


def test_foreign_issuer_with_one_entity_is_issuer_not_present_and_the_signature_is_reported() -> (
    None
):
    data = (FIXTURES / "responses" / "issuer-mismatch.xml").read_bytes()
    error, rule, rules, message = _check(data)
    assert (error, rule) == ("issuer-not-in-provider", "SC-SIG-023")
    assert "SC-SIG-021" not in rules and "SC-SIG-022" not in rules
    assert "'https://other-idp.example.test/saml'" in message
    assert "the signature itself is valid" in message


def test_foreign_issuer_and_foreign_key_with_one_entity_reports_both_issuer_first() -> None:
    spec = testidp.ResponseSpec(issuer="https://other-idp.example.test/saml")
    data = testidp.response_xml(spec, fixtures_responses.rotated_idp())
    error, rule, rules, message = _check(data)
    assert (error, rule) == ("issuer-not-in-provider", "SC-SIG-023")
    assert "does not verify with that IdP's keys either" in message
    assert "SC-SIG-003" in rules


def test_foreign_issuer_of_an_unsigned_response_with_one_entity_says_so() -> None:
    spec = testidp.ResponseSpec(
        issuer="https://other-idp.example.test/saml", sign_response=False, sign_assertion=False
    )
    error, rule, rules, message = _check(testidp.response_xml(spec, testidp.idp()))
    assert (error, rule) == ("issuer-not-in-provider", "SC-SIG-023")
    assert "not signed either" in message and "SC-SIG-001" in rules


def test_with_several_entities_a_key_of_another_entity_stays_signer_not_issuer(
    tmp_path: Path,
) -> None:
    md = "urn:oasis:names:tc:SAML:2.0:metadata"
    group = etree.Element(f"{{{md}}}EntitiesDescriptor", nsmap={"md": md})
    other = testidp.idp("idpb", entity_id="https://idp-b.example.test/saml")
    for provider in (testidp.idp(), other):
        group.append(etree.fromstring(testidp.metadata(provider)))
    path = tmp_path / "two.xml"
    path.write_bytes(etree.tostring(group))
    spec = testidp.ResponseSpec(issuer=other.entity_id, assertion_issuer=other.entity_id)
    error, rule, rules, _ = _check(testidp.response_xml(spec, testidp.idp()), path)
    assert (error, rule) == ("signature-invalid", "SC-SIG-021")
    assert "SC-SIG-023" not in rules


def _federation(tmp_path: Path, entities: int) -> Path:
    """Metadata of `entities` IdPs: the fixtures' IdP last, the others sharing a foreign key."""
    md = "urn:oasis:names:tc:SAML:2.0:metadata"
    group = etree.Element(f"{{{md}}}EntitiesDescriptor", nsmap={"md": md})
    key = testidp.rsa_key("federation-member")
    for index in range(entities - 1):
        member = testidp.IdP(
            f"https://idp{index}.example.test/saml", key, testidp.certificate(key, f"m{index}")
        )
        group.append(etree.fromstring(testidp.metadata(member)))
    group.append(etree.fromstring(testidp.metadata(testidp.idp())))
    path = tmp_path / "federation.xml"
    path.write_bytes(etree.tostring(group))
    return path


def test_summary_names_the_anchor_used_and_counts_the_others(tmp_path: Path) -> None:
    options = CheckOptions(metadata=(_federation(tmp_path, 60),), at=AT)
    data = (FIXTURES / "responses" / "valid.xml").read_bytes()
    result = check_response(Message("x", data), options)
    anchors = [v for k, v in result.summary if k == "trust anchor"]
    assert anchors == [
        f"CN=idp.example.test, from {options.metadata[0]}, entity {testidp.ENTITY_ID}, "
        "signing certificate 1"
    ]
    assert dict(result.summary)["other anchors"] == "59 more (not used)"


def test_summary_without_a_verifying_anchor_names_the_first_few(tmp_path: Path) -> None:
    options = CheckOptions(metadata=(_federation(tmp_path, 60),), at=AT)
    data = (FIXTURES / "responses" / "rotated-certificate.xml").read_bytes()
    result = check_response(Message("x", data), options)
    assert len([k for k, _ in result.summary if k == "trust anchor"]) == 3
    assert dict(result.summary)["other anchors"] == "57 more (none verified a signature)"


def test_a_foreign_issuer_with_one_entity_is_one_finding_with_its_near_miss_hint() -> None:
    """SC-SIG-023 says the Issuer and the signature's result; SC-RESP-010 no longer repeats it."""
    data = (FIXTURES / "responses" / "assertion-issuer-trailing-slash.xml").read_bytes()
    error, rule, rules, message = _check(data)
    assert (error, rule) == ("issuer-not-in-provider", "SC-SIG-023")
    assert "SC-RESP-010" not in rules
    assert "(it differs only by a trailing slash)" in message
