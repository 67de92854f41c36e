"""samlcheck's XML signature verifier: core validation (XML DSig 1.1, 3.2) on lxml C14N and
cryptography, for the one shape the SAML profile uses.

`verify(parent, cert)` checks the first ds:Signature child of `parent` with the pinned `cert`
(KeyInfo is never read) and returns the canonical form of what its Reference covers: the only
element claims may come from. Everything else raises:

- `Malformed`: the signature cannot be processed (schema, an algorithm samlcheck does not allow,
  a Reference that does not resolve, a transform it does not implement);
- `SignatureMismatch`: the SignatureValue was not made by `cert`'s key over this SignedInfo;
- `DigestMismatch`: it was, but the referenced content changed after signing.

The order is XML DSig's: the SignatureValue first, over the canonical SignedInfo, then each
Reference read from that verified canonical form ("see what is signed"), then the count of
References (exactly one). Transforms: enveloped-signature and one C14N (C14N 1.0 when none);
certificate validity is not checked (IAM ignores it for metadata certificates).

`recompute_digests` runs the same Reference steps for a failed signature's diagnosis: which
element no longer matches its digest, and whether it would once indentation is removed.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from lxml import etree

from samlcheck._internal.inputs.xml import NS, child_at, children_at, path_of, safe_parser, text
from samlcheck._internal.stages.digests import (
    C14N,
    C14N_METHODS,
    DIGEST_METHODS,
    ENVELOPED,
    EXC_C14N,
    canonicalise,
    copy_element,
    inherited_xml,
    strip_whitespace,
)
from samlcheck._internal.trust.certs import DSA_PUBLIC_KEY


class Malformed(ValueError):
    """The signature cannot be processed: it is invalid under any key."""


class SignatureMismatch(Malformed):
    """The key did not make this SignatureValue over this SignedInfo."""


class DigestMismatch(Malformed):
    """The key made the SignatureValue, but a Reference's content changed after signing."""


_RSA, _PSS, _ECDSA, _DSA = "rsa", "rsa-pss", "ecdsa", "dsa"
_SHA2 = ("sha224", "sha256", "sha384", "sha512")
_SHA3 = ("sha3-224", "sha3-256", "sha3-384", "sha3-512")
_MORE = "http://www.w3.org/2001/04/xmldsig-more#"
SIGNATURE_METHODS: dict[str, tuple[str, str]] = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": (_RSA, "sha1"),
    "http://www.w3.org/2000/09/xmldsig#dsa-sha1": (_DSA, "sha1"),
    "http://www.w3.org/2009/xmldsig11#dsa-sha256": (_DSA, "sha256"),
    **{f"{_MORE}rsa-{h}": (_RSA, h) for h in _SHA2},
    **{f"{_MORE}ecdsa-{h}": (_ECDSA, h) for h in ("sha1", *_SHA2)},
    **{f"http://www.w3.org/2021/04/xmldsig-more#ecdsa-{h}": (_ECDSA, h) for h in _SHA3},
    **{
        f"http://www.w3.org/2007/05/xmldsig-more#{h}-rsa-MGF1": (_PSS, h)
        for h in ("sha1", *_SHA2, *_SHA3)
    },
}
"""The SignatureMethods verified, by URI: (key family, hash). HMAC is not among them: a shared
secret proves nothing about the IdP. SHA-1 is, so that it is reported rather than hidden."""

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha3-224": hashes.SHA3_224,
    "sha3-256": hashes.SHA3_256,
    "sha3-384": hashes.SHA3_384,
    "sha3-512": hashes.SHA3_512,
}
_EXC = f"{{{EXC_C14N}}}InclusiveNamespaces"
_IDS = etree.XPath("//@ID")
"""Every ID attribute: listing them and comparing here is seven times faster than an XPath
predicate with the value, which lxml evaluates on every element."""


def verify(
    parent: etree._Element, cert: x509.Certificate, *, values_checked: bool = False
) -> etree._Element:
    """Verify the first ds:Signature child of `parent` with `cert`; return the canonical signed
    element. `values_checked`: the caller has had `missing_value` say None for that signature."""
    signature = child_at(parent, "ds:Signature")
    if signature is None:
        raise Malformed(f"{parent.tag} has no ds:Signature child")
    problem = None if values_checked else missing_value(signature)
    if problem is not None:
        raise Malformed(problem)
    if not _schema().validate(signature):
        raise Malformed(_schema_error())
    info = child_at(signature, "ds:SignedInfo")
    assert info is not None  # the schema requires it
    signed_info = _verified_signed_info(signature, info, cert)
    inherited = inherited_xml(parent, own=True)
    references = children_at(signed_info, "ds:Reference")
    signed = [_verify_reference(r, i, parent, inherited) for i, r in enumerate(references)]
    if len(signed) != 1:
        raise Malformed(f"the signature has {len(signed)} References; exactly one is verified")
    return signed[0]


def missing_value(signature: etree._Element) -> str | None:
    """Why the signature is invalid under any key, when its SignatureValue or a DigestValue is
    absent or empty (there is nothing to verify), else None."""
    value = child_at(signature, "ds:SignatureValue")
    if value is None or not text(value).strip():
        state = "absent" if value is None else "empty"
        return (
            f"the SignatureValue is {state}: a signature without a value is invalid under any key"
        )
    for reference in children_at(signature, "ds:SignedInfo/ds:Reference"):
        digest = child_at(reference, "ds:DigestValue")
        if digest is None or not text(digest).strip():
            state = "absent" if digest is None else "empty"
            return (
                f"the DigestValue of Reference {reference.get('URI')!r} is {state}: a signature "
                "without a digest is invalid under any key"
            )
    return None


def _verified_signed_info(
    signature: etree._Element, info: etree._Element, cert: x509.Certificate
) -> etree._Element:
    """SignedInfo canonicalised, its SignatureValue verified with `cert`, parsed back."""
    c14n_node = child_at(info, "ds:CanonicalizationMethod")
    c14n = _algorithm(c14n_node, C14N_METHODS, "c14n")
    method_node = child_at(info, "ds:SignatureMethod")
    named = method_node.get("Algorithm", "") if method_node is not None else ""
    if "hmac" in named.lower():
        raise Malformed(f"{named} is an HMAC: a shared secret proves nothing about the IdP's key")
    method = _algorithm(method_node, SIGNATURE_METHODS, "signature")
    data = canonicalise(info, c14n, _prefixes(c14n_node))
    value = _base64(_text(signature, "ds:SignatureValue"), "SignatureValue")
    _verify_value(value, data, method, cert)
    return etree.fromstring(data, safe_parser())


def _algorithm(node: etree._Element | None, allowed: Collection[str], kind: str) -> str:
    algorithm = node.get("Algorithm", "") if node is not None else ""
    if algorithm not in allowed:
        raise Malformed(f"the {kind} algorithm {algorithm!r} is not one samlcheck verifies")
    return algorithm


def _prefixes(method: etree._Element | None) -> list[str]:
    """The PrefixList of an exclusive C14N method's InclusiveNamespaces."""
    inclusive = method.find(_EXC) if method is not None else None
    return (inclusive.get("PrefixList") or "").split() if inclusive is not None else []


def _text(element: etree._Element, path: str) -> str:
    node = child_at(element, path)
    return text(node) if node is not None else ""


def _base64(value: str, name: str) -> bytes:
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise Malformed(f"the {name} is not base64") from None


_KEY_TYPES: dict[str, type] = {
    _RSA: rsa.RSAPublicKey,
    _PSS: rsa.RSAPublicKey,
    _ECDSA: ec.EllipticCurvePublicKey,
    _DSA: DSA_PUBLIC_KEY,
}
"""The public key type each SignatureMethod family needs."""


def key_fits(method: str, cert: x509.Certificate) -> bool:
    """Can the certificate's key make a signature with this SignatureMethod at all (a method
    samlcheck does not verify: assume so, verification says why not)?"""
    if method not in SIGNATURE_METHODS:
        return True
    try:
        return isinstance(public_key(cert), _KEY_TYPES[SIGNATURE_METHODS[method][0]])
    except Malformed:
        return False


def _verify_value(value: bytes, data: bytes, method: str, cert: x509.Certificate) -> None:
    """Raise SignatureMismatch unless `cert`'s key made `value` over `data` with `method`."""
    family, digest = SIGNATURE_METHODS[method]
    algorithm = _HASHES[digest]()
    key = public_key(cert)
    if not isinstance(key, _KEY_TYPES[family]):
        raise Malformed(
            f"the certificate's key cannot make a {method.rsplit('#', 1)[-1]} signature"
        )
    try:
        if isinstance(key, rsa.RSAPublicKey):
            pad: padding.AsymmetricPadding = (
                padding.PKCS1v15()
                if family == _RSA
                else padding.PSS(padding.MGF1(algorithm), algorithm.digest_size)
            )
            key.verify(value, data, pad, algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(_dss(value, key.key_size), data, ec.ECDSA(algorithm))
        elif isinstance(key, DSA_PUBLIC_KEY):
            key.verify(
                _dss(value, key.parameters().parameter_numbers().q.bit_length()), data, algorithm
            )
    except InvalidSignature:
        raise SignatureMismatch(
            "the SignatureValue was not made by this key over this SignedInfo"
        ) from None


def _dss(value: bytes, bits: int) -> bytes:
    """An XML DSig (EC)DSA SignatureValue (r and s, each the key's size) as DER."""
    size = (bits + 7) // 8
    if len(value) != 2 * size:
        raise Malformed(f"the SignatureValue is {len(value)} bytes; this key makes {2 * size}")
    return utils.encode_dss_signature(
        int.from_bytes(value[:size], "big"), int.from_bytes(value[size:], "big")
    )


@functools.lru_cache(maxsize=64)
def public_key(cert: x509.Certificate) -> object:
    """The certificate's public key, loaded once per certificate."""
    try:
        return cert.public_key()
    except (ValueError, UnsupportedAlgorithm):
        raise Malformed("the certificate's public key cannot be read") from None


@dataclass(frozen=True)
class _Covered:
    """What a Reference covers: its target inside a copy of the signature's parent, with the
    enveloped signature removed, and how it is canonicalised."""

    copy: etree._Element
    target: etree._Element
    algorithm: str
    prefixes: list[str]
    inherited: Mapping[str, str]

    def canonical(self, element: etree._Element) -> bytes:
        return canonicalise(
            element,
            self.algorithm,
            self.prefixes,
            comments=False,  # a same-document Reference never covers comments (XML DSig 4.4.3.3)
            inherited={**self.inherited, **inherited_xml(self.target)},
        )


def _covered(
    reference: etree._Element, parent: etree._Element, inherited: Mapping[str, str]
) -> _Covered:
    """The Reference's transforms applied to a copy of `parent` (Malformed when samlcheck does
    not apply them or the URI names no one element)."""
    nodes = children_at(reference, "ds:Transforms/ds:Transform")
    transforms = [t.get("Algorithm") or "" for t in nodes]
    c14n = [t for t in transforms if t in C14N_METHODS]
    unknown = [t for t in transforms if t != ENVELOPED and t not in C14N_METHODS]
    if unknown or len(c14n) > 1:
        raise Malformed(f"the Reference's transforms are not ones samlcheck applies: {transforms}")
    algorithm = c14n[0] if c14n else C14N
    prefixes = next((_prefixes(n) for n in nodes if n.get("Algorithm") in C14N_METHODS), [])
    copy = copy_element(parent, used_only=algorithm.startswith(EXC_C14N) and not prefixes)
    uri = reference.get("URI")
    if uri == "":
        _whole_document(parent)
    target = _resolve(copy, uri)
    if ENVELOPED in transforms:
        _remove_enveloped(copy)
    return _Covered(copy, target, algorithm, prefixes, inherited)


def _digest_facts(reference: etree._Element) -> tuple[str, bytes]:
    """(the hashlib name of the Reference's DigestMethod, its DigestValue decoded)."""
    digest = _algorithm(child_at(reference, "ds:DigestMethod"), DIGEST_METHODS, "digest")
    return DIGEST_METHODS[digest], _base64(_text(reference, "ds:DigestValue"), "DigestValue")


def _verify_reference(
    reference: etree._Element, index: int, parent: etree._Element, inherited: Mapping[str, str]
) -> etree._Element:
    """The canonical form of what the Reference covers, once its digest matches."""
    covered = _covered(reference, parent, inherited)
    data = covered.canonical(covered.target)
    method, expected = _digest_facts(reference)
    if hashlib.new(method, data).digest() != expected:
        raise DigestMismatch(f"Digest mismatch for reference {index} ({reference.get('URI')})")
    return _signed_tree(covered, data)


@dataclass(frozen=True)
class DigestCheck:
    """One Reference's digest, recomputed for a diagnosis."""

    uri: str
    target: str
    """Path of the referenced element ('' when the URI does not resolve inside the parent)."""
    matches: bool
    pretty_printed: bool = False
    """The digest matches once whitespace-only text is removed: re-indented after signing."""


def recompute_digests(signature: etree._Element) -> tuple[DigestCheck, ...]:
    """Each Reference's digest recomputed as verification does: a failed signature's diagnosis
    says which element no longer matches, and whether removing indentation would make it match
    again (a pretty-printed capture)."""
    parent = signature.getparent()
    if parent is None:
        return ()
    inherited = inherited_xml(parent, own=True)
    return tuple(
        _recomputed(reference, parent, inherited)
        for reference in children_at(signature, "ds:SignedInfo/ds:Reference")
    )


def _recomputed(
    reference: etree._Element, parent: etree._Element, inherited: Mapping[str, str]
) -> DigestCheck:
    uri = reference.get("URI") or ""
    try:
        covered = _covered(reference, parent, inherited)
    except (Malformed, ValueError, etree.LxmlError):
        return DigestCheck(uri=uri, target="", matches=False)
    try:
        method, expected = _digest_facts(reference)
        matches = hashlib.new(method, covered.canonical(covered.target)).digest() == expected
        pretty = False
        if not matches:
            stripped = copy_element(covered.target)
            strip_whitespace(stripped)
            pretty = hashlib.new(method, covered.canonical(stripped)).digest() == expected
    except (Malformed, ValueError, etree.LxmlError):  # it cannot match either
        matches, pretty = False, False
    inside = path_of(covered.target)[len(path_of(covered.copy)) :]
    return DigestCheck(uri, path_of(parent) + inside, matches, pretty)


def _signed_tree(covered: _Covered, data: bytes) -> etree._Element:
    """What the digest covered, as a tree: `data` parsed back, or the canonicalised subtree
    itself when it is the whole copy, exclusive C14N wrote it and it holds no comment (which
    C14N drops) nor processing instruction: parsing the bytes back gives that same tree."""
    copy = covered.copy
    markup = next(copy.iter(etree.Comment, etree.ProcessingInstruction), None)
    if covered.target is copy and covered.algorithm.startswith(EXC_C14N) and markup is None:
        return copy
    return etree.fromstring(data, safe_parser())


def _whole_document(parent: etree._Element) -> None:
    """URI '' covers the whole document, which the copy of `parent` is only when `parent` is
    the document's root and no processing instruction stands beside it (C14N keeps those; a
    comment it drops)."""
    if parent.getparent() is not None:
        raise Malformed(
            "the Reference URI '' covers the whole document, not the element the signature is "
            "in; samlcheck verifies a signature over its own element only"
        )
    beside = [*parent.itersiblings(preceding=True), *parent.itersiblings()]
    if any(isinstance(node, etree._ProcessingInstruction) for node in beside):
        raise Malformed(
            "the Reference URI '' covers the processing instructions outside the root element "
            "too; samlcheck does not verify a signature over them"
        )


def _resolve(copy: etree._Element, uri: str | None) -> etree._Element:
    """The element a same-document URI names inside the copy: '' is the whole (see
    _whole_document), '#x' the one element whose ID is x."""
    if uri == "":
        return copy
    if uri is None or not uri.startswith("#") or uri.startswith("#xpointer("):
        raise Malformed(f"the Reference URI {uri!r} is not a same-document ID reference")
    ids = _IDS(copy)
    assert isinstance(ids, list)
    found = [a.getparent() for a in ids if a == uri[1:]]  # type: ignore[union-attr]
    if len(found) != 1:
        raise Malformed(f"the Reference URI {uri!r} names {len(found)} elements, not one")
    element = found[0]
    assert isinstance(element, etree._Element)
    return element


def _remove_enveloped(copy: etree._Element) -> None:
    """The enveloped-signature transform: remove the signature, keep the text after it."""
    signature = child_at(copy, "ds:Signature")
    if signature is None:
        return
    tail = signature.tail
    previous = signature.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            copy.text = (copy.text or "") + tail
    copy.remove(signature)


@functools.cache
def _schema() -> etree.XMLSchema:
    """The XML Signature schema (vendored) plus exc-C14N's InclusiveNamespaces, whose PrefixList
    is a string: its '#default' token is not an NMTOKEN."""
    from samlcheck._internal.trust.schema import XSD_DIR

    dsig = XSD_DIR / "xmldsig-core-schema.xsd"
    schema = f"""<schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="{EXC_C14N}"
        elementFormDefault="qualified">
      <import namespace="{NS["ds"]}" schemaLocation="{dsig.as_uri()}"/>
      <element name="InclusiveNamespaces">
        <complexType><attribute name="PrefixList" type="string"/></complexType>
      </element>
    </schema>"""
    return etree.XMLSchema(etree.fromstring(schema))


def _schema_error() -> str:
    """Where the signature first departs from the schema, in samlcheck's words."""
    error = _schema().error_log.last_error  # type: ignore[attr-defined]
    if error is None:
        return "the ds:Signature does not follow the XML Signature schema"
    return (
        f"the ds:Signature does not follow the XML Signature schema at {error.path} "
        f"(line {error.line})"
    )
