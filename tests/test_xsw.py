"""Signature wrapping (XSW1-XSW8) and comment injection never put attacker values in the claims."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from pathlib import Path

import fixtures_responses
import pytest
import testidp
import xsw
from lxml import etree

from samlcheck._internal.checks.response import check_response
from samlcheck._internal.inputs.capture import Message
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.report import Result

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OPTIONS = CheckOptions(
    metadata=(FIXTURES / fixtures_responses.METADATA,),
    at=dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc),
)
WRAPPING = [n for n in xsw.ATTACKS if n.startswith("xsw")]


def check(name: str) -> Result:
    data = (FIXTURES / "responses" / "attacks" / f"{name}.xml").read_bytes()
    return check_response(Message(source=name, data=data), OPTIONS)


def test_committed_attacks_are_what_the_generator_makes() -> None:
    for name in xsw.ATTACKS:
        committed = (FIXTURES / "responses" / "attacks" / f"{name}.xml").read_bytes()
        assert committed == xsw.attack_xml(name), name


@pytest.mark.parametrize("name", WRAPPING)
def test_wrapping_attack_is_rejected_for_its_signature(name: str) -> None:
    result = check(name)
    assert not result.verdict.accepted
    assert result.verdict.aws_error is not None
    assert result.verdict.aws_error.key == "signature-invalid"
    assert result.signature.status == "invalid"


@pytest.mark.parametrize("name", WRAPPING)
def test_wrapping_attack_never_shows_attacker_values_as_claims(name: str) -> None:
    result = check(name)
    claims = json.dumps(dataclasses.asdict(result.claims)) if result.claims else ""
    for value in xsw.ATTACKER_VALUES:
        assert value not in claims
    if result.claims is not None:  # what is shown is what the IdP signed
        assert result.claims.name_id == "alice@example.test"


def test_unsigned_second_assertion_is_reported_as_ignored_with_its_values() -> None:
    result = check("xsw3")
    ignored = [f for f in result.findings if f.rule.name == "unsigned-content-ignored"]
    assert ignored and xsw.ATTACKER_NAME_ID in ignored[0].message
    assert result.claims is not None and result.claims.name_id == "alice@example.test"


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("xsw1", "signature-reference-uri"),
        ("xsw2", "signature-reference-uri"),
        ("xsw3", "assertion-count"),
        ("xsw4", "signature-misplaced"),
        ("xsw5", "duplicate-id"),
        ("xsw6", "duplicate-id"),
        ("xsw7", "signature-misplaced"),
        ("xsw8", "duplicate-id"),
    ],
)
def test_wrapping_attack_names_the_profile_violation(name: str, rule: str) -> None:
    assert rule in {f.rule.name for f in check(name).findings}


def test_comment_injection_reports_the_full_text_as_the_claim() -> None:
    result = check("comment-injection")
    assert result.claims is not None
    assert result.claims.name_id == xsw.INJECTED_NAME_ID
    assert result.claims.role_session_name == "alice.evil"
    injected = [f for f in result.findings if f.rule.name == "comment-injection"]
    assert len(injected) == 2
    assert repr(xsw.INJECTED_NAME_ID) in injected[0].message
    assert "'alice@example.test'" in injected[0].message  # what a naive parser would read


def test_comment_injection_keeps_the_signature_valid() -> None:
    assert check("comment-injection").signature.status == "valid"


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16", "ISO-8859-1"])
def test_cdata_inside_a_signed_value_is_flagged(encoding: str) -> None:
    """In any encoding: the CDATA marker is looked for in the bytes only when they are UTF-8."""
    root = testidp.response_element(testidp.ResponseSpec(), testidp.idp())
    text = etree.tostring(root, encoding="unicode").replace(
        ">alice@example.test</saml:NameID>", ">alice<![CDATA[@example.test]]></saml:NameID>"
    )
    data = f'<?xml version="1.0" encoding="{encoding}"?>{text}'.encode(encoding)
    result = check_response(Message("cdata", data), OPTIONS)
    kinds = [f.message for f in result.findings if f.rule.name == "comment-injection"]
    assert kinds and "CDATA" in kinds[0]
    assert result.claims is not None and result.claims.name_id == "alice@example.test"


IDP_B = "https://idp-b.example.test/saml"


def _two_idp_metadata(tmp_path: Path) -> Path:
    """Metadata holding two IdPs: the fixtures' IdP and IdP B (its own key)."""
    md = "urn:oasis:names:tc:SAML:2.0:metadata"
    group = etree.Element(f"{{{md}}}EntitiesDescriptor", nsmap={"md": md})
    for provider in (testidp.idp(), testidp.idp("idpb", entity_id=IDP_B)):
        group.append(etree.fromstring(testidp.metadata(provider)))
    path = tmp_path / "two-idps.xml"
    path.write_bytes(etree.tostring(group, xml_declaration=True, encoding="UTF-8"))
    return path


def _rejected_by_two_idps(tmp_path: Path, data: bytes, aws_error: str) -> Result:
    """The check of `data` against two-IdP metadata, asserted rejected with `aws_error` and no
    claims."""
    options = dataclasses.replace(OPTIONS, metadata=(_two_idp_metadata(tmp_path),))
    result = check_response(Message("two-idps", data), options)
    assert not result.verdict.accepted
    assert result.verdict.aws_error is not None
    assert result.verdict.aws_error.key == aws_error
    assert result.claims is None
    return result


def test_assertion_signed_by_another_entitys_key_is_not_trusted(tmp_path: Path) -> None:
    spec = testidp.ResponseSpec(
        issuer=IDP_B, assertion_issuer=testidp.ENTITY_ID, sign_response=False, name_id="victim@a"
    )
    data = testidp.response_xml(spec, testidp.idp("idpb", entity_id=IDP_B))
    result = _rejected_by_two_idps(tmp_path, data, "signature-invalid")
    assert "signer-not-issuer" in {f.rule.name for f in result.findings}


def test_response_and_assertion_issuers_naming_two_entities_are_rejected(tmp_path: Path) -> None:
    spec = testidp.ResponseSpec(
        issuer=IDP_B, assertion_issuer=testidp.ENTITY_ID, sign_response=False
    )
    data = testidp.response_xml(spec, testidp.idp())  # the Assertion is the IdP's own, signed
    result = _rejected_by_two_idps(tmp_path, data, "issuer-not-in-provider")
    differ = [f for f in result.findings if f.rule.name == "issuers-differ"]
    assert differ and repr(IDP_B) in differ[0].message


def test_a_bare_certificate_vouches_for_any_issuer(tmp_path: Path) -> None:
    other = testidp.idp("idpb", entity_id=IDP_B)
    cert = tmp_path / "b.pem"
    cert.write_bytes(testidp.pem(other.cert))
    data = testidp.response_xml(testidp.ResponseSpec(sign_response=False), other)
    options = dataclasses.replace(OPTIONS, metadata=(), certs=(cert,))
    result = check_response(Message("bare", data), options)
    assert result.verdict.accepted
    assert result.claims is not None


def _data(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_assertion_in_a_look_alike_namespace_counts_and_is_listed_as_ignored() -> None:
    root = xsw._signed(sign_response=False, sign_assertion=True)
    evil = etree.tostring(xsw._attacker_assertion())
    lookalike = etree.fromstring(evil.replace(testidp.SAML.encode(), b"urn:x:assertion2"))
    assertion = root.find(f"{{{testidp.SAML}}}Assertion")
    assert assertion is not None
    assertion.addprevious(lookalike)
    result = check_response(Message("lookalike", _data(root)), OPTIONS)
    assert not result.verdict.accepted
    names = {f.rule.name for f in result.findings}
    assert "assertion-count" in names
    ignored = [f for f in result.findings if f.rule.name == "unsigned-content-ignored"]
    assert ignored and xsw.ATTACKER_NAME_ID in ignored[0].message
    assert "urn:x:assertion2" in ignored[0].message
    assert result.claims is not None and result.claims.name_id == "alice@example.test"


def test_cdata_message_names_the_text_before_the_cdata_section() -> None:
    root = testidp.response_element(testidp.ResponseSpec(), testidp.idp())
    data = _data(root).replace(
        b">alice@example.test</saml:NameID>", b">alice@<![CDATA[example.test]]></saml:NameID>"
    )
    result = check_response(Message("cdata", data), OPTIONS)
    messages = [f.message for f in result.findings if f.rule.name == "comment-injection"]
    assert len(messages) == 1
    assert "a parser that stops at a CDATA section reads 'alice@'" in messages[0]
    assert "the full value is 'alice@example.test'" in messages[0]


def test_comment_injection_names_the_element_not_its_location_again() -> None:
    injected = [
        f for f in check("comment-injection").findings if f.rule.name == "comment-injection"
    ]
    assert injected[0].message.startswith("the NameID contains a comment inside its text")
    assert all(f.location not in f.message for f in injected)


# --- wrapping inside an EncryptedAssertion (the attacker encrypts with the SP's public key) ----

DECRYPTING = dataclasses.replace(OPTIONS, sp_keys=(FIXTURES / fixtures_responses.SP_KEY,))


def _encrypted(assertion: etree._Element, label: str) -> etree._Element:
    import testidp_xenc

    return testidp_xenc.encrypt_assertion(
        assertion, testidp_xenc.sp().key.public_key(), label=label
    )


def _signed_assertion_and_response() -> tuple[etree._Element, etree._Element]:
    root = xsw._signed(sign_response=False, sign_assertion=True)
    assertion = root.find(f"{{{testidp.SAML}}}Assertion")
    assert assertion is not None
    return root, assertion


def _assert_rejected_without_attacker_claims(root: etree._Element) -> None:
    result = check_response(Message("encrypted-wrapping", _data(root)), DECRYPTING)
    assert not result.verdict.accepted
    assert result.signature.status == "invalid"
    assert "assertion-count" in {f.rule.name for f in result.findings}
    claims = json.dumps(dataclasses.asdict(result.claims)) if result.claims else ""
    for value in xsw.ATTACKER_VALUES:
        assert value not in claims


def test_evil_assertion_wrapping_the_signed_one_inside_the_ciphertext_is_rejected() -> None:
    root, signed = _signed_assertion_and_response()
    evil = xsw._attacker_assertion()
    evil.append(copy.deepcopy(signed))
    root.replace(signed, _encrypted(evil, "wrapped"))
    _assert_rejected_without_attacker_claims(root)


def test_evil_encrypted_assertion_with_the_signed_one_encrypted_under_extensions_is_rejected() -> (
    None
):
    root, signed = _signed_assertion_and_response()
    extensions = etree.Element(f"{{{testidp.SAMLP}}}Extensions")
    extensions.append(_encrypted(copy.deepcopy(signed), "genuine"))
    issuer = root.find(f"{{{testidp.SAML}}}Issuer")
    assert issuer is not None
    issuer.addnext(extensions)
    root.replace(signed, _encrypted(xsw._attacker_assertion(), "evil"))
    _assert_rejected_without_attacker_claims(root)


def test_evil_encrypted_assertion_beside_a_signed_plain_one_is_rejected() -> None:
    root, signed = _signed_assertion_and_response()
    signed.addprevious(_encrypted(xsw._attacker_assertion(), "beside"))
    _assert_rejected_without_attacker_claims(root)


@pytest.mark.parametrize(
    "added",
    [b"<foo:bar/>", b'<y xmlns:p="urn:p" xmlns:q="urn:p" p:a="1" q:a="2"/>'],
    ids=["undefined prefix", "attribute twice"],
)
def test_namespace_broken_markup_in_the_unsigned_part_is_not_a_valid_response(
    added: bytes,
) -> None:
    """Markup a namespace-aware parser refuses, put where no signature covers it (an Object of
    the Response's Signature) with a warning after it, never leaves a valid, accepted response."""
    data = testidp.response_xml(testidp.ResponseSpec())
    end = b"</ds:KeyInfo></ds:Signature>"
    assert data.count(end) >= 1
    tampered = data.replace(
        end,
        b"</ds:KeyInfo><ds:Object>" + added + b'<x xml:space="bad"/></ds:Object></ds:Signature>',
        1,
    )
    result = check_response(Message("broken", tampered), OPTIONS)
    assert result.signature.status != "valid"
    assert not result.verdict.accepted
    assert result.claims is None
