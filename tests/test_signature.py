"""Signature verification: the signed view, precise diagnoses and the trust anchors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import fixtures_responses
import pytest
import testidp
from cryptography import x509
from lxml import etree

from samlcheck._internal.checks.response import check_response
from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.capture import Message
from samlcheck._internal.inputs.xml import parse
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.stages import signature
from samlcheck._internal.trust.anchors import Anchor, Trust, load_trust
from samlcheck._internal.trust.certs import describe

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AT = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)
METADATA = FIXTURES / fixtures_responses.METADATA


def trust() -> Trust:
    return load_trust((METADATA,), ())


def analyse(name: str, anchors: Trust | None = None) -> signature.SignatureAnalysis:
    doc = parse((FIXTURES / "responses" / f"{name}.xml").read_bytes())
    return signature.analyse(doc, anchors if anchors is not None else trust())


def test_valid_response_has_a_signed_view_of_both_elements() -> None:
    analysis = analyse("valid")
    assert analysis.status == "valid"
    assert [c.outcome for c in analysis.signatures] == ["valid", "valid"]
    assert analysis.view.assertion is not None
    assert analysis.view.response is not None
    assert analysis.view.assertion.get("ID") == "_assert-0001"


def test_signed_view_excludes_the_enveloped_signature() -> None:
    view = analyse("valid").view
    assert view.assertion is not None
    assert view.assertion.find("{http://www.w3.org/2000/09/xmldsig#}Signature") is None


def test_recomputed_digests_match_a_valid_signature() -> None:
    checks = analyse("valid").signatures
    assert all(d.matches for c in checks for d in c.digests)


def test_edited_content_is_a_digest_mismatch_naming_the_element() -> None:
    checks = {c.parent: c for c in analyse("content-changed").signatures}
    inner = checks["/Response/Assertion"]
    assert inner.outcome == signature.Outcome.DIGEST_MISMATCH
    assert inner.anchor is not None  # the key is right, the content is not
    assert [d.target for d in inner.digests if not d.matches] == ["/Response/Assertion"]


def test_pretty_printed_response_is_recognised() -> None:
    checks = analyse("pretty-printed").signatures
    assert all(c.reindented for c in checks)
    result = check_response(
        Message("p", (FIXTURES / "responses" / "pretty-printed.xml").read_bytes()),
        CheckOptions(metadata=(METADATA,), at=AT),
    )
    assert any("pretty-printed" in f.message for f in result.findings)


def test_foreign_key_is_key_not_trusted_with_both_certificates_shown() -> None:
    result = check_response(
        Message("r", (FIXTURES / "responses" / "rotated-certificate.xml").read_bytes()),
        CheckOptions(metadata=(METADATA,), at=AT),
    )
    finding = next(f for f in result.findings if f.rule.name == "signing-key-not-trusted")
    new = describe(fixtures_responses.rotated_idp().cert)
    old = describe(testidp.idp().cert)
    assert finding.message.startswith(
        "the response was signed with a certificate that is not in the metadata uploaded to IAM"
    )
    for facts in (new, old):  # short form in the message, full fingerprints in the detail
        assert f"{facts.subject}, valid to {facts.not_after:%Y-%m-%d}" in finding.message
        assert facts.sha256[:11] in finding.message and facts.sha256 not in finding.message
        assert facts.sha256 in (finding.detail or "")
    assert "new certificate" in finding.fix


def test_without_anchors_the_status_is_unverifiable_never_valid() -> None:
    analysis = analyse("valid", Trust())
    assert analysis.status == "unverifiable"
    result = check_response(
        Message("v", (FIXTURES / "responses" / "valid.xml").read_bytes()), CheckOptions(at=AT)
    )
    assert result.signature.status == "unverifiable"
    finding = next(f for f in result.findings if f.rule.name == "signature-unverifiable")
    assert describe(testidp.idp().cert).sha256 in finding.message


def test_unsigned_response_is_unsigned() -> None:
    assert analyse("unsigned").status == "unsigned"


def test_sha1_signature_verifies_with_a_warning() -> None:
    analysis = analyse("sha1")
    assert analysis.status == "valid"
    assert all(c.sha1 for c in analysis.signatures)


def test_expired_anchor_still_verifies() -> None:
    anchors = load_trust((FIXTURES / fixtures_responses.EXPIRED_METADATA,), ())
    analysis = analyse("expired-anchor", anchors)
    assert analysis.status == "valid"


def test_hmac_signature_is_not_trusted() -> None:
    from signxml.algorithms import SignatureMethod
    from signxml.signer import XMLSigner

    spec = testidp.ResponseSpec(sign_response=False, sign_assertion=False)
    assertion = testidp.build_assertion(spec)
    signed = XMLSigner(signature_algorithm=SignatureMethod.HMAC_SHA256).sign(
        assertion, key=b"shared-secret", reference_uri="_assert-0001", id_attribute="ID"
    )
    data = etree.tostring(testidp.build_response(spec, signed))
    result = check_response(Message("h", data), CheckOptions(metadata=(METADATA,), at=AT))
    assert "signature-key-untrusted" in {f.rule.name for f in result.findings}
    assert result.signature.status == "invalid"
    assert result.claims is None


def test_key_value_only_signature_is_not_trusted_without_anchors() -> None:
    analysis = analyse("key-value-only", Trust())
    assert all(c.key_value_only for c in analysis.signatures)
    assert analysis.view.assertion is None


def test_key_value_only_signature_verifies_against_a_pinned_anchor() -> None:
    assert analyse("key-value-only").status == "valid"


def test_anchors_are_picked_by_issuer_among_several_entities(tmp_path: Path) -> None:
    other = testidp.idp("other-idp", entity_id="https://other.example.test/saml")
    ours = etree.fromstring(testidp.metadata(testidp.idp()))
    theirs = etree.fromstring(testidp.metadata(other))
    md = "urn:oasis:names:tc:SAML:2.0:metadata"
    group = etree.Element(f"{{{md}}}EntitiesDescriptor", nsmap={"md": md})
    group.extend([theirs, ours])
    path = tmp_path / "federation.xml"
    path.write_bytes(etree.tostring(group, xml_declaration=True, encoding="UTF-8"))
    loaded = load_trust((path,), ())
    assert loaded.entity_ids == ("https://other.example.test/saml", testidp.ENTITY_ID)
    picked = loaded.for_issuer(testidp.ENTITY_ID)
    assert [a.entity_id for a in picked] == [testidp.ENTITY_ID]
    assert analyse("valid", loaded).status == "valid"


def test_bare_certificate_is_an_anchor() -> None:
    anchors = load_trust((), (FIXTURES / fixtures_responses.SIGNING_CERT,))
    assert anchors.entity_ids == ()
    assert analyse("valid", anchors).status == "valid"


def test_for_issuer_falls_back_to_every_anchor_for_an_unknown_issuer() -> None:
    cert = testidp.idp().cert
    anchor = Anchor(cert, describe(cert), "x", entity_id="https://a.example.test")
    assert Trust((anchor,)).for_issuer("https://b.example.test") == (anchor,)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            b"<md:EntityDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:metadata' entityID='x'/>",
            "no IdP entity",
        ),
        (b"not xml", "not XML"),
    ],
)
def test_unusable_metadata_is_an_input_error(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "md.xml"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        load_trust((path,), ())
    assert problem in str(error.value)


def test_missing_metadata_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_trust((tmp_path / "absent.xml",), ())


def _findings(data: bytes) -> list[str]:
    result = check_response(Message("x", data), CheckOptions(metadata=(METADATA,), at=AT))
    return [f.message for f in result.findings if f.rule.name == "signed-content-changed"]


def test_change_outside_the_assertion_is_located_in_the_response() -> None:
    root = testidp.response_element(testidp.ResponseSpec(), testidp.idp())
    root.set("Destination", "https://evil.example.test/")
    messages = _findings(etree.tostring(root))
    assert len(messages) == 1
    assert "change is in the Response outside the Assertion" in messages[0]


def test_change_inside_the_assertion_is_located_there() -> None:
    data = (FIXTURES / "responses" / "content-changed.xml").read_bytes()
    assert any("change is inside the Assertion" in m for m in _findings(data))


def test_signatures_failing_alike_give_one_finding_naming_both() -> None:
    result = check_response(
        Message("r", (FIXTURES / "responses" / "rotated-certificate.xml").read_bytes()),
        CheckOptions(metadata=(METADATA,), at=AT),
    )
    (finding,) = [f for f in result.findings if f.rule.name == "signing-key-not-trusted"]
    assert "(/Response and /Response/Assertion)" in finding.message


def test_rotation_diagnosis_uses_the_metadata_comparison() -> None:
    rotated = FIXTURES / "idp" / "metadata-rotated.xml"
    result = check_response(
        Message("r", (FIXTURES / "responses" / "rotated-certificate.xml").read_bytes()),
        CheckOptions(metadata=(METADATA,), idp_metadata=(rotated,), at=AT),
    )
    rotation = [f for f in result.findings if f.rule.name == "signing-certificate-rotated"]
    assert rotation and all("holds the certificate that signed" in f.message for f in rotation)
    new = describe(fixtures_responses.rotated_idp().cert)
    old = describe(testidp.idp().cert)
    assert f"the current one adds {new.subject} (SHA-256 {new.sha256})" in rotation[0].message
    assert f"drops {old.subject} (SHA-256 {old.sha256})" in rotation[0].message
    assert result.verdict.aws_error is not None
    assert result.verdict.aws_error.key == "signature-invalid"


def _messages(data: bytes, rule: str, metadata: Path = METADATA) -> list[str]:
    result = check_response(Message("x", data), CheckOptions(metadata=(metadata,), at=AT))
    return [f.message for f in result.findings if f.rule.name == rule]


def test_one_foreign_signature_is_named_in_the_singular_and_reads_naturally() -> None:
    spec = testidp.ResponseSpec(sign_assertion=False)
    data = testidp.response_xml(spec, fixtures_responses.rotated_idp())
    (message,) = _messages(data, "signing-key-not-trusted")
    assert message.startswith(
        "the response was signed with a certificate that is not in the metadata uploaded to IAM "
        "(/Response); signed with: CN=idp-rotated-2026.example.test"
    )


def test_untrusted_key_fix_names_the_provider_arn_like_the_catalogue() -> None:
    from samlcheck._internal import aws
    from samlcheck._internal.rules.signature import KEY_NOT_IN_ANCHORS

    assert "--saml-provider-arn ARN --saml-metadata-document" in KEY_NOT_IN_ANCHORS.fix
    assert "--saml-provider-arn ARN" in aws.ERRORS["signature-invalid"].remediation


def test_expired_anchor_says_still_verifies_only_when_the_signature_verifies() -> None:
    root = testidp.response_element(testidp.ResponseSpec(), fixtures_responses.expired_idp())
    root.set("Destination", "https://evil.example.test/")  # breaks only the Response signature
    options = CheckOptions(metadata=(FIXTURES / fixtures_responses.EXPIRED_METADATA,), at=AT)
    result = check_response(Message("x", etree.tostring(root)), options)
    by_location = {
        f.location: f.message
        for f in result.findings
        if f.rule.name == "anchor-certificate-expired"
    }
    assert "so the signature still verifies" in by_location["/Response/Assertion/Signature"]
    changed = by_location["/Response/Signature"]
    assert "still verifies" not in changed and "not why this signature fails" in changed


def test_processing_instruction_inside_a_value_is_flagged_like_a_comment() -> None:
    from samlcheck._internal.stages.profile import injected_text

    root = parse(b"<a><NameID>admin@example.test<?pi x?>.evil.test</NameID></a>").root
    (item,) = injected_text(root)
    assert (item.kind, item.first, item.full) == (
        "comment",
        "admin@example.test",
        "admin@example.test.evil.test",
    )


def test_hmac_signed_metadata_is_not_reported_as_validly_signed() -> None:
    from cryptography.hazmat.primitives import serialization
    from signxml.algorithms import SignatureMethod
    from signxml.signer import XMLSigner

    from samlcheck._internal.checks.metadata import check_metadata

    cert = testidp.idp().cert
    secret = cert.public_bytes(serialization.Encoding.PEM)  # a "key" anyone holding the cert has
    root = etree.fromstring(testidp.metadata(testidp.idp()))
    signed = XMLSigner(signature_algorithm=SignatureMethod.HMAC_SHA256).sign(root, key=secret)
    data = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
    result = check_metadata(data, "hmac.xml", at=AT, cert=cert)
    assert result.signature.status == "invalid"
    (failure,) = [f for f in result.findings if f.rule.name == "metadata-signature-invalid"]
    assert "hmac-sha256 is an HMAC" in failure.message


def test_verification_policy_refuses_hmac_for_responses_and_metadata_alike() -> None:
    from signxml.algorithms import SignatureMethod
    from signxml.signer import XMLSigner

    from samlcheck._internal.stages.verify import Malformed, verify

    assertion = testidp.build_assertion(testidp.ResponseSpec())
    signed = XMLSigner(signature_algorithm=SignatureMethod.HMAC_SHA256).sign(
        assertion, key=b"shared-secret", reference_uri="_assert-0001", id_attribute="ID"
    )
    with pytest.raises(Malformed, match="is an HMAC"):
        verify(signed, testidp.idp().cert)


def _ec_certificate() -> x509.Certificate:
    """A certificate for a P-256 key (signed by an RSA key: only its public key matters)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    public = ec.derive_private_key(7, ec.SECP256R1()).public_key()
    return testidp.certificate(testidp.rsa_key("ec-issuer"), "ec.example.test", public_key=public)


def test_an_ec_certificate_before_the_signing_one_does_not_make_the_signature_malformed(
    tmp_path: Path,
) -> None:
    idp = testidp.idp()
    path = tmp_path / "metadata.xml"
    path.write_bytes(testidp.metadata(idp, signing_certs=[_ec_certificate(), idp.cert]))
    assert analyse("valid", load_trust((path,), ())).status == "valid"


def test_a_signature_only_ec_certificates_could_check_is_key_not_trusted_not_malformed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "metadata.xml"
    path.write_bytes(testidp.metadata(testidp.idp(), signing_certs=[_ec_certificate()]))
    outcomes = {c.outcome for c in analyse("valid", load_trust((path,), ())).signatures}
    assert outcomes == {signature.Outcome.KEY_NOT_TRUSTED}


def test_rotation_is_one_finding_per_signing_certificate_naming_every_signed_element() -> None:
    result = check_response(
        Message("r", (FIXTURES / "responses" / "rotated-certificate.xml").read_bytes()),
        CheckOptions(
            metadata=(METADATA,),
            idp_metadata=(FIXTURES / fixtures_responses.ROTATED_METADATA,),
            at=AT,
        ),
    )
    rotation = [f for f in result.findings if f.rule.name == "signing-certificate-rotated"]
    assert len(rotation) == 1
    assert "signed /Response and /Response/Assertion (" in rotation[0].message


def test_a_changed_element_with_a_non_ascii_attribute_name_is_diagnosed() -> None:
    """Recomputing the digests copies the signed element: serialised in ASCII, lxml wrote a
    character reference into the attribute name, which no parser reads back (found by fuzzing)."""
    data = testidp.response_xml(testidp.ResponseSpec()).decode()
    tampered = data.replace("<saml:Subject>", '<saml:Subject x\ufeff="1">', 1).encode()
    assert tampered != data.encode()
    options = CheckOptions(metadata=(FIXTURES / "idp" / "metadata.xml",), at=AT)
    result = check_response(Message("x", tampered), options)
    assert result.signature.status == "invalid"
    assert any(f.rule.name == "signed-content-changed" for f in result.findings)
