"""Deterministic IdP metadata fixtures for `samlcheck metadata` (written under fixtures/metadata/).

Run `python scripts/fixtures_metadata.py` (or the lead's make_fixtures.py) to write them; the same
run always gives the same bytes. Each file triggers one check, `passing.xml` triggers none.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import testidp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from samlcheck import der

UTC = dt.timezone.utc


# --- certificates cryptography's builder will not make --------------------------------------------


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    body = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, content: bytes) -> bytes:
    """One DER element."""
    return bytes([tag]) + _length(len(content)) + content


_SIGNATURE_ALGORITHMS = {
    "md5": ("2a864886f70d010104", hashes.MD5()),
    "sha1": ("2a864886f70d010105", hashes.SHA1()),
    "sha256": ("2a864886f70d01010b", hashes.SHA256()),
}
"""AlgorithmIdentifier OID content (md5/sha1/sha256WithRSAEncryption) and the matching digest."""


def resign(
    cert: x509.Certificate,
    key: rsa.RSAPrivateKey,
    *,
    digest: str = "sha256",
    repeat: int | None = None,
) -> x509.Certificate:
    """`cert` re-signed with RSA PKCS#1 v1.5 (deterministic), optionally with MD5/SHA-1 and with
    extension number `repeat` written twice: cryptography's builder refuses both."""
    oid, algorithm_hash = _SIGNATURE_ALGORITHMS[digest]
    algorithm = tlv(der.SEQUENCE, tlv(der.OID, bytes.fromhex(oid)) + b"\x05\x00")
    original = cert.public_bytes(serialization.Encoding.DER)
    tbs_tlv, _, _ = der.children(original, der.read_tlv(original, 0))
    rebuilt = b""
    for index, field in enumerate(der.children(original, tbs_tlv)):
        if field.tag == der.SEQUENCE and index == 2:  # version, serialNumber, signature
            rebuilt += algorithm
        elif field.tag == der.EXTENSIONS_TAG and repeat is not None:
            (sequence,) = der.children(original, field)
            items = [original[e.offset : e.end] for e in der.children(original, sequence)]
            items.insert(repeat + 1, items[repeat])
            rebuilt += tlv(der.EXTENSIONS_TAG, tlv(der.SEQUENCE, b"".join(items)))
        else:
            rebuilt += original[field.offset : field.end]
    tbs = tlv(der.SEQUENCE, rebuilt)
    signature = key.sign(tbs, padding.PKCS1v15(), algorithm_hash)
    certificate = tlv(der.SEQUENCE, tbs + algorithm + tlv(0x03, b"\x00" + signature))
    return x509.load_der_x509_certificate(certificate)


def extended_certificate(
    label: str, bits: int = 2048
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A certificate with BasicConstraints and KeyUsage (so one of them can be repeated)."""
    key = testidp.rsa_key(label, bits)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, f"{label}.example.test")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(4242)
        .not_valid_before(dt.datetime(2025, 1, 1, tzinfo=UTC))
        .not_valid_after(dt.datetime(2035, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    return cert, key


def repeated_extension_certificate() -> x509.Certificate:
    """A certificate whose BasicConstraints extension appears twice."""
    cert, key = extended_certificate("repeated-extension")
    return resign(cert, key, repeat=0)


def fixtures() -> dict[str, bytes]:
    """Every metadata fixture, by path relative to fixtures/."""
    return {}


def main(target: Path) -> None:
    for relative, data in fixtures().items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "fixtures")
