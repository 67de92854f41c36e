"""Certificates and signatures that made libraries raise or warn: each is a finding in our words."""

from __future__ import annotations

import base64
import datetime as dt
import subprocess
import sys
from functools import cache
from pathlib import Path

import fixtures_metadata as fm
import pytest
import testidp
from conftest import RunCli
from cryptography.hazmat.primitives import serialization
from lxml import etree

from samlcheck._internal.aws import Evidence
from samlcheck._internal.checks.metadata import check_metadata
from samlcheck._internal.errors import InputError
from samlcheck._internal.rules import metadata as rules
from samlcheck._internal.trust import certs

AT = dt.datetime(2026, 1, 15, 12, tzinfo=dt.timezone.utc)
RSA_OID = bytes.fromhex("06092a864886f70d010101")
LIBRARY_WORDS = ("ParseError", "ShortData", "InvalidValue", "Tag {", "asn1", "NoneType", "X509 ver")


@cache
def _der() -> bytes:
    return testidp.idp().cert.public_bytes(serialization.Encoding.DER)


def _unknown_key_algorithm() -> bytes:
    return _der().replace(RSA_OID, bytes.fromhex("06092a864886f70d01017f"))


def _undecodable_rsa_key() -> bytes:
    der = _der()
    start = der.index(bytes.fromhex("3082010a02820101"), der.index(RSA_OID))
    return der[: start + 4] + b"\x04" + der[start + 5 :]  # the modulus INTEGER becomes a string


def _version_60() -> bytes:
    return _der().replace(bytes.fromhex("a003020102"), bytes.fromhex("a00302013c"), 1)


def _negative_serial() -> bytes:
    der = _der()
    start = der.index(bytes.fromhex("a003020102")) + 5  # the serial INTEGER follows the version
    assert der[start] == 0x02
    return der[: start + 2] + bytes([der[start + 2] | 0x80]) + der[start + 3 :]


def _truncated() -> bytes:
    return _der()[:40]


BROKEN = {
    "unknown-key-algorithm": (_unknown_key_algorithm, "1.2.840.113549.1.1.127 is unknown"),
    "undecodable-rsa-key": (_undecodable_rsa_key, "public key cannot be decoded"),
    "version-60": (_version_60, "version field holds 60"),
    "truncated": (_truncated, "not a well-formed X.509 certificate"),
}


def _metadata(der: bytes) -> bytes:
    return fm.xml_bytes(fm.idp_metadata(keys=[("signing", base64.b64encode(der).decode())]))


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_unusable_certificate_in_metadata_is_a_finding_in_our_words(name: str) -> None:
    make, words = BROKEN[name]
    result = check_metadata(_metadata(make()), "idp.xml", at=AT)
    unreadable = [f for f in result.findings if f.rule is rules.CERTIFICATE_UNREADABLE]
    assert len(unreadable) == 1 and words in unreadable[0].message
    assert rules.NO_SIGNING_CERTIFICATE in [f.rule for f in result.findings]
    text = " ".join(f.message for f in result.findings) + str(result.summary)
    assert not [w for w in LIBRARY_WORDS if w in text]


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_unusable_certificate_file_is_an_input_error_in_our_words(name: str) -> None:
    make, words = BROKEN[name]
    with pytest.raises(InputError) as raised:
        certs.load_certificate(make(), "cert.der")
    assert words in raised.value.problem
    assert not [w for w in LIBRARY_WORDS if w in raised.value.problem]


def test_unusable_certificate_through_the_cli_is_one_line_exit_2(
    run_cli: RunCli, tmp_path: Path
) -> None:
    cert = tmp_path / "cert.der"
    cert.write_bytes(_unknown_key_algorithm())
    metadata = tmp_path / "idp.xml"
    metadata.write_bytes(_metadata(_der()))
    result = run_cli("metadata", str(metadata), "--cert", str(cert))
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "is unknown" in result.stderr


def _samlcheck(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a fresh interpreter: Python prints warnings there (pytest records them)."""
    command = [sys.executable, "-m", "samlcheck", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_negative_serial_is_a_warning_and_no_library_warning_prints(tmp_path: Path) -> None:
    metadata = tmp_path / "idp.xml"
    metadata.write_bytes(_metadata(_negative_serial()))
    result = _samlcheck("metadata", str(metadata), "--at", fm.CHECK_AT, "--format", "json")
    assert result.stderr == ""
    assert '"SC-MD-037"' in result.stdout
    response = tmp_path / "response.xml"
    response.write_bytes(testidp.response_xml())
    checked = _samlcheck("check", str(response), "--metadata", str(metadata))
    assert checked.stderr == "" and checked.returncode == 1


def test_negative_serial_finding_says_a_future_release_refuses_it() -> None:
    result = check_metadata(_metadata(_negative_serial()), "idp.xml", at=AT)
    found = [f for f in result.findings if f.rule is rules.SERIAL_NOT_POSITIVE]
    assert len(found) == 1 and "future release" in found[0].message
    assert rules.SERIAL_NOT_POSITIVE.evidence is Evidence.INFERRED


def _signed_with_signature_value(value: str) -> bytes:
    root = etree.fromstring(
        fm.xml_bytes(fm.signed(fm.idp_metadata(document_id="_m1"), testidp.idp()))
    )
    root.find(f"{{{fm.DS}}}Signature/{{{fm.DS}}}SignatureValue").text = value  # type: ignore[union-attr]
    return fm.xml_bytes(root)


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_metadata_signature_value_is_invalid_in_our_words(value: str) -> None:
    result = check_metadata(_signed_with_signature_value(value), "idp.xml", at=AT)
    assert result.signature is not None and result.signature.status == "invalid"
    invalid = [f for f in result.findings if f.rule is rules.SIGNATURE_INVALID]
    assert len(invalid) == 1 and "SignatureValue is empty" in invalid[0].message
    assert not [w for w in LIBRARY_WORDS if w in invalid[0].message]


def test_empty_xsi_type_on_a_nested_entity_is_a_schema_finding_not_a_crash() -> None:
    entity = fm.idp_metadata()
    entity.set("{http://www.w3.org/2001/XMLSchema-instance}type", "")
    result = check_metadata(fm.xml_bytes(fm.aggregate(entity)), "idp.xml", at=AT)
    schema = [f for f in result.findings if f.rule is rules.SCHEMA_INVALID]
    assert len(schema) == 1 and "xsi:type '' on md:EntityDescriptor" in schema[0].message
    assert schema[0].location.endswith("/md:EntitiesDescriptor/md:EntityDescriptor")


def test_base64_schema_error_names_the_element_and_its_fix() -> None:
    data = fm.xml_bytes(fm.idp_metadata(keys=[("signing", "MIIB!notbase64")]))
    result = check_metadata(data, "idp.xml", at=AT)
    (schema,) = [f for f in result.findings if f.rule is rules.SCHEMA_INVALID]
    assert schema.message.startswith("ds:X509Certificate must hold base64")
    assert "atomic type" not in schema.message and "xs:base64Binary" not in schema.message
    assert schema.fix == rules.CERTIFICATE_UNREADABLE.fix


@pytest.mark.parametrize("value", ["md:Nope", "Nope"])
def test_xsi_type_naming_an_undefined_type_is_named_in_our_words_and_validation_goes_on(
    value: str,
) -> None:
    entity = fm.idp_metadata()
    entity.set("{http://www.w3.org/2001/XMLSchema-instance}type", value)
    entity.set("validUntil", "tomorrow")  # after the xsi:type: still found
    result = check_metadata(fm.xml_bytes(fm.aggregate(entity)), "idp.xml", at=AT)
    first, second = [f for f in result.findings if f.rule is rules.SCHEMA_INVALID]
    assert first.message == (
        f"xsi:type '{value}' on md:EntityDescriptor names no schema type; remove the attribute"
    )
    assert second.message.startswith("attribute validUntil of md:EntityDescriptor holds 'tomorrow'")
    assert not [w for w in ("QName", "resolve", "Element '") if w in first.message + second.message]


def test_no_deprecation_warning_prints_for_keys_that_are_not_dsa(tmp_path: Path) -> None:
    """cryptography 51 warns on every use of DSA's key class names, an isinstance test included:
    an EC certificate or key, tested against DSA on its way, must print nothing on stderr."""
    from cryptography.hazmat.primitives.asymmetric import ec

    public = ec.derive_private_key(7, ec.SECP256R1()).public_key()
    cert = testidp.certificate(testidp.rsa_key("ec-issuer"), "ec.example.test", public_key=public)
    metadata = tmp_path / "idp.xml"
    metadata.write_bytes(_metadata(cert.public_bytes(serialization.Encoding.DER)))
    response = tmp_path / "response.xml"
    response.write_bytes(testidp.response_xml())
    keys = str(Path(__file__).resolve().parent.parent / "fixtures" / "keys" / "ec-p256.pem")
    for args in (
        ("metadata", str(metadata), "--at", fm.CHECK_AT),
        ("check", str(response), "--metadata", str(metadata), "--at", fm.CHECK_AT),
        ("keys", keys),
    ):
        done = _samlcheck(*args)
        assert done.stderr == "", args
