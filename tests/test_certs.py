"""Certificate facts and loading: key description, fingerprint, weak hashes, PEM/DER/base64."""

from __future__ import annotations

import base64
import datetime as dt

import fixtures_metadata
import pytest
import testidp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree

from samlcheck._internal.errors import InputError
from samlcheck._internal.trust import certs

UTC = dt.timezone.utc


def test_rsa_certificate_is_described() -> None:
    cert = testidp.idp("certs-rsa").cert
    facts = certs.describe(cert)
    assert facts.key == "RSA 2048"
    assert facts.key_bits == 2048
    assert facts.subject == "CN=certs-rsa.example.test"
    assert facts.issuer == facts.subject
    assert facts.signature_algorithm == "sha256WithRSAEncryption"
    assert facts.not_before == dt.datetime(2025, 1, 1, tzinfo=UTC)
    assert facts.not_after == dt.datetime(2035, 1, 1, tzinfo=UTC)
    assert facts.serial == f"{cert.serial_number:X}"
    assert facts.weak_signature_hash is None


def test_fingerprint_is_colon_separated_upper_hex_sha256_of_der() -> None:
    cert = testidp.idp("certs-fp").cert
    digest = cert.fingerprint(hashes.SHA256())
    assert certs.describe(cert).sha256 == ":".join(f"{b:02X}" for b in digest)


def test_ec_key_is_described_with_its_curve() -> None:
    key = ec.derive_private_key(12345, ec.SECP256R1())
    cert = testidp.certificate(key, "ec.example.test")  # type: ignore[arg-type]
    facts = certs.describe(cert)
    assert facts.key == "EC secp256r1"
    assert facts.key_bits == 256


def test_sha1_signature_is_flagged_weak() -> None:
    key = testidp.rsa_key("certs-sha1", 1024)
    cert = fixtures_metadata.resign(testidp.certificate(key, "sha1.test"), key, digest="sha1")
    facts = certs.describe(cert)
    assert facts.signature_algorithm == "sha1WithRSAEncryption"
    assert facts.weak_signature_hash == "SHA-1"


def test_md5_signature_is_flagged_weak() -> None:
    key = testidp.rsa_key("certs-md5", 1024)
    cert = fixtures_metadata.resign(testidp.certificate(key, "md5.test"), key, digest="md5")
    assert certs.describe(cert).weak_signature_hash == "MD5"


def test_expiry_is_judged_at_a_given_instant() -> None:
    facts = certs.describe(testidp.idp("certs-expiry").cert)
    assert facts.expired_at(dt.datetime(2035, 1, 1, tzinfo=UTC))
    assert not facts.expired_at(dt.datetime(2030, 1, 1, tzinfo=UTC))
    assert facts.not_yet_valid_at(dt.datetime(2024, 1, 1, tzinfo=UTC))


def test_repeated_extensions_are_read_from_the_raw_der() -> None:
    cert = fixtures_metadata.repeated_extension_certificate()
    assert certs.repeated_extensions(cert) == (("2.5.29.19", "basicConstraints", 2),)
    assert certs.repeated_extensions(testidp.idp("certs-norepeat").cert) == ()


@pytest.mark.parametrize("form", ["pem", "der", "base64", "base64-of-pem"])
def test_certificate_loads_from_every_common_form(form: str) -> None:
    cert = testidp.idp("certs-load").cert
    pem = cert.public_bytes(serialization.Encoding.PEM)
    der_bytes = cert.public_bytes(serialization.Encoding.DER)
    data = {
        "pem": b"subject=...\n" + pem,
        "der": der_bytes,
        "base64": base64.encodebytes(der_bytes),
        "base64-of-pem": base64.b64encode(pem),
    }[form]
    assert certs.load_certificate(data, "cert.pem") == cert


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"hello, world!", "not a certificate"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not a readable"),
        (b"\x30\x03\x02\x01\x00", "not a readable"),
    ],
)
def test_unreadable_certificate_is_an_input_error(data: bytes, problem: str) -> None:
    with pytest.raises(InputError, match=problem) as raised:
        certs.load_certificate(data, "idp.pem")
    assert raised.value.source == "idp.pem"
    assert raised.value.hint


def test_x509_element_text_with_whitespace_decodes() -> None:
    cert = testidp.idp("certs-elem").cert
    wrapped = "\n  ".join(testidp.cert_base64(cert)[i : i + 64] for i in range(0, 1200, 64))
    decoded = certs.decode_x509_element_text(wrapped)
    assert decoded.certificate == cert
    assert decoded.problem is None
    assert not decoded.pem_wrapped


def test_x509_element_text_holding_base64_of_pem_is_recognised() -> None:
    cert = testidp.idp("certs-elem-pem").cert
    value = base64.b64encode(cert.public_bytes(serialization.Encoding.PEM)).decode()
    decoded = certs.decode_x509_element_text(value)
    assert decoded.pem_wrapped
    assert decoded.certificate == cert
    assert decoded.problem is not None and "base64-encoded a second time" in decoded.problem


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "empty"),
        ("-----BEGIN CERTIFICATE-----MIIB", "PEM text"),
        ("not base64 !!", "not valid base64"),
        (base64.b64encode(b"\x30\x03\x02\x01\x00").decode(), "not a well-formed X.509 certificate"),
    ],
)
def test_x509_element_text_problems_are_named(value: str, problem: str) -> None:
    decoded = certs.decode_x509_element_text(value)
    assert decoded.certificate is None
    assert decoded.problem is not None and problem in decoded.problem


def test_describe_never_raises_on_odd_but_loadable_certificates() -> None:
    cert = x509.load_der_x509_certificate(
        fixtures_metadata.repeated_extension_certificate().public_bytes(serialization.Encoding.DER)
    )
    assert certs.describe(cert).key == "RSA 2048"


def test_a_public_key_algorithm_cryptography_does_not_know_is_described_not_raised() -> None:
    """Found by the metadata fuzz test: one corrupted byte turned rsaEncryption into 0.0.840..."""
    rsa_oid = bytes.fromhex("06092a864886f70d010101")
    der = testidp.idp("certs-rsa").cert.public_bytes(serialization.Encoding.DER)
    cert = x509.load_der_x509_certificate(der.replace(rsa_oid, b"\x06\x09\x00" + rsa_oid[3:]))
    facts = certs.describe(cert)
    assert facts.key.startswith("unreadable (its public-key algorithm") and facts.key_bits is None


def _key_info(*values: str) -> etree._Element:
    """A ds:Signature whose KeyInfo/X509Data holds one X509Certificate per value."""
    ds = "http://www.w3.org/2000/09/xmldsig#"
    signature = etree.Element(f"{{{ds}}}Signature")
    data = etree.SubElement(etree.SubElement(signature, f"{{{ds}}}KeyInfo"), f"{{{ds}}}X509Data")
    for value in values:
        etree.SubElement(data, f"{{{ds}}}X509Certificate").text = value
    return signature


def test_key_info_certificates_are_read_up_to_the_cap_and_counted_beyond() -> None:
    good = testidp.cert_base64(testidp.idp("certs-rsa").cert)
    decoded, unread = certs.key_info_certificates(_key_info(good, "abc", *[good] * 10))
    assert len(decoded) == certs.MAX_KEYINFO_CERTS and unread == 12 - certs.MAX_KEYINFO_CERTS
    assert decoded[0].certificate is not None and decoded[1].certificate is None


def test_x509_element_text_problem_is_in_samlchecks_words() -> None:
    """binascii's 'Incorrect padding' once reached findings; the problem names the value."""
    problem = certs.decode_x509_element_text("abc").problem
    assert problem == "the value is not valid base64"


def test_one_reader_serves_signature_metadata_and_encryption_keyinfo() -> None:
    """signature, metadata_signature and decrypt read KeyInfo through certs.key_info_certificates
    (bounded): none walks ds:X509Certificate itself."""
    from pathlib import Path

    package = Path(certs.__file__).parent.parent
    for module in ("stages/signature.py", "stages/metadata_signature.py", "stages/decrypt.py"):
        source = (package / module).read_text()
        assert "X509Data/ds:X509Certificate" not in source, module
        assert "key_info_certificates" in source, module
