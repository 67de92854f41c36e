"""XML Encryption 1.1 decryption of saml:EncryptedAssertion, written on `cryptography`.

Data algorithms: AES-128/192/256-CBC (16-byte IV prefix, XML Encryption padding: the last byte
gives the pad length, 1 to 16) and AES-128/192/256-GCM (12-byte IV prefix, 16-byte tag suffix).
Key transport: RSA-OAEP (`xmlenc#rsa-oaep-mgf1p` with optional DigestMethod and OAEPparams;
`xmlenc11#rsa-oaep` with DigestMethod, MGF and OAEPparams) and RSA 1.5. The EncryptedKey sits in
the EncryptedData's KeyInfo, or beside the EncryptedData and is named by a RetrievalMethod (Okta's
layout), or is simply the EncryptedAssertion's child.

RSA 1.5 does not fail on a wrong key: OpenSSL's implicit rejection returns random bytes instead
of an error, so the unwrapped key's length is checked against the data algorithm and the data
decryption itself (padding, GCM tag, well-formed Assertion) must succeed before a key counts.

The decrypted bytes are parsed only through `inputs.xml.parse`. What goes wrong is returned
as typed facts (`DecryptionProblem`, `DecryptedPart`); rules.encryption words them as
findings.
"""

from __future__ import annotations

import base64
import binascii
import copy
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from samlcheck._internal.aws import MAX_PRIVATE_KEYS
from samlcheck._internal.inputs.files import Source
from samlcheck._internal.inputs.xml import (
    NS,
    XmlDocument,
    XmlRefused,
    find_all,
    parse,
    path_of,
    qname,
)
from samlcheck._internal.inputs.xml import text as xml_text

XENC = NS["xenc"]
XENC11 = NS["xenc11"]
DS = NS["ds"]

MAX_ENCRYPTED_ASSERTIONS = 4
"""EncryptedAssertions decrypted per response. AWS reads one assertion; each costs an RSA
decryption per key, so 2,500 of them took 12 s. Past this many, none is decrypted."""
MAX_ENCRYPTED_KEYS = 8
"""EncryptedKeys tried per EncryptedData (an IdP writes one per recipient); 20,000 took 8 s."""


@dataclass(frozen=True)
class DataAlgorithm:
    name: str
    key_bytes: int
    mode: str
    """cbc or gcm."""


DATA_ALGORITHMS = {
    f"{XENC}aes128-cbc": DataAlgorithm("AES-128-CBC", 16, "cbc"),
    f"{XENC}aes192-cbc": DataAlgorithm("AES-192-CBC", 24, "cbc"),
    f"{XENC}aes256-cbc": DataAlgorithm("AES-256-CBC", 32, "cbc"),
    f"{XENC11}aes128-gcm": DataAlgorithm("AES-128-GCM", 16, "gcm"),
    f"{XENC11}aes192-gcm": DataAlgorithm("AES-192-GCM", 24, "gcm"),
    f"{XENC11}aes256-gcm": DataAlgorithm("AES-256-GCM", 32, "gcm"),
}
RSA_15 = f"{XENC}rsa-1_5"
RSA_OAEP_MGF1P = f"{XENC}rsa-oaep-mgf1p"
RSA_OAEP = f"{XENC11}rsa-oaep"
KEY_TRANSPORTS = {RSA_15: "RSA 1.5", RSA_OAEP_MGF1P: "RSA-OAEP-MGF1P", RSA_OAEP: "RSA-OAEP"}

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "http://www.w3.org/2000/09/xmldsig#sha1": hashes.SHA1,
    "http://www.w3.org/2001/04/xmldsig-more#sha224": hashes.SHA224,
    "http://www.w3.org/2001/04/xmlenc#sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashes.SHA512,
}
DIGESTS = tuple(_HASHES)
_MGFS: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    f"{XENC11}mgf1sha1": hashes.SHA1,
    f"{XENC11}mgf1sha224": hashes.SHA224,
    f"{XENC11}mgf1sha256": hashes.SHA256,
    f"{XENC11}mgf1sha384": hashes.SHA384,
    f"{XENC11}mgf1sha512": hashes.SHA512,
}
MGFS = tuple(_MGFS)
ENCRYPTED_KEY_TYPE = f"{XENC}EncryptedKey"


class Problem(str, enum.Enum):
    """What stops (or, for TOO_MANY_KEYS, qualifies) decryption: each maps to one rule in
    rules.encryption."""

    NO_KEY = "no-key"
    TOO_MANY_KEYS = "too-many-keys"
    """More keys given than an IAM provider holds (decryption still goes on)."""
    TOO_MANY_PARTS = "too-many-parts"
    """More EncryptedAssertions or EncryptedKeys than samlcheck examines."""
    MALFORMED = "malformed"
    UNSUPPORTED = "unsupported"
    CORRUPTED = "corrupted"
    WRONG_KEY = "wrong-key"
    NOT_ASSERTION = "not-assertion"


@dataclass(frozen=True)
class DecryptionProblem:
    """One thing wrong with the encryption or the keys, said concretely."""

    kind: Problem
    message: str
    location: str = ""


@dataclass(frozen=True)
class DecryptedPart:
    """One EncryptedAssertion that decrypted."""

    location: str
    key_source: str
    algorithm: DataAlgorithm
    transport: str
    """The key transport URI (a key of KEY_TRANSPORTS)."""


@dataclass(frozen=True)
class Decryption:
    """The outcome of decrypting every EncryptedAssertion in a document."""

    document: XmlDocument | None
    """The document with each EncryptedAssertion replaced by its decrypted Assertion (the input
    document when nothing was encrypted; None when decryption failed)."""
    problems: tuple[DecryptionProblem, ...]
    key_used: str | None
    """The key file that decrypted the (first) assertion."""
    encrypted: bool
    """True when the document holds an EncryptedAssertion."""
    parts: tuple[DecryptedPart, ...] = ()
    """Each EncryptedAssertion, when all of them decrypted."""
    response_signed: bool = False
    """The Response carries a signature (which covers the ciphertext only)."""


class _Refusal(Exception):
    """Internal: stop decrypting one EncryptedAssertion with this problem."""

    def __init__(self, kind: Problem, message: str, location: str = "") -> None:
        super().__init__(message)
        self.problem = DecryptionProblem(kind, message, location)


@dataclass(frozen=True)
class _Key:
    source: str
    key: rsa.RSAPrivateKey


@dataclass(frozen=True)
class _Plaintext:
    data: bytes
    key: _Key
    data_algorithm: DataAlgorithm
    transport: str


def decrypt(doc: XmlDocument, key_paths: tuple[Source, ...]) -> Decryption:
    """Decrypt every saml:EncryptedAssertion in `doc` with the first key in `key_paths` that works.

    Key files that cannot be read raise `InputError`; everything wrong with the encryption is a
    DecryptionProblem. The returned document is re-parsed through `inputs.xml.parse`.
    """
    containers = find_all(doc.root, "//saml:EncryptedAssertion")
    if not containers:
        return Decryption(document=doc, problems=(), key_used=None, encrypted=False)
    problems: list[DecryptionProblem] = []
    if len(key_paths) > MAX_PRIVATE_KEYS:
        problems.append(
            DecryptionProblem(
                Problem.TOO_MANY_KEYS,
                f"{len(key_paths)} keys were given; an IAM provider holds at most two, so at "
                "least one of them is not a key AWS can decrypt with.",
            )
        )
    if not key_paths:
        problems.append(
            DecryptionProblem(
                Problem.NO_KEY,
                f"The response holds {len(containers)} EncryptedAssertion(s) and no --sp-key was "
                "given: the assertion, its signature and its claims are inside the ciphertext, so "
                "samlcheck cannot judge them (a Response signature covers only the ciphertext).",
                path_of(containers[0]),
            )
        )
        return Decryption(None, tuple(problems), None, encrypted=True)
    from samlcheck._internal.trust.keys import load_rsa_private_key  # only with --sp-key

    keys = [_Key(str(path), load_rsa_private_key(path)) for path in key_paths]
    try:
        plaintexts = _decrypt_containers(containers, keys)
    except _Refusal as refusal:
        return Decryption(None, (*problems, refusal.problem), None, encrypted=True)
    used = plaintexts[0].key.source
    try:
        document = _assemble(doc, containers, plaintexts)
    except _Refusal as refusal:
        return Decryption(None, (*problems, refusal.problem), used, encrypted=True)
    parts = tuple(
        DecryptedPart(path_of(c), p.key.source, p.data_algorithm, p.transport)
        for c, p in zip(containers, plaintexts, strict=True)
    )
    signed = doc.root.find("ds:Signature", NS) is not None
    return Decryption(document, tuple(problems), used, True, parts, response_signed=signed)


def _decrypt_containers(
    containers: Sequence[etree._Element], keys: Sequence[_Key]
) -> list[_Plaintext]:
    """Each EncryptedAssertion's plaintext; _Refusal for the first that does not decrypt."""
    if len(containers) > MAX_ENCRYPTED_ASSERTIONS:
        raise _Refusal(
            Problem.TOO_MANY_PARTS,
            f"The response holds {len(containers):,} EncryptedAssertions; samlcheck decrypts "
            f"at most {MAX_ENCRYPTED_ASSERTIONS}, so none was decrypted (AWS reads one "
            "assertion).",
            path_of(containers[MAX_ENCRYPTED_ASSERTIONS]),
        )
    return [_decrypt_container(container, keys) for container in containers]


# --- one EncryptedAssertion ----------------------------------------------------------------------


def _child(element: etree._Element, prefix: str, name: str) -> etree._Element | None:
    return element.find(qname(prefix, name))


def _cipher_value(element: etree._Element, what: str) -> bytes:
    """The base64-decoded CipherData/CipherValue of an EncryptedData or EncryptedKey."""
    where = path_of(element)
    cipher_data = _child(element, "xenc", "CipherData")
    if cipher_data is None:
        raise _Refusal(Problem.MALFORMED, f"The {what} has no CipherData.", where)
    if _child(cipher_data, "xenc", "CipherReference") is not None:
        raise _Refusal(
            Problem.UNSUPPORTED,
            f"The {what} points to its ciphertext with a CipherReference; SAML carries the "
            "ciphertext inline (CipherValue).",
            path_of(cipher_data),
        )
    value = _child(cipher_data, "xenc", "CipherValue")
    if value is None or not xml_text(value).strip():
        raise _Refusal(Problem.MALFORMED, f"The {what} has no CipherValue.", where)
    text = "".join(xml_text(value).split())
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise _Refusal(
            Problem.CORRUPTED,
            f"The {what}'s CipherValue is not valid base64 ({error}).",
            path_of(value),
        ) from None


def _algorithm(element: etree._Element) -> str | None:
    method = _child(element, "xenc", "EncryptionMethod")
    return method.get("Algorithm") if method is not None else None


def _encrypted_keys(data: etree._Element, container: etree._Element) -> list[etree._Element]:
    """EncryptedKeys for `data`: in its KeyInfo, named by a RetrievalMethod, or beside it.

    At most MAX_ENCRYPTED_KEYS + 1 are collected (one more tells the caller the cap is reached);
    the document's EncryptedKeys are indexed by Id once, not searched per RetrievalMethod.
    """
    found: list[etree._Element] = []
    key_info = _child(data, "ds", "KeyInfo")
    if key_info is not None:
        found.extend(key_info.findall(qname("xenc", "EncryptedKey")))
        by_id: dict[str, etree._Element] | None = None
        for method in key_info.findall(qname("ds", "RetrievalMethod")):
            kind = method.get("Type")
            uri = method.get("URI") or ""
            if (kind is not None and kind != ENCRYPTED_KEY_TYPE) or not uri.startswith("#"):
                continue
            if by_id is None:
                scope = container.getroottree().getroot().iter(qname("xenc", "EncryptedKey"))
                by_id = {}
                for candidate in scope:
                    by_id.setdefault(candidate.get("Id") or "", candidate)
            named = by_id.get(uri[1:])
            if named is not None and named not in found:
                found.append(named)
            if len(found) > MAX_ENCRYPTED_KEYS:
                break
    if not found:
        found.extend(container.findall(qname("xenc", "EncryptedKey")))
    return found[: MAX_ENCRYPTED_KEYS + 1]


def _oaep(method: etree._Element | None, transport: str) -> padding.OAEP:
    digest: Callable[[], hashes.HashAlgorithm] = hashes.SHA1
    mgf: Callable[[], hashes.HashAlgorithm] = hashes.SHA1
    label: bytes | None = None
    if method is not None:
        digest_element = method.find(qname("ds", "DigestMethod"))
        if digest_element is not None:
            uri = digest_element.get("Algorithm") or ""
            if uri not in _HASHES:
                raise ValueError(f"OAEP DigestMethod {uri!r} is not supported")
            digest = _HASHES[uri]
        mgf_element = method.find(qname("xenc11", "MGF"))
        if mgf_element is not None:
            uri = mgf_element.get("Algorithm") or ""
            if transport != RSA_OAEP:
                raise ValueError("an MGF element belongs to xenc11#rsa-oaep only")
            if uri not in _MGFS:
                raise ValueError(f"OAEP MGF {uri!r} is not supported")
            mgf = _MGFS[uri]
        params = method.find(qname("xenc", "OAEPparams"))
        if params is not None and (params.text or "").strip():
            label = base64.b64decode("".join((params.text or "").split()), validate=True)
    return padding.OAEP(mgf=padding.MGF1(algorithm=mgf()), algorithm=digest(), label=label)


def _unwrap(encrypted_key: etree._Element, key: _Key, transport: str, wanted: int) -> bytes:
    """The session key, or ValueError saying why this RSA key cannot unwrap it."""
    wrapped = _cipher_value(encrypted_key, "EncryptedKey")
    size = (key.key.key_size + 7) // 8
    if len(wrapped) != size:
        raise ValueError(
            f"the EncryptedKey is {len(wrapped)} bytes, so it was encrypted for a "
            f"{len(wrapped) * 8}-bit RSA key; {key.source} is RSA {key.key.key_size}"
        )
    if transport == RSA_15:
        try:  # OpenSSL 3.2+ never fails here (implicit rejection): the length check below decides
            session = key.key.decrypt(wrapped, padding.PKCS1v15())
        except ValueError:
            raise ValueError(f"{key.source} does not unwrap the session key (RSA 1.5)") from None
    else:
        oaep = _oaep(_child(encrypted_key, "xenc", "EncryptionMethod"), transport)
        try:
            session = key.key.decrypt(wrapped, oaep)
        except ValueError:
            raise ValueError(
                f"{key.source} does not unwrap the session key (OAEP check fails)"
            ) from None
    if len(session) != wanted:
        raise ValueError(
            f"unwrapping with {key.source} gives {len(session)} bytes, not the {wanted}-byte "
            "session key the data algorithm needs"
        )
    return session


def _decrypt_data(algorithm: DataAlgorithm, session: bytes, data: bytes) -> bytes:
    """Plain bytes, or ValueError saying what is wrong with the ciphertext."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if algorithm.mode == "gcm":
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(data) < 12 + 16:
            raise ValueError(f"the ciphertext is {len(data)} bytes, shorter than IV and tag")
        try:
            return AESGCM(session).decrypt(data[:12], data[12:], None)
        except InvalidTag:
            raise ValueError("the AES-GCM authentication tag does not match") from None
    if len(data) < 32 or len(data) % 16:
        raise ValueError(
            f"the ciphertext is {len(data)} bytes; AES-CBC needs a 16-byte IV and whole 16-byte "
            "blocks"
        )
    decryptor = Cipher(algorithms.AES(session), modes.CBC(data[:16])).decryptor()
    plain = decryptor.update(data[16:]) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= 16:
        raise ValueError(f"the AES-CBC padding is invalid (last byte {pad}, must be 1 to 16)")
    return plain[:-pad]


def _decrypt_container(container: etree._Element, keys: Sequence[_Key]) -> _Plaintext:
    data, algorithm = _encrypted_data(container)
    ciphertext = _cipher_value(data, "EncryptedData")
    encrypted_keys = _encrypted_keys(data, container)
    if not encrypted_keys:
        raise _Refusal(
            Problem.MALFORMED,
            "No EncryptedKey for the EncryptedData: none in its KeyInfo, none named by a "
            "RetrievalMethod, none beside it.",
            path_of(data),
        )
    capped = len(encrypted_keys) > MAX_ENCRYPTED_KEYS
    encrypted_keys = encrypted_keys[:MAX_ENCRYPTED_KEYS]
    failures = _Failures()
    for encrypted_key in encrypted_keys:
        plain = _with_encrypted_key(encrypted_key, keys, algorithm, ciphertext, failures)
        if plain is not None:
            return plain
    if capped:
        raise _Refusal(
            Problem.TOO_MANY_PARTS,
            f"The EncryptedData has more than {MAX_ENCRYPTED_KEYS} EncryptedKeys; samlcheck "
            f"tried the first {MAX_ENCRYPTED_KEYS} and none decrypts the assertion.",
            path_of(data),
        )
    raise _undecrypted(container, data, algorithm, encrypted_keys, keys, failures)


def _encrypted_data(container: etree._Element) -> tuple[etree._Element, DataAlgorithm]:
    """The EncryptedData and its data algorithm, or _Refusal when either is missing or unknown."""
    data = _child(container, "xenc", "EncryptedData")
    if data is None:
        raise _Refusal(
            Problem.MALFORMED, "The EncryptedAssertion has no EncryptedData.", path_of(container)
        )
    uri = _algorithm(data)
    if uri is None:
        raise _Refusal(
            Problem.MALFORMED, "The EncryptedData names no EncryptionMethod.", path_of(data)
        )
    algorithm = DATA_ALGORITHMS.get(uri)
    if algorithm is None:
        raise _Refusal(
            Problem.UNSUPPORTED,
            f"The assertion is encrypted with {uri}; IAM takes AES-CBC or AES-GCM.",
            path_of(data) + "/EncryptionMethod",
        )
    return data, algorithm


@dataclass
class _Failures:
    """Why the keys tried so far did not decrypt."""

    unwrap: list[str] = field(default_factory=list)
    """Per EncryptedKey and key: why the session key could not be unwrapped."""
    data: list[str] = field(default_factory=list)
    """Per unwrapped session key: why the ciphertext did not decrypt with it."""


def _with_encrypted_key(
    encrypted_key: etree._Element,
    keys: Sequence[_Key],
    algorithm: DataAlgorithm,
    ciphertext: bytes,
    failures: _Failures,
) -> _Plaintext | None:
    """The plaintext with the first key that unwraps this EncryptedKey's session key and
    decrypts the data with it; None (and why, in `failures`) when no key does."""
    transport = _algorithm(encrypted_key) or ""
    if transport not in KEY_TRANSPORTS:
        failures.unwrap.append(f"key transport {transport or '(none)'} is not supported")
        return None
    for key in keys:
        try:
            session = _unwrap(encrypted_key, key, transport, algorithm.key_bytes)
        except ValueError as error:
            failures.unwrap.append(str(error))
            continue
        try:
            plain = _decrypt_data(algorithm, session, ciphertext)
        except ValueError as error:
            failures.data.append(f"with the session key from {key.source}, {error}")
            continue
        return _Plaintext(plain, key, algorithm, transport)
    return None


def _undecrypted(
    container: etree._Element,
    data: etree._Element,
    algorithm: DataAlgorithm,
    encrypted_keys: Sequence[etree._Element],
    keys: Sequence[_Key],
    failures: _Failures,
) -> _Refusal:
    """Why no key decrypts: the key transport, the ciphertext, or the keys themselves."""
    reasons = "; ".join(failures.unwrap)
    if not any(KEY_TRANSPORTS.get(_algorithm(k) or "") for k in encrypted_keys):
        return _Refusal(
            Problem.UNSUPPORTED,
            f"The session key is transported with {reasons}; IAM takes RSA-OAEP or RSA 1.5.",
            path_of(encrypted_keys[0]),
        )
    if failures.data:
        rsa15 = any(_algorithm(k) == RSA_15 for k in encrypted_keys)
        caveat = " (with RSA 1.5 a wrong key can, rarely, also get this far)" if rsa15 else ""
        return _Refusal(
            Problem.CORRUPTED,
            f"The session key was unwrapped but the {algorithm.name} ciphertext does not "
            f"decrypt: {'; '.join(failures.data)}{caveat}.",
            path_of(data) + "/CipherData/CipherValue",
        )
    names = ", ".join(key.source for key in keys)
    return _Refusal(
        Problem.WRONG_KEY,
        f"None of the keys given ({names}) decrypts the assertion: {reasons}."
        f"{_recipient_note(encrypted_keys)} If these are the keys on the IAM provider, AWS "
        "cannot decrypt it either.",
        path_of(container),
    )


def _recipient_note(encrypted_keys: Sequence[etree._Element]) -> str:
    """Which certificate the IdP says it encrypted for, when an EncryptedKey's KeyInfo names one."""
    from samlcheck._internal.trust.certs import describe, key_info_certificates, name_facts

    notes: list[str] = []
    for encrypted_key in encrypted_keys:
        decoded, _ = key_info_certificates(encrypted_key)
        notes += [name_facts(describe(d.certificate)) for d in decoded if d.certificate]
    if not notes:
        return ""
    return (
        f" The IdP encrypted for the certificate {', '.join(notes)}: upload that certificate's "
        "private key, or give the IdP the certificate of the provider's key."
    )


# --- the decrypted document ----------------------------------------------------------------------


def _strip_declaration(plain: bytes) -> bytes:
    body = plain[3:] if plain.startswith(b"\xef\xbb\xbf") else plain
    if body.lstrip().startswith(b"<?xml"):
        end = body.find(b"?>")
        if end != -1:
            return body[end + 2 :]
    return body


def _standalone_assertion(
    container: etree._Element, plain: bytes, algorithm: DataAlgorithm
) -> etree._Element:
    """The decrypted Assertion, parsed in the namespace context of its EncryptedAssertion.

    AES-CBC has no integrity check: damaged ciphertext usually still "decrypts", to bytes that
    are not XML, so for CBC that is reported as a corrupted ciphertext. AES-GCM's tag proves the
    bytes are what the IdP encrypted, so for GCM the IdP encrypted something that is not XML.
    """
    declarations = b"".join(
        (f' xmlns:{prefix}="{uri}"' if prefix else f' xmlns="{uri}"').encode()
        for prefix, uri in container.nsmap.items()
    )
    wrapper = b"<samlcheck-decrypted" + declarations + b">" + plain + b"</samlcheck-decrypted>"
    try:
        parsed = parse(wrapper)
    except XmlRefused as error:
        if algorithm.mode == "cbc" and error.reason != "doctype":
            raise _Refusal(
                Problem.CORRUPTED,
                f"The {algorithm.name} ciphertext decrypts to bytes that are not XML "
                f"({error.message}): it was damaged (CBC has no integrity check).",
                path_of(container) + "/EncryptedData/CipherData/CipherValue",
            ) from None
        raise _Refusal(
            Problem.NOT_ASSERTION,
            f"The decrypted content is not acceptable XML: {error.message}.",
            path_of(container),
        ) from None
    elements = [e for e in parsed.root if isinstance(e.tag, str)]
    if len(elements) != 1 or elements[0].tag != qname("saml", "Assertion"):
        names = ", ".join(etree.QName(e).localname for e in elements) or "no element"
        raise _Refusal(
            Problem.NOT_ASSERTION,
            f"The decrypted content holds {names}, not exactly one saml:Assertion.",
            path_of(container),
        )
    return elements[0]


def _exclusive(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=True)


def _assemble(
    doc: XmlDocument, containers: Sequence[etree._Element], plains: Sequence[_Plaintext]
) -> XmlDocument:
    """The document with each EncryptedAssertion replaced by its decrypted bytes, re-parsed.

    The decrypted bytes are spliced in verbatim where the EncryptedAssertion was; when they rely
    on a namespace prefix declared on the EncryptedAssertion itself, the parsed Assertion is
    grafted into the tree instead (same infoset, re-serialized).
    """
    bodies = [_strip_declaration(p.data) for p in plains]
    assertions = [
        _standalone_assertion(c, b, p.data_algorithm)
        for c, b, p in zip(containers, bodies, plains, strict=True)
    ]
    positions = list(doc.root.iter(qname("saml", "EncryptedAssertion")))
    indexes = [positions.index(c) for c in containers]
    if len(containers) == 1 and containers[0] is doc.root:
        return _reparse(etree.tostring(assertions[0], xml_declaration=True, encoding="UTF-8"))
    spliced = _splice(doc, indexes, bodies)
    try:
        result = parse(spliced)
        found = list(result.root.iter(qname("saml", "Assertion")))
        if all(any(_exclusive(a) == _exclusive(f) for f in found) for a in assertions):
            return result
    except XmlRefused:
        pass
    return _reparse(_graft(doc, indexes, assertions))


def _splice(doc: XmlDocument, indexes: Sequence[int], bodies: Sequence[bytes]) -> bytes:
    root = copy.deepcopy(doc.root)
    targets = list(root.iter(qname("saml", "EncryptedAssertion")))
    markers: list[bytes] = []
    for number, index in enumerate(indexes):
        label = f"samlcheck-decrypted-{number}-{id(root)}"
        target = targets[index]
        comment = etree.Comment(label)
        comment.tail = target.tail
        parent = target.getparent()
        assert parent is not None  # the root case is handled by the caller
        parent.replace(target, comment)
        markers.append(f"<!--{label}-->".encode())
    serialized = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    for marker, body in zip(markers, bodies, strict=True):
        serialized = serialized.replace(marker, body, 1)
    return serialized


def _graft(doc: XmlDocument, indexes: Sequence[int], assertions: Sequence[etree._Element]) -> bytes:
    root = copy.deepcopy(doc.root)
    targets = list(root.iter(qname("saml", "EncryptedAssertion")))
    for index, assertion in zip(indexes, assertions, strict=True):
        target = targets[index]
        grafted = copy.deepcopy(assertion)
        grafted.tail = target.tail
        parent = target.getparent()
        assert parent is not None
        parent.replace(target, grafted)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _reparse(data: bytes) -> XmlDocument:
    try:
        return parse(data)
    except XmlRefused as error:
        raise _Refusal(
            Problem.NOT_ASSERTION,
            f"The document with the decrypted Assertion does not parse: {error.message}.",
        ) from None
