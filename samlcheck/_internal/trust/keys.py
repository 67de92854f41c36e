"""Private-key facts: what a key file really is, as IAM's AddPrivateKey would see it.

IAM takes the key as a string parameter (AddPrivateKey, CreateSAMLProvider/UpdateSAMLProvider).
The API reference gives its constraints: 1 to 16,384 characters from
`[\\u0009\\u000A\\u000D\\u0020-\\u00FF]`. The troubleshooting guide gives two details of
"Invalid private key.": the key is encrypted, or it is not PEM. Everything else here (RSA only,
which PEM containers work) is samlcheck's reading, marked inferred where it is used.
"""

from __future__ import annotations

import base64
import binascii
import enum
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.files import Source, read_file
from samlcheck._internal.trust import der
from samlcheck._internal.trust.certs import DSA_PRIVATE_KEY, load_der

MAX_KEY_CHARACTERS = 16_384
"""AddPrivateKey's maximum length (IAM API Reference, UpdateSAMLProvider/CreateSAMLProvider)."""
DISALLOWED_CHARACTER = re.compile(r"[^\t\n\r\u0020-\u00ff]")
"""A character outside AddPrivateKey's pattern `[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+`."""

_PEM_MARKER = re.compile(r"-----(BEGIN|END) ([A-Z0-9 ]+)-----")
_PRIVATE_LABELS = {
    "PRIVATE KEY": "PKCS#8",
    "RSA PRIVATE KEY": "PKCS#1",
    "EC PRIVATE KEY": "SEC1",
    "DSA PRIVATE KEY": "DSA (OpenSSL)",
}
_PUBLIC_LABELS = ("PUBLIC KEY", "RSA PUBLIC KEY")
_CERT_LABELS = ("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE")
_BASE64_TEXT = re.compile(r"^[A-Za-z0-9+/=\s]+$")
_PKCS7_DATA = "1.2.840.113549.1.7.1"
_INTEGER = 0x02
_KEY_ALGORITHMS = {
    "1.2.840.113549.1.1.1": "RSA",
    "1.2.840.113549.1.1.10": "RSA-PSS",
    "1.2.840.10045.2.1": "EC",
    "1.2.840.10040.4.1": "DSA",
    "1.3.101.110": "X25519",
    "1.3.101.111": "X448",
    "1.3.101.112": "Ed25519",
    "1.3.101.113": "Ed448",
}
"""PKCS#8 privateKeyAlgorithm OIDs (RFC 8017, 5480, 3279, 8410)."""
MAX_RSA_BITS = 8192
"""The largest RSA key samlcheck loads. OpenSSL's full key check tests p and q for primality,
which for a 16,384-bit key took 33 s, and every decryption slows with the size. IAM documents no
maximum in bits: its limit is 16,384 characters of PEM, which fits an RSA key of about 21,000
bits. Larger keys are described from their DER and reported, never loaded."""
_UNREADABLE = (ValueError, TypeError, UnsupportedAlgorithm)
"""What cryptography raises for key bytes it cannot load (UnsupportedAlgorithm: an unknown type)."""


class KeyKind(str, enum.Enum):
    """What a key file holds, as far as IAM's AddPrivateKey is concerned."""

    PRIVATE_KEY = "private-key"
    ENCRYPTED_PRIVATE_KEY = "encrypted-private-key"
    DER_PRIVATE_KEY = "der-private-key"
    PKCS12 = "pkcs12"
    OPENSSH = "openssh"
    PUTTY = "putty"
    CERTIFICATE = "certificate"
    PUBLIC_KEY = "public-key"
    EMPTY = "empty"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class KeyFacts:
    """What one key file is and what IAM would make of it."""

    kind: KeyKind
    described: str
    """For people: 'an RSA 2048 private key (PKCS#8 PEM)', 'a PKCS#12 bundle (binary)'."""
    source: str = ""
    """The key file's name (`inspect_key` sets it, with the two text measures below)."""
    characters: int | None = None
    """Length of the text IAM would receive (None when the file is not text)."""
    pem: bool = False
    """The file is PEM text with a private-key block."""
    bad_character: tuple[int, str] | None = None
    """Position (0-based) and repr of the first character outside IAM's allowed range."""
    encrypted: str | None = None
    """How the key is encrypted: PKCS#8 (ENCRYPTED PRIVATE KEY) or a legacy Proc-Type header."""
    container: str | None = None
    """PKCS#1, PKCS#8, SEC1 ... (for PEM/DER private keys)."""
    algorithm: str | None = None
    """RSA, EC, DSA, Ed25519, Ed448 (when the key could be read)."""
    bits: int | None = None
    other_blocks: tuple[str, ...] = ()
    """Labels of further PEM blocks in the file (a certificate beside the key, ...)."""
    problem: str | None = None
    """Why the key could not be read, when it looks like a key but is damaged."""
    key: PrivateKeyTypes | None = field(default=None, compare=False, repr=False)

    @property
    def oversized(self) -> bool:
        """An RSA key over MAX_RSA_BITS: described from its DER, never loaded."""
        return self.algorithm == "RSA" and self.bits is not None and self.bits > MAX_RSA_BITS

    @property
    def usable_rsa(self) -> rsa.RSAPrivateKey | None:
        """The RSA private key, when the file holds a readable unencrypted one (PEM or DER)."""
        return self.key if isinstance(self.key, rsa.RSAPrivateKey) else None


def _text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _first_bad_character(text: str) -> tuple[int, str] | None:
    found = DISALLOWED_CHARACTER.search(text)
    return (found.start(), repr(found.group())) if found else None


def pem_blocks(text: str) -> list[tuple[str, str]]:
    """(label, body) of each `-----BEGIN L-----body-----END L-----` block, in one linear pass.

    A BEGIN pairs with the first END of its label after it; a BEGIN without one is skipped, and
    a block's body may hold other markers. Every marker is found once, and each label's ENDs are
    consumed in order, so hostile text (thousands of unmatched BEGIN lines) costs linear time.
    """
    markers = list(_PEM_MARKER.finditer(text))
    ends: dict[str, list[int]] = {}
    for index, marker in enumerate(markers):
        if marker.group(1) == "END":
            ends.setdefault(marker.group(2), []).append(index)
    next_end = dict.fromkeys(ends, 0)
    blocks: list[tuple[str, str]] = []
    position = 0
    for index, marker in enumerate(markers):
        label = marker.group(2)
        if marker.group(1) != "BEGIN" or marker.start() < position or label not in ends:
            continue
        candidates, first = ends[label], next_end[label]
        while first < len(candidates) and candidates[first] < index:
            first += 1
        next_end[label] = first
        if first == len(candidates):
            continue
        end = markers[candidates[first]]
        blocks.append((label, text[marker.end() : end.start()]))
        position = end.end()
    return blocks


def _key_algorithm(key: PrivateKeyTypes) -> tuple[str, int | None]:
    if isinstance(key, rsa.RSAPrivateKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return f"EC {key.curve.name}", key.key_size
    if isinstance(key, DSA_PRIVATE_KEY):
        return "DSA", key.key_size
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "Ed25519", None
    if isinstance(key, ed448.Ed448PrivateKey):
        return "Ed448", None
    return type(key).__name__, None


def _pkcs8_or_pkcs1_der(data: bytes) -> str:
    """PKCS#8 (PrivateKeyInfo: version, AlgorithmIdentifier SEQUENCE, ...) or a bare PKCS#1."""
    try:
        top = der.read_tlv(data, 0)
        parts = der.children(data, top)
    except der.DerError:
        return "unknown container"
    if len(parts) >= 3 and parts[1].tag == der.SEQUENCE:
        return "PKCS#8"
    return "PKCS#1" if len(parts) >= 9 else "SEC1"


@dataclass(frozen=True)
class _Shape:
    """A private key's algorithm and RSA size read from its DER, or what is wrong with it."""

    algorithm: str | None = None
    bits: int | None = None
    problem: str | None = None
    unknown: bool = False
    """The algorithm is a PKCS#8 OID no library here implements (`algorithm` names the OID)."""


def _rsa_bits(data: bytes) -> int:
    """The modulus size of a PKCS#1 RSAPrivateKey (version, n, e, d, p, q, dp, dq, qinv)."""
    parts = der.children(data, der.read_tlv(data, 0))
    if len(parts) < 9 or any(part.tag != _INTEGER for part in parts[:9]):
        raise der.DerError("the RSA key does not hold the nine integers of RFC 8017")
    modulus = parts[1]
    return int.from_bytes(data[modulus.start : modulus.end], "big").bit_length()


def _shape(data: bytes, container: str) -> _Shape:
    """Algorithm and RSA size from the DER alone (cheap: nothing is loaded or validated)."""
    try:
        top = der.read_tlv(data, 0)
        if top.tag != der.SEQUENCE:
            raise der.DerError("the key does not start with a DER SEQUENCE")
        if container == "PKCS#1":
            return _Shape("RSA", _rsa_bits(data))
        if container != "PKCS#8":
            return _Shape()
        parts = der.children(data, top)
        if len(parts) < 3 or parts[1].tag != der.SEQUENCE or parts[2].tag != der.OCTET_STRING:
            raise der.DerError("it is not a PKCS#8 PrivateKeyInfo (version, algorithm, key)")
        identifier = der.children(data, parts[1])
        if not identifier or identifier[0].tag != der.OID:
            raise der.DerError("its algorithm identifier holds no OID")
        oid = der.decode_oid(data[identifier[0].start : identifier[0].end])
        algorithm = _KEY_ALGORITHMS.get(oid)
        if algorithm is None:
            return _Shape(algorithm=f"unknown algorithm (OID {oid})", unknown=True)
        inner = data[parts[2].start : parts[2].end]
        return _Shape(algorithm, _rsa_bits(inner) if algorithm.startswith("RSA") else None)
    except der.DerError as error:
        return _Shape(problem=f"its DER structure is damaged: {error}")


def _is_pkcs12(data: bytes) -> bool:
    """PFX: SEQUENCE { INTEGER 3, ContentInfo SEQUENCE { OID pkcs7-data, ... }, ... }."""
    try:
        top = der.read_tlv(data, 0)
        parts = der.children(data, top)
        if len(parts) < 2 or data[parts[0].offset : parts[0].end] != b"\x02\x01\x03":
            return False
        content_info = der.children(data, parts[1])
        oid = content_info[0]
        return oid.tag == der.OID and der.decode_oid(data[oid.start : oid.end]) == _PKCS7_DATA
    except (der.DerError, IndexError):
        return False


def _private_facts(key: PrivateKeyTypes, container: str, pem: bool) -> KeyFacts:
    algorithm, bits = _key_algorithm(key)
    label = f"{algorithm} {bits}" if bits and algorithm in ("RSA", "DSA") else algorithm
    shape = f"{container} PEM" if pem else f"{container} DER, binary"
    return KeyFacts(
        kind=KeyKind.PRIVATE_KEY if pem else KeyKind.DER_PRIVATE_KEY,
        described=f"an unencrypted {label} private key ({shape})",
        container=container,
        algorithm=algorithm,
        bits=bits,
        key=key,
    )


def _repaired(block: bytes, pem: bool) -> tuple[rsa.RSAPrivateKey | None, str | None]:
    """An RSA key OpenSSL refuses only for wrong CRT values, rebuilt from p, q and d.

    OpenSSL checks every parameter; tools such as xmlsec1 use the key anyway (OpenSSL's own
    decryption falls back from a faulty CRT result). The core (n = p*q, e*d = 1 mod lcm(p-1, q-1))
    must hold, else the key is really broken and None is returned.
    """
    load = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    try:
        key = load(block, password=None, unsafe_skip_rsa_key_validation=True)
    except _UNREADABLE:
        return None, None
    if not isinstance(key, rsa.RSAPrivateKey):
        return None, None
    numbers = key.private_numbers()
    p, q, d = numbers.p, numbers.q, numbers.d
    public = numbers.public_numbers
    if p < 3 or q < 3 or p * q != public.n:
        return None, None
    lam = (p - 1) * (q - 1) // math.gcd(p - 1, q - 1)
    if (public.e * d) % lam != 1:
        return None, None
    try:
        right = {"dmp1": d % (p - 1), "dmq1": d % (q - 1), "iqmp": pow(q, -1, p)}
        wrong = [name for name, value in right.items() if getattr(numbers, name) != value]
        fixed = rsa.RSAPrivateNumbers(p=p, q=q, d=d, **right, public_numbers=public).private_key()
    except _UNREADABLE:  # p and q share a factor: not an RSA key
        return None, None
    return fixed, (
        f"its CRT value(s) {', '.join(wrong) or 'unknown'} are wrong, so OpenSSL refuses the key "
        "as written; samlcheck recomputed them from p, q and d to decrypt with it"
    )


def _damaged(container: str, pem: bool, problem: str) -> KeyFacts:
    form = f"{container} PEM" if pem else f"{container} DER, binary"
    return KeyFacts(
        kind=KeyKind.UNKNOWN,
        described=f"a damaged {form} private key",
        container=container,
        problem=problem,
    )


def _load_private(data: bytes, shape: _Shape, container: str, pem: bool) -> KeyFacts:
    """Facts about one unencrypted private key (PEM block or DER): its shape is read first, so
    an unknown algorithm or an RSA key over MAX_RSA_BITS is described without being loaded."""
    if shape.problem is not None:
        return _damaged(container, pem, shape.problem)
    form = f"{container} PEM" if pem else f"{container} DER, binary"
    kind = KeyKind.PRIVATE_KEY if pem else KeyKind.DER_PRIVATE_KEY
    if shape.unknown:
        described = f"an unencrypted private key of an {shape.algorithm} ({form})"
        return KeyFacts(kind, described, container=container, algorithm=shape.algorithm)
    if shape.algorithm == "RSA" and shape.bits is not None and shape.bits > MAX_RSA_BITS:
        return KeyFacts(
            kind,
            f"an unencrypted RSA {shape.bits} private key ({form})",
            container=container,
            algorithm="RSA",
            bits=shape.bits,
            problem=f"samlcheck does not load RSA keys over {MAX_RSA_BITS:,} bits",
        )
    load = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    try:
        return _private_facts(load(data, password=None), container, pem)
    except _UNREADABLE:
        key, repaired = _repaired(data, pem)
    if key is None:
        what = f"an {shape.algorithm} key" if shape.algorithm else "a private key"
        return _damaged(container, pem, f"its values do not form {what}")
    return replace(_private_facts(key, container, pem), problem=repaired)


def _from_der(data: bytes) -> KeyFacts:
    """Facts about binary (DER) content."""
    container = _pkcs8_or_pkcs1_der(data)
    shape = _shape(data, container)
    if shape.algorithm is not None:
        return _load_private(data, shape, container, pem=False)
    try:
        key = serialization.load_der_private_key(data, password=None)
        return _private_facts(key, container, pem=False)
    except TypeError:  # "Password was not given but private key is encrypted"
        return KeyFacts(
            KeyKind.DER_PRIVATE_KEY,
            "an encrypted private key (PKCS#8 DER, binary)",
            encrypted="PKCS#8 (EncryptedPrivateKeyInfo, DER)",
        )
    except _UNREADABLE:
        pass
    try:
        cert = load_der(data)
        return KeyFacts(KeyKind.CERTIFICATE, f"a DER certificate ({cert.subject.rfc4514_string()})")
    except ValueError:
        pass
    try:
        serialization.load_der_public_key(data)
        return KeyFacts(KeyKind.PUBLIC_KEY, "a DER public key (no private part)")
    except (ValueError, TypeError):
        pass
    if _is_pkcs12(data):
        return KeyFacts(KeyKind.PKCS12, "a PKCS#12 bundle (.p12/.pfx, binary)")
    return KeyFacts(KeyKind.UNKNOWN, "binary data that is not a key, certificate or PKCS#12")


def block_labels(labels: tuple[str, ...] | list[str]) -> str:
    """'CERTIFICATE x3, PUBLIC KEY': each PEM label once with its count, the first few only."""
    counts = Counter(labels)
    shown = [f"{label} x{n:,}" if n > 1 else label for label, n in counts.most_common(4)]
    rest = len(counts) - len(shown)
    return ", ".join(shown) + (f" and {rest:,} other label(s)" if rest else "")


def _from_pem(blocks: list[tuple[str, str]]) -> KeyFacts:
    """Facts about PEM text: its first private-key block, else what its blocks are."""
    labels = [label for label, _ in blocks]
    for label, body in blocks:
        if label == "ENCRYPTED PRIVATE KEY":
            return KeyFacts(
                KeyKind.ENCRYPTED_PRIVATE_KEY,
                "an encrypted private key (PKCS#8 PEM, ENCRYPTED PRIVATE KEY)",
                pem=True,
                encrypted="PKCS#8 (ENCRYPTED PRIVATE KEY)",
                container="PKCS#8",
                other_blocks=tuple(x for x in labels if x != label),
            )
        if label in _PRIVATE_LABELS:
            others = tuple(x for x in labels if x not in _PRIVATE_LABELS)
            return replace(_private_block(label, body), pem=True, other_blocks=others)
    if "OPENSSH PRIVATE KEY" in labels:
        return KeyFacts(KeyKind.OPENSSH, "an OpenSSH private key (ssh-keygen format)")
    if any(label in _CERT_LABELS for label in labels):
        return KeyFacts(KeyKind.CERTIFICATE, "a PEM certificate (the public half only)")
    if any(label in _PUBLIC_LABELS for label in labels):
        return KeyFacts(KeyKind.PUBLIC_KEY, "a PEM public key (no private part)")
    if "PKCS12" in labels:
        return KeyFacts(KeyKind.PKCS12, "a PKCS#12 bundle in a PEM wrapper")
    return KeyFacts(
        KeyKind.UNKNOWN, f"PEM text with {block_labels(labels)} block(s), no private key"
    )


def _private_block(label: str, body: str) -> KeyFacts:
    """One PEM private-key block (not PKCS#8 ENCRYPTED): legacy-encrypted, damaged or loaded."""
    container = _PRIVATE_LABELS[label]
    if "Proc-Type:" in body and "ENCRYPTED" in body:
        cipher = re.search(r"DEK-Info:\s*([A-Za-z0-9-]+)", body)
        how = (
            "legacy Proc-Type: 4,ENCRYPTED header, cipher "
            f"{cipher.group(1) if cipher else 'unknown'}"
        )
        return KeyFacts(
            KeyKind.ENCRYPTED_PRIVATE_KEY,
            f"an encrypted private key ({container} PEM, {how})",
            encrypted=how,
            container=container,
        )
    block = f"-----BEGIN {label}-----{body}-----END {label}-----\n"
    try:
        raw = base64.b64decode("".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        return _damaged(container, True, "its base64 body is damaged")
    return _load_private(block.encode(), _shape(raw, container), container, pem=True)


def _from_bare_base64(text: str) -> KeyFacts:
    """Base64 text without PEM lines: what its DER is, said to be bare base64."""
    try:
        inner = _from_der(base64.b64decode("".join(text.split()), validate=True))
    except binascii.Error:
        return KeyFacts(KeyKind.UNKNOWN, "text that is neither PEM nor base64")
    if inner.kind is KeyKind.UNKNOWN:
        return inner
    kind = KeyKind.DER_PRIVATE_KEY if inner.kind is KeyKind.PRIVATE_KEY else inner.kind
    return replace(
        inner, kind=kind, described=f"{inner.described}, as bare base64 without PEM lines"
    )


def _content(data: bytes, text: str | None) -> KeyFacts:
    """What the bytes hold, whatever the file's name."""
    if not data.strip():
        return KeyFacts(KeyKind.EMPTY, "an empty file" if not data else "only whitespace")
    if text is None:
        if data[:1] == bytes([der.SEQUENCE]):
            return _from_der(data)
        return KeyFacts(KeyKind.UNKNOWN, "data that is not a key, certificate or PKCS#12")
    if blocks := pem_blocks(text):
        return _from_pem(blocks)
    if text.lstrip().startswith(("ssh-rsa ", "ssh-ed25519 ", "ecdsa-sha2")):
        return KeyFacts(KeyKind.PUBLIC_KEY, "an OpenSSH public key (ssh-keygen .pub)")
    if text.startswith("PuTTY-User-Key-File"):
        return KeyFacts(KeyKind.PUTTY, "a PuTTY private key (.ppk)")
    if "-----BEGIN" in text:
        return KeyFacts(KeyKind.UNKNOWN, "PEM text whose BEGIN/END lines do not match")
    if _BASE64_TEXT.match(text):
        return _from_bare_base64(text)
    if data[:1] == bytes([der.SEQUENCE]):
        return _from_der(data)
    return KeyFacts(KeyKind.UNKNOWN, "data that is not a key, certificate or PKCS#12")


def inspect_key(data: bytes, source: str, cert: x509.Certificate | None = None) -> KeyFacts:
    """Facts about one key file's bytes (never raises for bad content: that is a fact too)."""
    del cert  # matching is a separate question: see `matches_certificate`
    text = _text(data)
    return replace(
        _content(data, text),
        source=source,
        characters=len(text) if text is not None else None,
        bad_character=_first_bad_character(text) if text is not None else None,
    )


def matches_certificate(facts: KeyFacts, cert: x509.Certificate) -> bool | None:
    """Whether the key is the private half of `cert` (None when the key could not be read)."""
    if facts.key is None:
        return None
    try:
        public = cert.public_key()
    except _UNREADABLE:
        return False
    mine = facts.key.public_key()
    if isinstance(mine, rsa.RSAPublicKey) and isinstance(public, rsa.RSAPublicKey):
        return mine.public_numbers() == public.public_numbers()
    encoding, form = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    return bool(mine.public_bytes(encoding, form) == public.public_bytes(encoding, form))


def load_rsa_private_key(path: Source) -> rsa.RSAPrivateKey:
    """An RSA private key to decrypt with (PEM or DER, unencrypted); `InputError` otherwise."""
    facts = inspect_key(read_file(path, "private key"), str(path))
    key = facts.usable_rsa
    if key is not None:
        return key
    if facts.encrypted:
        raise InputError(
            str(path),
            f"is {facts.described}; samlcheck does not ask for passphrases",
            f"Write a plain copy to decrypt with: openssl pkey -in {path} -out plain.pem",
        )
    if facts.oversized:
        raise InputError(
            str(path),
            f"is {facts.described}; samlcheck decrypts with RSA keys of at most "
            f"{MAX_RSA_BITS:,} bits (a larger key makes every check slow)",
            "Check the key with: samlcheck keys KEY (IdPs encrypt for 2048- to 4096-bit keys).",
        )
    if facts.algorithm is not None and facts.algorithm != "RSA":
        raise InputError(
            str(path),
            f"is {facts.described}; SAML assertions for AWS are decrypted with RSA keys",
            "Give the RSA private key whose certificate the IdP encrypts for.",
        )
    detail = f" ({facts.problem})" if facts.problem else ""
    raise InputError(
        str(path),
        f"is {facts.described}{detail}, not a private key",
        "Give the PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY).",
    )
