"""X.509 facts for people and rules: key type and size, fingerprint, validity, raw extensions.

Certificates come from metadata (base64 of DER inside ds:X509Certificate) or from files the user
names (PEM or DER). Loading never trusts anything: these are facts to report, not a validation.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.utils import CryptographyDeprecationWarning
from lxml import etree

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.xml import NS, text
from samlcheck._internal.trust import der as der_walk

PEM_BEGIN = b"-----BEGIN CERTIFICATE-----"
_BASE64_TEXT = re.compile(rb"^[A-Za-z0-9+/=\s]+$")
_OTHER_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]{1,40})-----")

WEAK_SIGNATURE_HASHES = ("md2", "md4", "md5", "sha1")
"""Digest names (lower case, as in the algorithm name) that are broken or deprecated."""


@dataclass(frozen=True)
class CertFacts:
    """What a person needs to know about a certificate at a glance."""

    subject: str
    """RFC 4514 string."""
    issuer: str
    sha256: str
    """SHA-256 of the DER, colon-separated upper-case hex (as `openssl x509 -fingerprint`)."""
    serial: str
    """Upper-case hexadecimal, no separators."""
    not_before: dt.datetime
    not_after: dt.datetime
    key: str
    """'RSA 2048', 'EC secp256r1', 'DSA 1024', 'Ed25519', or 'unknown (...)'."""
    key_bits: int | None
    signature_algorithm: str
    """Name such as 'sha256WithRSAEncryption' (the dotted OID when the name is unknown)."""

    def expired_at(self, now: dt.datetime) -> bool:
        return now >= self.not_after

    def not_yet_valid_at(self, now: dt.datetime) -> bool:
        return now < self.not_before

    @property
    def weak_signature_hash(self) -> str | None:
        """'MD5' or 'SHA-1' (etc.) when the certificate is signed with a weak digest."""
        name = self.signature_algorithm.lower()
        for weak in WEAK_SIGNATURE_HASHES:
            if name.startswith(weak) or f"with{weak}" in name or f"-{weak}" in name:
                return weak.upper().replace("SHA1", "SHA-1")
        return None


def fingerprint(der: bytes) -> str:
    """SHA-256 of `der` as colon-separated upper-case hex."""
    digest = hashes.Hash(hashes.SHA256())
    digest.update(der)
    return ":".join(f"{byte:02X}" for byte in digest.finalize())


def key_problem(cert: x509.Certificate) -> str | None:
    """Why no signature can be verified with the certificate's public key; None when it can."""
    try:
        cert.public_key()
    except UnsupportedAlgorithm:
        try:
            oid = f" {cert.public_key_algorithm_oid.dotted_string}"
        except (AttributeError, ValueError):  # cryptography < 43, or an unreadable OID
            oid = ""
        return f"its public-key algorithm{oid} is unknown, so no signature can be verified with it"
    except (ValueError, TypeError):
        return "its public key cannot be decoded (the key bytes are malformed)"
    return None


def _dsa_key_types() -> tuple[type[dsa.DSAPublicKey], type[dsa.DSAPrivateKey]]:
    """cryptography 51 deprecates DSA and warns on every use of its key classes' names, even in
    an isinstance test: they are taken once here, the warning kept from the user."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return dsa.DSAPublicKey, dsa.DSAPrivateKey


DSA_PUBLIC_KEY, DSA_PRIVATE_KEY = _dsa_key_types()


def _key(cert: x509.Certificate) -> tuple[str, int | None]:
    problem = key_problem(cert)
    if problem is not None:
        return f"unreadable ({problem})", None
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}", key.key_size
    if isinstance(key, DSA_PUBLIC_KEY):
        return f"DSA {key.key_size}", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}", key.curve.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return f"unknown ({type(key).__name__})", None


def _name(read: Callable[[], x509.Name]) -> str:
    try:
        return read().rfc4514_string()
    except ValueError as error:  # e.g. an attribute value of the wrong ASN.1 type
        return f"(unreadable: {error})"


def describe(cert: x509.Certificate) -> CertFacts:
    """The facts about `cert`; never raises for a certificate `cryptography` could load."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)  # e.g. a negative serial
        return _describe(cert)


def serial_number(cert: x509.Certificate) -> int:
    """The serial number, without cryptography's warning when it is zero or negative."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return cert.serial_number


def _describe(cert: x509.Certificate) -> CertFacts:
    key, bits = _key(cert)
    oid = cert.signature_algorithm_oid
    algorithm = oid._name if oid._name != "Unknown OID" else oid.dotted_string
    return CertFacts(
        subject=_name(lambda: cert.subject),
        issuer=_name(lambda: cert.issuer),
        sha256=fingerprint(cert.public_bytes(serialization.Encoding.DER)),
        serial=f"{cert.serial_number:X}",
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key=key,
        key_bits=bits,
        signature_algorithm=algorithm,
    )


def describe_facts(facts: CertFacts, at: dt.datetime) -> str:
    """'CN=..., RSA 2048, SHA-256 AB:..., valid 2025-01-01 to 2035-01-01 (expired ...)'."""
    state = ""
    if facts.expired_at(at):
        state = f" (expired {(at - facts.not_after).days} days before {at:%Y-%m-%d})"
    elif facts.not_yet_valid_at(at):
        state = f" (not valid before {facts.not_before:%Y-%m-%d})"
    return (
        f"{facts.subject}, {facts.key}, SHA-256 {facts.sha256}, valid "
        f"{facts.not_before:%Y-%m-%d} to {facts.not_after:%Y-%m-%d}{state}"
    )


def name_facts(facts: CertFacts) -> str:
    """'CN=... (SHA-256 AB:CD:...)': enough to tell two certificates apart."""
    return f"{facts.subject} (SHA-256 {facts.sha256})"


def repeated_extensions(cert: x509.Certificate) -> tuple[tuple[str, str, int], ...]:
    """(OID, name, count) of every extension that appears more than once, from the raw DER."""
    der = cert.public_bytes(serialization.Encoding.DER)
    return tuple(
        (oid, der_walk.EXTENSION_NAMES.get(oid, "unknown extension"), count)
        for oid, count in der_walk.repeated_extensions(der)
    )


def load_der(data: bytes) -> x509.Certificate:
    """A DER certificate; lenient about what cryptography only deprecates (negative serials).
    Raises ValueError with a message in samlcheck's words (never the parser's)."""
    return _loaded(x509.load_der_x509_certificate, data)


def _loaded(load: Callable[[bytes], x509.Certificate], data: bytes) -> x509.Certificate:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            return load(data)
    except x509.InvalidVersion as error:
        raise ValueError(
            f"its X.509 version field holds {error.parsed_version}; only 0, 1 and 2 (v1 to v3) "
            "exist"
        ) from None
    except ValueError:
        raise ValueError("the bytes are not a well-formed X.509 certificate") from None


def load_certificate(data: bytes, source: str) -> x509.Certificate:
    """A certificate from PEM, DER or bare base64-of-DER bytes whose key can verify signatures;
    `InputError` otherwise."""
    stripped = data.strip()
    if not stripped:
        raise InputError(source, "the certificate file is empty", "Give a PEM or DER certificate.")
    try:
        cert = _parse_certificate(stripped)
    except (ValueError, binascii.Error) as error:
        reason = "the base64 is malformed" if isinstance(error, binascii.Error) else str(error)
        raise InputError(
            source,
            f"not a readable X.509 certificate ({reason})",
            "Give the certificate as PEM (-----BEGIN CERTIFICATE-----) or DER.",
        ) from None
    if cert is None:
        label = _OTHER_PEM.search(stripped)
        raise InputError(
            source,
            f"holds a PEM {label.group(1).decode()} block, not a certificate"
            if label
            else "not a certificate (neither PEM, DER nor base64)",
            "Give the certificate as PEM (-----BEGIN CERTIFICATE-----) or DER.",
        )
    problem = key_problem(cert)
    if problem is not None:
        raise InputError(
            source,
            f"the certificate cannot verify signatures: {problem}",
            "Give the IdP's signing certificate (RSA).",
        )
    return cert


def _parse_certificate(stripped: bytes) -> x509.Certificate | None:
    """PEM, DER or base64 (of DER or PEM); None when the bytes are none of these."""
    if PEM_BEGIN in stripped:
        return _loaded(x509.load_pem_x509_certificate, stripped[stripped.index(PEM_BEGIN) :])
    if stripped[0] == der_walk.SEQUENCE:
        return load_der(stripped)
    if _BASE64_TEXT.match(stripped):
        decoded = base64.b64decode(b"".join(stripped.split()), validate=True).strip()
        if decoded.startswith(PEM_BEGIN):
            return _parse_certificate(decoded)
        return load_der(decoded)
    return None


@dataclass(frozen=True)
class DecodedCertificate:
    """The outcome of decoding a ds:X509Certificate value."""

    certificate: x509.Certificate | None
    der: bytes | None
    problem: str | None
    """Why IAM cannot use the value as written (None when it is base64 of a DER certificate)."""
    pem_wrapped: bool = False
    """True when the base64 decodes to PEM text instead of DER (a common IdP mistake)."""


def decode_x509_element_text(value: str) -> DecodedCertificate:
    """Decode the text of a ds:X509Certificate: base64 (whitespace allowed) of a DER certificate."""
    compact = "".join(value.split())
    if not compact:
        return DecodedCertificate(None, None, "the X509Certificate element is empty")
    if compact.startswith("-----BEGIN"):
        return DecodedCertificate(
            None,
            None,
            "the element holds PEM text with its -----BEGIN----- line; it must hold only the "
            "base64 between the BEGIN and END lines",
        )
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):  # binascii's words ('Incorrect padding') are not ours
        return DecodedCertificate(None, None, "the value is not valid base64")
    pem_wrapped = raw.lstrip().startswith(PEM_BEGIN)
    if pem_wrapped:
        inner = _inner_pem_der(raw)
        if inner is None:
            return DecodedCertificate(None, None, "the base64 decodes to broken PEM text", True)
        raw = inner
    try:
        certificate = load_der(raw)
    except ValueError as error:
        return DecodedCertificate(
            None, raw, f"the base64 decodes to no usable certificate: {error}"
        )
    unusable = key_problem(certificate)
    if unusable is not None:
        return DecodedCertificate(None, raw, f"the certificate is not usable: {unusable}")
    problem = (
        "the base64 decodes to PEM text (-----BEGIN CERTIFICATE-----...), i.e. the PEM file "
        "was base64-encoded a second time; the element must hold the base64 of the DER"
        if pem_wrapped
        else None
    )
    return DecodedCertificate(certificate, raw, problem, pem_wrapped)


MAX_KEYINFO_CERTS = 4
"""KeyInfo certificates read per ds:Signature or xenc:EncryptedKey. An IdP sends its signing
certificate, at most with its chain (two or three); KeyInfo is only a hint (anchors are pinned),
so the rest are counted, never read: 3,000 of them took 63 s when each was tried."""


def key_info_certificates(
    element: etree._Element,
) -> tuple[tuple[DecodedCertificate, ...], int]:
    """The first MAX_KEYINFO_CERTS ds:KeyInfo/ds:X509Data/ds:X509Certificate values of `element`
    (a ds:Signature or an xenc:EncryptedKey), decoded, and how many more were left unread."""
    decoded: list[DecodedCertificate] = []
    unread = 0
    for node in element.iterfind("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS):
        if len(decoded) == MAX_KEYINFO_CERTS:
            unread += 1
        else:
            value = text(node)
            cached = len(value) <= _CACHED_CHARS
            decoded.append(_decoded(value) if cached else decode_x509_element_text(value))
    return tuple(decoded), unread


_CACHED_CHARS = 16_384
"""KeyInfo values no longer than this (a certificate's base64 is 1-3 KB) are decoded once and
kept: an IdP sends the same certificate with every response, and decoding it cost each check
tens of microseconds. Longer values are decoded each time, so the cache stays small."""
_decoded = functools.lru_cache(maxsize=64)(decode_x509_element_text)


def _inner_pem_der(text: bytes) -> bytes | None:
    lines = [line.strip() for line in text.strip().splitlines()]
    body = [line for line in lines if line and not line.startswith(b"-----")]
    try:
        return base64.b64decode(b"".join(body), validate=True)
    except (binascii.Error, ValueError):
        return None
