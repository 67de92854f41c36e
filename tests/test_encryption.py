"""Decrypting EncryptedAssertion: every algorithm combination, both placements, every failure."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import fixtures_keys
import pytest
import testidp
import testidp_xenc as xenc
from conftest import ROOT, RunCli
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from samlcheck._internal.checks.response import check_response
from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.capture import Message
from samlcheck._internal.inputs.xml import XmlDocument, parse, qname
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.report import Result
from samlcheck._internal.rules import encryption as rules
from samlcheck._internal.stages import decrypt

FIXTURES = ROOT / "fixtures"
SP_KEY = FIXTURES / "keys" / "sp-encryption.pem"
NEXT_KEY = FIXTURES / "keys" / "sp-encryption-next.pem"


def _decrypt(name: str, *keys: Path) -> decrypt.Decryption:
    return decrypt.decrypt(parse((FIXTURES / name).read_bytes()), keys)


def _rule_ids(result: decrypt.Decryption) -> list[str]:
    return [f.rule.id for f in rules.decryption_findings(result)]


def _assertion(document: XmlDocument | None) -> etree._Element:
    assert document is not None
    found = document.root.find(qname("saml", "Assertion"))
    assert found is not None
    return found


def _verify_assertion_signature(assertion: etree._Element) -> None:
    from signxml.verifier import SignatureConfiguration, VerifyResult, XMLVerifier

    verified = XMLVerifier().verify(
        assertion,
        x509_cert=testidp.idp().cert,
        expect_config=SignatureConfiguration(require_x509=False),
    )
    assert isinstance(verified, VerifyResult)
    assert verified.signed_xml is not None
    assert verified.signed_xml.get("ID") == "_assert-0001"


@pytest.mark.parametrize(
    ("algorithm", "transport", "placement"),
    fixtures_keys.combinations(),
    ids=lambda value: value.label if isinstance(value, xenc.Transport) else str(value),
)
def test_every_algorithm_combination_round_trips(
    algorithm: str, transport: xenc.Transport, placement: str
) -> None:
    name = fixtures_keys.combination_name(algorithm, transport, placement)
    result = _decrypt(name, SP_KEY)
    assert result.encrypted
    assert result.key_used == str(SP_KEY)
    assertion = _assertion(result.document)
    assert result.document is not None
    assert result.document.root.find(qname("saml", "EncryptedAssertion")) is None
    _verify_assertion_signature(assertion)  # the decrypted bytes are exactly what was signed
    decrypted = [f for f in rules.decryption_findings(result) if f.rule is rules.DECRYPTED]
    assert len(decrypted) == 1
    assert algorithm.upper().replace("AES", "AES-") in decrypted[0].message
    assert (rules.RSA_15.id in _rule_ids(result)) == (transport.algorithm == "rsa-1_5")


def test_round_trip_fixtures_cover_both_placements_and_every_algorithm() -> None:
    combos = fixtures_keys.combinations()
    assert {a for a, _, _ in combos} == set(xenc.DATA_ALGORITHMS)
    assert {t.algorithm for _, t, _ in combos} == set(xenc.TRANSPORTS)
    assert {p for _, _, p in combos} == {"keyinfo", "retrieval"}
    assert {t for _, t, _ in combos} == set(xenc.TRANSPORT_VARIANTS)


@pytest.mark.parametrize("transport", xenc.TRANSPORT_VARIANTS, ids=lambda t: t.label)
def test_the_test_idps_own_rsa_padding_is_what_cryptography_decrypts(
    transport: xenc.Transport,
) -> None:
    key = xenc.sp().key
    session = bytes(range(32))
    wrapped = xenc.wrap_key(key.public_key(), session, transport, "cross-check")
    if transport.algorithm == "rsa-1_5":
        scheme: padding.AsymmetricPadding = padding.PKCS1v15()
    else:
        named: dict[str, Callable[[], hashes.HashAlgorithm]] = {
            "sha1": hashes.SHA1,
            "sha256": hashes.SHA256,
            "sha384": hashes.SHA384,
        }
        named["sha512"] = hashes.SHA512
        digest = named[transport.digest or "sha1"]()
        mgf = named[(transport.mgf or "sha1") if transport.algorithm == "rsa-oaep" else "sha1"]()
        scheme = padding.OAEP(padding.MGF1(mgf), digest, transport.oaep_params)
    assert key.decrypt(wrapped, scheme) == session


def test_the_test_idp_encrypts_deterministically() -> None:
    first = xenc.encrypted_response_xml(label="same")
    assert first == xenc.encrypted_response_xml(label="same")
    assert first != xenc.encrypted_response_xml(label="other")


def test_second_key_decrypts_when_the_first_does_not() -> None:
    result = _decrypt("encrypted/aes256-gcm_rsa-oaep_keyinfo.xml", NEXT_KEY, SP_KEY)
    assert result.key_used == str(SP_KEY)
    assert result.document is not None


def test_assertion_for_another_key_reports_a_key_mismatch() -> None:
    result = _decrypt("encrypted/for-next-key.xml", SP_KEY)
    assert result.document is None
    assert result.key_used is None
    assert _rule_ids(result) == [rules.WRONG_KEY.id]
    assert "sp-encryption.pem" in rules.decryption_findings(result)[0].message
    assert "encrypted for the certificate CN=sp-encryption-next.example.test" in (
        rules.decryption_findings(result)[0].message
    )
    assert rules.decryption_findings(result)[0].aws_error is not None


def test_rsa15_wrong_key_of_the_same_size_is_caught_by_the_length_check() -> None:
    """OpenSSL's implicit rejection returns random bytes for RSA 1.5 instead of failing."""
    data = xenc.encrypted_response_xml(
        recipient_key=xenc.sp_next().key.public_key(),
        algorithm="aes128-cbc",
        transport=xenc.Transport("rsa-1_5"),
        label="rsa15-wrong",
    )
    result = decrypt.decrypt(parse(data), (SP_KEY,))
    assert _rule_ids(result) == [rules.WRONG_KEY.id]
    assert "session key" in rules.decryption_findings(result)[0].message


def test_right_key_for_the_next_key_fixture_decrypts() -> None:
    result = _decrypt("encrypted/for-next-key.xml", NEXT_KEY)
    assert result.key_used == str(NEXT_KEY)
    _assertion(result.document)


@pytest.mark.parametrize("name", ["encrypted/corrupted-gcm.xml", "encrypted/corrupted-cbc.xml"])
def test_corrupted_ciphertext_is_reported_as_such(name: str) -> None:
    result = _decrypt(name, SP_KEY)
    assert result.document is None
    assert _rule_ids(result) == [rules.CORRUPTED.id]


def test_unsupported_data_algorithm_is_reported() -> None:
    result = _decrypt("encrypted/tripledes.xml", SP_KEY)
    assert _rule_ids(result) == [rules.UNSUPPORTED.id]
    assert "tripledes-cbc" in rules.decryption_findings(result)[0].message


def test_unsupported_key_transport_is_reported() -> None:
    data = (FIXTURES / "encrypted/aes128-gcm_rsa-oaep-mgf1p_keyinfo.xml").read_bytes()
    wrapped = data.replace(
        b"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
        b"http://www.w3.org/2001/04/xmlenc#kw-aes128",
    )
    result = decrypt.decrypt(parse(wrapped), (SP_KEY,))
    assert _rule_ids(result) == [rules.UNSUPPORTED.id]
    assert "kw-aes128" in rules.decryption_findings(result)[0].message


def test_missing_encrypted_key_is_reported() -> None:
    result = _decrypt("encrypted/no-encrypted-key.xml", SP_KEY)
    assert _rule_ids(result) == [rules.MALFORMED.id]


def test_content_that_is_not_an_assertion_is_reported() -> None:
    result = _decrypt("encrypted/not-an-assertion.xml", SP_KEY)
    assert _rule_ids(result) == [rules.NOT_ASSERTION.id]
    assert "Issuer" in rules.decryption_findings(result)[0].message


def test_decrypted_doctype_is_refused_by_the_hardened_parser() -> None:
    hostile = (
        b'<!DOCTYPE a [<!ENTITY x "boom">]><saml:Assertion '
        b'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">&x;</saml:Assertion>'
    )
    container = xenc.encrypt_assertion(hostile, xenc.sp().key.public_key(), label="doctype")
    response = testidp.build_response(testidp.ResponseSpec(), container)
    data = etree.tostring(response, xml_declaration=True, encoding="UTF-8")
    result = decrypt.decrypt(parse(data), (SP_KEY,))
    assert result.document is None
    assert _rule_ids(result) == [rules.NOT_ASSERTION.id]
    assert "DOCTYPE" in rules.decryption_findings(result)[0].message


def test_assertion_relying_on_the_containers_namespace_is_grafted() -> None:
    result = _decrypt("encrypted/prefix-from-container.xml", SP_KEY)
    assertion = _assertion(result.document)
    assert assertion.get("ID") == "_assert-0001"
    assert rules.DECRYPTED.id in _rule_ids(result)


def test_spliced_document_keeps_the_decrypted_bytes_verbatim() -> None:
    name = "encrypted/aes128-cbc_rsa-oaep-mgf1p_retrieval.xml"
    result = _decrypt(name, SP_KEY)
    assert result.document is not None
    plain = etree.tostring(
        testidp.sign(
            testidp.build_assertion(testidp.ResponseSpec(recipient=xenc.SP_ACS)), testidp.idp()
        )
    )
    assert plain in result.document.data


def test_no_key_given_is_a_warning_not_a_crash() -> None:
    result = _decrypt("encrypted/aes256-gcm_rsa-oaep_keyinfo.xml")
    assert result.encrypted
    assert result.document is None
    assert _rule_ids(result) == [rules.NO_KEY.id]


def test_plaintext_response_passes_through_unchanged() -> None:
    doc = parse(testidp.response_xml())
    result = decrypt.decrypt(doc, (SP_KEY,))
    assert result == decrypt.Decryption(document=doc, problems=(), key_used=None, encrypted=False)


def test_more_than_two_keys_is_a_warning() -> None:
    result = _decrypt("encrypted/aes256-gcm_rsa-oaep_keyinfo.xml", NEXT_KEY, NEXT_KEY, SP_KEY)
    assert rules.TOO_MANY_KEYS.id in _rule_ids(result)
    assert result.key_used == str(SP_KEY)


def test_unreadable_or_encrypted_key_is_an_input_error() -> None:
    doc = parse((FIXTURES / "encrypted/aes256-gcm_rsa-oaep_keyinfo.xml").read_bytes())
    with pytest.raises(InputError, match="no such file"):
        decrypt.decrypt(doc, (FIXTURES / "keys" / "missing.pem",))
    with pytest.raises(InputError, match="passphrase"):
        decrypt.decrypt(doc, (FIXTURES / "keys" / "encrypted-pkcs8.pem",))
    with pytest.raises(InputError, match="not a private key"):
        decrypt.decrypt(doc, (FIXTURES / "keys" / "certificate.pem",))


def test_der_key_decrypts_locally() -> None:
    result = _decrypt("encrypted/aes192-gcm_rsa-1_5_keyinfo.xml", FIXTURES / "keys/rsa-pkcs8.der")
    _assertion(result.document)


def _checked(spec: testidp.ResponseSpec) -> Result:
    """The check of an encrypted test-IdP response built from `spec`, with the SP key."""
    options = CheckOptions(
        at=dt.datetime.fromisoformat(testidp.CHECK_AT.replace("Z", "+00:00")),
        metadata=(FIXTURES / "idp" / "metadata.xml",),
        sp_keys=(FIXTURES / "idp" / "sp-encryption-key.pem",),
    )
    return check_response(Message("x", xenc.encrypted_response_xml(spec, testidp.idp())), options)


def test_decryption_finding_claims_no_trust_when_only_the_response_is_signed() -> None:
    spec = testidp.ResponseSpec(recipient=xenc.SP_ACS, sign_assertion=False)
    result = _checked(spec)
    by_name = {f.rule.name: f.message for f in result.findings}
    assert "no signature of its own" in by_name["response-signature-covers-ciphertext"]
    decrypted = by_name["assertion-decrypted"]
    assert "covers only the ciphertext" in decrypted
    assert "trusted through" not in decrypted and "own signature" not in decrypted
    assert "own signature" not in rules.DECRYPTED.summary


def test_decryption_finding_names_no_response_signature_when_the_response_is_unsigned() -> None:
    spec = testidp.ResponseSpec(recipient=xenc.SP_ACS, sign_response=False)
    result = _checked(spec)
    decrypted = [f.message for f in result.findings if f.rule.name == "assertion-decrypted"]
    assert decrypted and "Response" not in decrypted[0]
    assert decrypted[0].endswith("The signature findings say what covers the decrypted Assertion.")


# --- encryption mode ----------------------------------------------------------------------------


def test_required_mode_rejects_a_plaintext_assertion() -> None:
    found = rules.check_mode(False, xenc.SP_ACS, "Required")
    assert [f.rule for f in found] == [rules.PLAINTEXT_REQUIRED]


def test_required_mode_needs_the_provider_acs_recipient() -> None:
    found = rules.check_mode(True, testidp.SIGNIN, "Required")
    assert [f.rule for f in found] == [rules.RECIPIENT_NOT_ACS]


def test_required_mode_accepts_encrypted_assertion_with_acs_recipient() -> None:
    assert rules.check_mode(True, xenc.SP_ACS, "Required") == []
    regional = "https://us-east-1.signin.aws.amazon.com/saml/acs/SAMLSPD0EXAMPLE1234567"
    assert rules.check_mode(True, regional, "Required") == []


@pytest.mark.parametrize("encrypted", [True, False])
def test_allowed_mode_and_no_mode_accept_either(encrypted: bool) -> None:
    assert rules.check_mode(encrypted, testidp.SIGNIN, "Allowed") == []
    assert rules.check_mode(encrypted, testidp.SIGNIN, None) == []


def test_unknown_mode_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Required or Allowed"):
        rules.check_mode(True, None, "required")


# --- bounded work on hostile input (issue 9) -----------------------------------------------------


def _with_bogus_keys(count: int) -> XmlDocument:
    """The keyinfo fixture with `count` EncryptedKeys no key unwraps, before the real one."""
    doc = parse((FIXTURES / "encrypted/aes256-gcm_rsa-oaep_keyinfo.xml").read_bytes())
    real = next(doc.root.iter(qname("xenc", "EncryptedKey")))
    bogus = copy.deepcopy(real)
    next(bogus.iter(qname("xenc", "CipherValue"))).text = "AAAA"
    for _ in range(count):
        real.addprevious(copy.deepcopy(bogus))
    return parse(etree.tostring(doc.root))


def test_encrypted_keys_past_the_cap_are_not_tried() -> None:
    result = decrypt.decrypt(_with_bogus_keys(20_000), (SP_KEY,))
    assert _rule_ids(result) == [rules.TOO_MANY_PARTS.id]
    assert result.document is None
    below = decrypt.decrypt(_with_bogus_keys(decrypt.MAX_ENCRYPTED_KEYS - 1), (SP_KEY,))
    assert below.document is not None


def test_encrypted_assertions_past_the_cap_are_not_decrypted() -> None:
    doc = parse((FIXTURES / "encrypted/aes256-gcm_rsa-oaep_keyinfo.xml").read_bytes())
    container = next(doc.root.iter(qname("saml", "EncryptedAssertion")))
    for _ in range(2_500):
        container.addnext(copy.deepcopy(container))
    result = decrypt.decrypt(parse(etree.tostring(doc.root)), (SP_KEY,))
    (finding,) = rules.decryption_findings(result)
    assert finding.rule is rules.TOO_MANY_PARTS and "2,501 EncryptedAssertions" in finding.message
    assert finding.rule.unjudged


def test_encrypted_assertion_without_sp_key_is_unjudged_not_accepted(run_cli: RunCli) -> None:
    """With --metadata given, the reason is the ciphertext, not a missing trust anchor."""
    done = run_cli(
        "check",
        str(FIXTURES / "encrypted/aes128-cbc_rsa-oaep_keyinfo.xml"),
        "--metadata",
        str(FIXTURES / "metadata/passing.xml"),
    )
    assert "no trust anchor" not in done.stdout
    assert "inside the ciphertext" in done.stdout
    assert done.stdout.rstrip().endswith("1 input: 0 accepted, 0 rejected, 1 unjudged")
    strict = run_cli(
        "check",
        str(FIXTURES / "encrypted/aes128-cbc_rsa-oaep_keyinfo.xml"),
        "--metadata",
        str(FIXTURES / "metadata/passing.xml"),
        "--strict",
    )
    assert strict.exit_code == 1
