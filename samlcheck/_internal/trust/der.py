"""Just enough DER to list a certificate's raw X.509 extensions, duplicates included.

`cryptography` loads a certificate with a repeated extension and only raises DuplicateExtension
when `cert.extensions` is read, without saying which OIDs repeat. IAM refuses such certificates,
so samlcheck reads the extensions straight from the DER. Strict: definite lengths only, every
length checked against its enclosing bounds; anything else raises `DerError`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

SEQUENCE = 0x30
OID = 0x06
BOOLEAN = 0x01
OCTET_STRING = 0x04
EXTENSIONS_TAG = 0xA3
"""[3] EXPLICIT, constructed: the tbsCertificate field holding the extensions."""

EXTENSION_NAMES = {
    "2.5.29.14": "subjectKeyIdentifier",
    "2.5.29.15": "keyUsage",
    "2.5.29.17": "subjectAltName",
    "2.5.29.18": "issuerAltName",
    "2.5.29.19": "basicConstraints",
    "2.5.29.30": "nameConstraints",
    "2.5.29.31": "cRLDistributionPoints",
    "2.5.29.32": "certificatePolicies",
    "2.5.29.33": "policyMappings",
    "2.5.29.35": "authorityKeyIdentifier",
    "2.5.29.36": "policyConstraints",
    "2.5.29.37": "extKeyUsage",
    "2.5.29.46": "freshestCRL",
    "2.5.29.54": "inhibitAnyPolicy",
    "1.3.6.1.5.5.7.1.1": "authorityInfoAccess",
    "1.3.6.1.5.5.7.1.11": "subjectInfoAccess",
    "1.3.6.1.4.1.11129.2.4.2": "signedCertificateTimestampList",
    "2.16.840.1.113730.1.1": "netscapeCertType",
    "2.16.840.1.113730.1.13": "netscapeComment",
}
"""Readable names of common extension OIDs (RFC 5280 and a few widespread others)."""


class DerError(ValueError):
    """The bytes are not the DER this module expects; the message says where."""


@dataclass(frozen=True)
class Tlv:
    """One DER element: its tag, where it begins, and where its content starts and ends."""

    tag: int
    offset: int
    start: int
    end: int


@dataclass(frozen=True)
class RawExtension:
    """One extension exactly as written in the certificate."""

    oid: str
    critical: bool
    value: bytes

    @property
    def name(self) -> str:
        return EXTENSION_NAMES.get(self.oid, "unknown extension")


def read_tlv(data: bytes, offset: int, limit: int | None = None) -> Tlv:
    """The element at `offset`, which must end by `limit` (default: the end of `data`)."""
    bound = len(data) if limit is None else limit
    if bound > len(data) or offset + 2 > bound:
        raise DerError(f"truncated element at byte {offset}")
    tag = data[offset]
    if tag & 0x1F == 0x1F:
        raise DerError(f"multi-byte tag at byte {offset} is not expected in a certificate")
    first = data[offset + 1]
    position = offset + 2
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise DerError(f"indefinite length at byte {offset} is not DER")
    else:
        count = first & 0x7F
        if count > 4 or position + count > bound:
            raise DerError(f"bad length field at byte {offset}")
        length = int.from_bytes(data[position : position + count], "big")
        if length < 0x80 or data[position] == 0:
            raise DerError(f"non-minimal length at byte {offset} is not DER")
        position += count
    if position + length > bound:
        raise DerError(
            f"element at byte {offset} claims {length} bytes but only {bound - position} remain"
        )
    return Tlv(tag=tag, offset=offset, start=position, end=position + length)


def children(data: bytes, parent: Tlv) -> list[Tlv]:
    """The elements directly inside a constructed element."""
    found: list[Tlv] = []
    offset = parent.start
    while offset < parent.end:
        child = read_tlv(data, offset, parent.end)
        found.append(child)
        offset = child.end
    return found


def decode_oid(content: bytes) -> str:
    """Dotted form of an OBJECT IDENTIFIER's content bytes."""
    if not content or content[-1] & 0x80:
        raise DerError("malformed OBJECT IDENTIFIER")
    arcs: list[int] = []
    value = 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(arc) for arc in head + arcs[1:])


def _expect(tlv: Tlv, tag: int, what: str) -> Tlv:
    if tlv.tag != tag:
        raise DerError(f"{what}: expected tag 0x{tag:02X}, found 0x{tlv.tag:02X}")
    return tlv


def extensions(der: bytes) -> tuple[RawExtension, ...]:
    """Every extension in the certificate's DER, in order, repeats kept."""
    certificate = _expect(read_tlv(der, 0), SEQUENCE, "certificate")
    if certificate.end != len(der):
        raise DerError(f"{len(der) - certificate.end} bytes follow the certificate")
    parts = children(der, certificate)
    if len(parts) != 3:
        raise DerError(f"certificate has {len(parts)} parts instead of 3")
    tbs = _expect(parts[0], SEQUENCE, "tbsCertificate")
    found: list[RawExtension] = []
    for field in children(der, tbs):
        if field.tag != EXTENSIONS_TAG:
            continue
        inner = children(der, field)
        if len(inner) != 1:
            raise DerError("the extensions field must hold exactly one SEQUENCE")
        for extension in children(der, _expect(inner[0], SEQUENCE, "extensions")):
            found.append(_extension(der, _expect(extension, SEQUENCE, "extension")))
    return tuple(found)


def _extension(der: bytes, element: Tlv) -> RawExtension:
    parts = children(der, element)
    if len(parts) not in (2, 3):
        raise DerError(f"extension has {len(parts)} parts instead of 2 or 3")
    oid = decode_oid(der[_expect(parts[0], OID, "extnID").start : parts[0].end])
    critical = False
    if len(parts) == 3:
        flag = _expect(parts[1], BOOLEAN, "critical")
        critical = der[flag.start : flag.end] != b"\x00"
    value = _expect(parts[-1], OCTET_STRING, "extnValue")
    return RawExtension(oid=oid, critical=critical, value=der[value.start : value.end])


def repeated_extensions(der: bytes) -> tuple[tuple[str, int], ...]:
    """(OID, count) for every extension that appears more than once, in first-seen order."""
    counts = Counter(extension.oid for extension in extensions(der))
    return tuple((oid, count) for oid, count in counts.items() if count > 1)
