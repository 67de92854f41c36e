"""Raw DER walking: extensions listed in order with repeats, malformed DER refused with bounds."""

from __future__ import annotations

import fixtures_metadata
import pytest
import testidp
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from hypothesis import given, settings
from hypothesis import strategies as st

from samlcheck._internal.trust import der


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def test_extensions_are_listed_in_order_with_criticality() -> None:
    cert, _ = fixtures_metadata.extended_certificate("der-order")
    found = der.extensions(_der(cert))
    assert [(e.oid, e.name, e.critical) for e in found] == [
        ("2.5.29.19", "basicConstraints", True),
        ("2.5.29.15", "keyUsage", False),
    ]


def test_repeated_extension_is_reported_with_its_count() -> None:
    data = _der(fixtures_metadata.repeated_extension_certificate())
    assert der.repeated_extensions(data) == (("2.5.29.19", 2),)


def test_certificate_without_repeats_reports_none() -> None:
    assert der.repeated_extensions(_der(testidp.idp("der-plain").cert)) == ()


def test_oid_decoding_handles_multi_byte_arcs() -> None:
    assert der.decode_oid(bytes.fromhex("2a864886f70d01010b")) == "1.2.840.113549.1.1.11"
    assert der.decode_oid(bytes.fromhex("551d13")) == "2.5.29.19"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "truncated"),
        (b"\x30", "truncated"),
        (b"\x30\x80\x00\x00", "indefinite"),
        (b"\x30\x05\x02\x01", "claims 5 bytes"),
        (b"\x30\x81\x05\x02\x01\x00\x02\x00", "non-minimal"),
        (b"\x30\x85\x01\x00\x00\x00\x00", "bad length"),
        (b"\x1f\x01\x00", "multi-byte tag"),
    ],
)
def test_malformed_der_is_refused_with_the_reason(data: bytes, problem: str) -> None:
    with pytest.raises(der.DerError, match=problem):
        der.extensions(data)


def test_trailing_bytes_after_the_certificate_are_refused() -> None:
    data = _der(testidp.idp("der-trailing").cert) + b"\x00"
    with pytest.raises(der.DerError, match="follow the certificate"):
        der.extensions(data)


def test_child_may_not_run_past_its_parent() -> None:
    # SEQUENCE of 3 bytes whose child claims 5
    with pytest.raises(der.DerError, match="claims 5 bytes"):
        der.children(b"\x30\x03\x04\x05\x00", der.read_tlv(b"\x30\x03\x04\x05\x00", 0))


def test_empty_oid_is_refused() -> None:
    with pytest.raises(der.DerError, match="OBJECT IDENTIFIER"):
        der.decode_oid(b"")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_extensions_or_der_error(data: bytes) -> None:
    try:
        found = der.extensions(data)
    except der.DerError as error:
        assert str(error)  # says what is wrong
    else:
        assert all(isinstance(e, der.RawExtension) for e in found)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_corrupted_certificate_der_never_escapes_der_error(position: int, value: int) -> None:
    data = bytearray(_der(testidp.idp("der-fuzz").cert))
    data[position % len(data)] = value
    try:
        found = der.extensions(bytes(data))
    except der.DerError as error:
        assert str(error)  # says what is wrong
    else:
        assert all(isinstance(e, der.RawExtension) for e in found)
