"""XML signature verification with signxml, SAML signature-profile checks and the SIGNED VIEW.

Each ds:Signature is verified on its own parent element (a copy), against each anchor pinned as
`x509_cert`, with `location="./"` and `id_attribute="ID"`. Only `VerifyResult.signed_xml` (the
canonical form of what the digest covered: no comments, the enveloped signature removed) feeds
the signed view, and only when the signature sits where the SAML profile says (on the Response
or on an Assertion that is a child of it) and references its own parent. So a wrapped, moved or
duplicated element can never supply a claim.

Failures are diagnosed rather than just reported: a digest that no longer matches (the key is
right, the content changed; recomputed here per reference, with a pretty-printing test), a key
none of the anchors holds (compared with the certificate in KeyInfo) and malformed signatures.
Anchor expiry never fails a check (IAM ignores metadata certificate expiry): verification runs at
an instant inside the anchor's validity and expiry is reported separately.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from cryptography.utils import CryptographyDeprecationWarning
from lxml import etree

from samlcheck.digests import (
    DigestCheck,
    copy_element,
    recompute_digests,
    strip_whitespace,
)
from samlcheck.profile import (
    InjectedText,
    ProfileViolation,
    covers,
    document_violations,
    injected_text,
    signature_violations,
)
from samlcheck.report import SignatureSummary
from samlcheck.xml import NS, XmlDocument, path_of, qname, safe_parser, text

if TYPE_CHECKING:
    from cryptography import x509

    from samlcheck.certs import CertFacts
    from samlcheck.trust import Anchor, Trust


VALID, SELF_VERIFIED = "valid", "self-verified"
DIGEST_MISMATCH, KEY_NOT_TRUSTED, ALTERED = "digest-mismatch", "key-not-trusted", "altered"
MALFORMED, UNTRUSTED_METHOD, KEY_UNKNOWN = "malformed", "untrusted-method", "key-unknown"


@dataclass(frozen=True)
class KeyInfoCert:
    """A certificate the signature carries in KeyInfo/X509Data."""

    certificate: x509.Certificate | None
    facts: CertFacts | None
    problem: str | None = None


@dataclass(frozen=True)
class SignatureCheck:
    """Everything measured about one ds:Signature."""

    location: str
    parent: str
    covers: str
    """response (on the root Response), assertion (on an Assertion child of it) or other."""
    parent_id: str | None
    references: tuple[str, ...]
    transforms: tuple[str, ...]
    signature_method: str
    digest_methods: tuple[str, ...]
    key_info: tuple[KeyInfoCert, ...]
    key_value_only: bool
    violations: tuple[ProfileViolation, ...]
    outcome: str
    """valid, self-verified (no anchors: checked against its own KeyInfo certificate),
    digest-mismatch, key-not-trusted, altered, malformed, untrusted-method or key-unknown."""
    detail: str
    anchor: Anchor | None
    anchors_tried: tuple[Anchor, ...]
    element: etree._Element
    """The ds:Signature itself."""
    signed: etree._Element | None
    """VerifyResult.signed_xml: the canonical signed element (None unless verified)."""
    raw: etree._Element
    """The parent element in the parsed document (for comment and CDATA detection)."""
    decrypted: bool = False
    """Found inside a decrypted assertion."""
    reindented: bool = False
    """With whitespace-only text removed the signature verifies: pretty-printed after signing."""

    @functools.cached_property
    def digests(self) -> tuple[DigestCheck, ...]:
        """Each Reference's digest, recomputed: only a failed signature's diagnosis needs it
        (signxml already checked them), so it is computed on first use."""
        return recompute_digests(self.element)

    @property
    def sha1(self) -> bool:
        methods = (self.signature_method, *self.digest_methods)
        return any(m.endswith(("#rsa-sha1", "#dsa-sha1", "#sha1")) for m in methods)

    @property
    def verified(self) -> bool:
        """The cryptography holds (with an anchor, or with its own certificate when none)."""
        return self.outcome in (VALID, SELF_VERIFIED)

    @property
    def usable(self) -> bool:
        """Verified and placed as the SAML profile says: its signed element may give claims."""
        return self.verified and not self.violations and self.covers in ("response", "assertion")


@dataclass(frozen=True)
class SignedView:
    """What the signatures cover: claims are read from these elements only."""

    response: etree._Element | None = None
    """The signed Response (canonical form) when a usable Response signature exists."""
    assertion: etree._Element | None = None
    """The signed Assertion (canonical form), from its own signature or the Response's."""
    raw_assertion: etree._Element | None = None
    """The same Assertion in the parsed document."""
    assertion_via: str = ""
    """assertion signature, response signature, or response signature (ciphertext only)."""


@dataclass(frozen=True)
class SignatureAnalysis:
    """The signature verdict of one SAMLResponse and the signed view it yields."""

    status: str
    """valid, invalid, unsigned or unverifiable (see report.SignatureSummary)."""
    signatures: tuple[SignatureCheck, ...]
    violations: tuple[ProfileViolation, ...]
    """Document-level violations: duplicate IDs, assertion count."""
    view: SignedView
    injected: tuple[InjectedText, ...]

    @property
    def summary(self) -> SignatureSummary:
        names = {"response": "Response", "assertion": "Assertion"}
        signed = tuple(names[s.covers] for s in self.signatures if s.usable)
        return SignatureSummary(status=self.status, signed=signed)

    @property
    def signed_paths(self) -> tuple[str, ...]:
        """Where the usable signatures are, '(decrypted)' marking a decrypted assertion's."""
        return tuple(
            s.parent + (" (decrypted)" if s.decrypted else "") for s in self.signatures if s.usable
        )


def _key_info(signature: etree._Element) -> tuple[tuple[KeyInfoCert, ...], bool]:
    from cryptography import x509

    from samlcheck.certs import describe

    certs: list[KeyInfoCert] = []
    for node in signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS):
        try:
            der = base64.b64decode("".join((node.text or "").split()), validate=True)
            cert = x509.load_der_x509_certificate(der)
            certs.append(KeyInfoCert(cert, describe(cert)))
        except (ValueError, binascii.Error) as error:
            certs.append(KeyInfoCert(None, None, f"unreadable X509Certificate: {error}"))
    key_value = signature.find("ds:KeyInfo/ds:KeyValue", NS) is not None
    return tuple(certs), key_value and not certs


# --- verification ------------------------------------------------------------------------------


def verification_instant(cert: x509.Certificate, at: dt.datetime) -> dt.datetime:
    """`at` if the certificate is valid then, else an instant inside its validity period."""
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    if start <= at <= end:
        return at
    return start + (end - start) / 2


def verify_pinned(
    element: etree._Element, cert: x509.Certificate, at: dt.datetime | None = None
) -> Any:
    """Verify the ds:Signature child of `element` with `cert`: samlcheck's one signxml policy.

    The certificate is pinned (KeyInfo is never trusted), the signature has one Reference, HMAC is
    refused (a shared secret proves nothing about the IdP), SHA-1 is allowed so that it can be
    reported rather than hidden, and the check runs at `at` (default: now) or, when the
    certificate is not valid then, at an instant inside its validity: IAM ignores metadata
    certificate expiry. Returns signxml's VerifyResult; raises signxml's exceptions.
    """
    from signxml.algorithms import DigestAlgorithm, SignatureMethod
    from signxml.verifier import SignatureConfiguration, XMLVerifier

    when = at if at is not None else dt.datetime.now(dt.timezone.utc)
    config = SignatureConfiguration(
        require_x509=True,
        location="./",
        expect_references=1,
        signature_methods=frozenset(m for m in SignatureMethod if not m.name.startswith("HMAC")),
        digest_algorithms=frozenset(DigestAlgorithm),
        ignore_ambiguous_key_info=True,
        verification_time=verification_instant(cert, when),
    )
    with warnings.catch_warnings():  # signxml reads the serial: no warning for a negative one
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return XMLVerifier().verify(
            etree.tostring(element, with_tail=False),
            x509_cert=cert,
            id_attribute="ID",
            parser=safe_parser(),
            expect_config=config,
        )


def _attempt(parent: etree._Element, cert: x509.Certificate, at: dt.datetime) -> tuple[str, Any]:
    """('valid', result) or (failure kind, message): digest, key, malformed."""
    from signxml.exceptions import InvalidDigest, InvalidSignature, SignXMLException

    try:
        return VALID, verify_pinned(parent, cert, at)
    except InvalidDigest as error:
        return DIGEST_MISMATCH, str(error)
    except InvalidSignature as error:
        if "Signature verification failed" in str(error) or "Signature mismatch" in str(error):
            return KEY_NOT_TRUSTED, str(error)
        return MALFORMED, str(error)
    except (SignXMLException, etree.DocumentInvalid, etree.XMLSyntaxError, ValueError) as error:
        return MALFORMED, str(error) or type(error).__name__
    except Exception as error:  # signxml raises bare errors on some malformed input
        return MALFORMED, f"{type(error).__name__}: {error}"


def check_signature(
    signature: etree._Element, root: etree._Element, anchors: tuple[Anchor, ...], at: dt.datetime
) -> SignatureCheck:
    """Verify one ds:Signature and describe it."""
    parent = signature.getparent()
    assert parent is not None
    method_node = signature.find("ds:SignedInfo/ds:SignatureMethod", NS)
    method = method_node.get("Algorithm", "") if method_node is not None else ""
    references = signature.findall("ds:SignedInfo/ds:Reference", NS)
    key_info, key_value_only = _key_info(signature)
    fields: dict[str, Any] = {
        "location": path_of(signature),
        "parent": path_of(parent),
        "covers": covers(signature, root),
        "parent_id": parent.get("ID"),
        "references": tuple(r.get("URI") or "" for r in references),
        "transforms": tuple(
            t.get("Algorithm") or "" for t in signature.findall(".//ds:Transform", NS)
        ),
        "signature_method": method,
        "digest_methods": tuple(
            d.get("Algorithm") or "" for d in signature.findall(".//ds:DigestMethod", NS)
        ),
        "key_info": key_info,
        "key_value_only": key_value_only,
        "violations": tuple(signature_violations(signature, root)),
        "anchors_tried": anchors,
        "element": signature,
        "raw": parent,
    }
    if "hmac" in method.lower():
        return SignatureCheck(
            **fields,
            outcome=UNTRUSTED_METHOD,
            detail=f"an HMAC signature ({method}) proves nothing about the IdP's key",
            anchor=None,
            signed=None,
        )
    outcome, detail, anchor, signed = _outcome(parent, anchors, key_info, at, method)
    reindented = outcome in (DIGEST_MISMATCH, ALTERED) and _verifies_without_indentation(
        parent, anchors, key_info, at
    )
    return SignatureCheck(
        **fields,
        outcome=outcome,
        detail=detail,
        anchor=anchor,
        signed=signed,
        reindented=reindented,
    )


def _verifies_without_indentation(
    parent: etree._Element,
    anchors: tuple[Anchor, ...],
    key_info: tuple[KeyInfoCert, ...],
    at: dt.datetime,
) -> bool:
    """Does the signature verify once whitespace-only text is removed (SignedInfo too)?"""
    compact = copy_element(parent)
    strip_whitespace(compact)
    certs = [a.certificate for a in anchors] or [
        k.certificate for k in key_info if k.certificate is not None
    ]
    return any(_attempt(compact, cert, at)[0] == VALID for cert in certs)


def _key_fits(method: str, cert: x509.Certificate) -> bool:
    """Can the certificate's key type make a signature with this SignatureMethod at all?"""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa

    name = method.rsplit("#", 1)[-1].lower()
    key = cert.public_key()
    if name.startswith("ecdsa"):
        return isinstance(key, ec.EllipticCurvePublicKey)
    if name.startswith("dsa"):
        return isinstance(key, dsa.DSAPublicKey)
    if name.startswith(("rsa", "sha")):  # rsa-sha256, sha256-rsa-MGF1
        return isinstance(key, rsa.RSAPublicKey)
    return True


def _outcome(
    parent: etree._Element,
    anchors: tuple[Anchor, ...],
    key_info: tuple[KeyInfoCert, ...],
    at: dt.datetime,
    method: str = "",
) -> tuple[str, str, Anchor | None, etree._Element | None]:
    """Try every anchor. An anchor whose key type cannot make this signature (an EC certificate
    for rsa-sha256) is a key that did not sign, not a malformed signature; the signature is
    malformed only when every anchor that could have signed it fails that way."""
    embedded = [k.certificate for k in key_info if k.certificate is not None]
    if not anchors:
        if not embedded:
            return KEY_UNKNOWN, "no trust anchor and no certificate in KeyInfo", None, None
        kind, result = _attempt(parent, embedded[0], at)
        if kind == VALID:
            return (
                SELF_VERIFIED,
                "verified with its own KeyInfo certificate only",
                None,
                (result.signed_xml),
            )
        return kind, str(result), None, None
    failures: list[str] = []
    malformed: list[tuple[Anchor, str]] = []
    for anchor in anchors:
        if not _key_fits(method, anchor.certificate):
            failures.append(f"{anchor.source}: its key type cannot make a {method} signature")
            continue
        kind, result = _attempt(parent, anchor.certificate, at)
        if kind == VALID:
            return VALID, f"verified with {anchor.source}", anchor, result.signed_xml
        if kind == DIGEST_MISMATCH:
            return kind, str(result), anchor, None
        if kind == MALFORMED:
            malformed.append((anchor, str(result)))
            continue
        failures.append(str(result))
    if malformed and not failures:
        return MALFORMED, malformed[0][1], malformed[0][0], None
    anchor_prints = {a.facts.sha256 for a in anchors}
    for kinfo in key_info:
        if kinfo.certificate is None or kinfo.facts is None:
            continue
        if kinfo.facts.sha256 in anchor_prints:
            return (
                ALTERED,
                "the KeyInfo certificate is an anchor, yet the signature value does not verify: "
                "SignedInfo or SignatureValue was changed after signing",
                None,
                None,
            )
        kind, _ = _attempt(parent, kinfo.certificate, at)
        if kind in (VALID, DIGEST_MISMATCH):
            return (
                KEY_NOT_TRUSTED,
                "signed by the key of the KeyInfo certificate, which no anchor holds",
                None,
                None,
            )
    if embedded:
        return (
            ALTERED,
            "no anchor verifies the signature and neither does the KeyInfo certificate: "
            "SignedInfo or SignatureValue was changed, or KeyInfo names another key",
            None,
            None,
        )
    return (
        KEY_NOT_TRUSTED,
        "no anchor verifies the signature (KeyInfo has no certificate)",
        None,
        None,
    )


# --- the analysis ------------------------------------------------------------------------------


def _own_issuer(element: etree._Element) -> str | None:
    """The Issuer inside the element a signature covers (a Response's or an Assertion's)."""
    node = element.find("saml:Issuer", NS)
    return text(node).strip() if node is not None else None


def _anchors_for(trust: Trust, issuer: str | None) -> tuple[Anchor, ...]:
    """The anchors of the signed Issuer's entity (and bare certs) first, then every other: a key
    of another entity is then found, and `_bind_issuer` reports it rather than trusting it."""
    first = trust.for_issuer(issuer)
    return first + tuple(a for a in trust.anchors if not any(a is f for f in first))


def _bind_issuer(check: SignatureCheck, root: etree._Element) -> SignatureCheck:
    """A metadata key vouches only for its own entity: two checks, as violations of the check.

    The key that verified must belong to the entity the Issuer inside the signed element names
    ('issuer-signer'), and the Response Issuer (when present) and the Assertion Issuer must name
    that same entity ('issuer-entity'). A bare --cert anchor has no entity: it may vouch for any
    issuer the metadata knows (the issuer rule still checks each Issuer against the metadata).
    `root` is the document the claims are read from (decrypted when the assertion was encrypted).
    """
    anchor = check.anchor
    if not check.verified or anchor is None or anchor.entity_id is None or check.signed is None:
        return check
    entity = anchor.entity_id
    signed = check.signed.findall("saml:Issuer", NS)
    if check.covers == "response":
        signed += check.signed.findall("saml:Assertion/saml:Issuer", NS)
    found = [
        ProfileViolation(
            "issuer-signer",
            f"{check.parent} verifies only with {anchor.source}, not with a key of the entity "
            f"its signed Issuer names ({text(node).strip()!r}): a metadata key vouches only for "
            "its own entity",
            check.location,
        )
        for node in signed
        if text(node).strip() != entity
    ]
    for label, path in (("Response", "saml:Issuer"), ("Assertion", "saml:Assertion/saml:Issuer")):
        node = root.find(path, NS)
        if found or node is None or text(node).strip() == entity:
            continue
        found.append(
            ProfileViolation(
                "issuer-entity",
                f"the {label} Issuer is {text(node).strip()!r}, but {check.parent} is signed "
                f"with a key of entity {entity!r} ({anchor.source}): the Response and the "
                "Assertion must name the same issuer",
                path_of(node),
            )
        )
    return replace(check, violations=check.violations + tuple(found)) if found else check


MAX_VERIFIED_SIGNATURES = 8
"""Signatures verified per document, in document order. A response AWS accepts has at most two;
each verification copies its parent, so 400 signatures on a Response took 27 s (quadratic).
Signatures past this many stay unverified: they sign nothing, and the profile rules still see
every one of them."""


def _signatures(
    doc: XmlDocument, trust: Trust, at: dt.datetime, decrypted: bool
) -> list[SignatureCheck]:
    checks: list[SignatureCheck] = []
    for signature in doc.root.iter(qname("ds", "Signature")):
        parent = signature.getparent()
        if parent is None:
            continue
        if len(checks) >= MAX_VERIFIED_SIGNATURES:
            break
        anchors = _anchors_for(trust, _own_issuer(parent))
        check = check_signature(signature, doc.root, anchors, at)
        if decrypted:
            check = replace(check, decrypted=True)
        checks.append(check)
    return checks


def _signed_child_assertion(signed_response: etree._Element) -> etree._Element | None:
    assertions = signed_response.findall("saml:Assertion", NS)
    return assertions[0] if len(assertions) == 1 else None


def analyse(
    doc: XmlDocument, trust: Trust, at: dt.datetime, decrypted: XmlDocument | None = None
) -> SignatureAnalysis:
    """Verify every signature of a response and build the signed view.

    `decrypted` is the same response with its EncryptedAssertion replaced by the plaintext
    Assertion: the Response signature is verified on `doc` (it covers the ciphertext), the
    Assertion's own signature on `decrypted`.
    """
    checks = _signatures(doc, trust, at, decrypted=False)
    working = doc
    if decrypted is not None:
        checks = [c for c in checks if c.covers == "response"] + [
            c for c in _signatures(decrypted, trust, at, decrypted=True) if c.covers != "response"
        ]
        working = decrypted
    checks = [_bind_issuer(c, working.root) for c in checks]
    violations = tuple(document_violations(working.root))
    view = _view(checks, working.root, encrypted=decrypted is not None)
    injected: list[InjectedText] = []
    scanned: list[etree._Element] = []
    for check in checks:
        if check.verified and not any(check.raw is s for s in scanned):
            scanned.append(check.raw)
            injected.extend(injected_text(check.raw))
    if not scanned:
        injected.extend(injected_text(working.root))
    return SignatureAnalysis(
        status=_status(checks, violations, view, trust, doc, decrypted is not None),
        signatures=tuple(checks),
        violations=violations,
        view=view,
        injected=tuple(_unique(injected)),
    )


def _unique(items: list[InjectedText]) -> list[InjectedText]:
    seen: set[str] = set()
    result = []
    for item in items:
        if item.location not in seen:
            seen.add(item.location)
            result.append(item)
    return result


def _view(checks: list[SignatureCheck], root: etree._Element, encrypted: bool) -> SignedView:
    """The signed Response and Assertion, from usable signatures only.

    Duplicate IDs or extra assertions elsewhere do not change what a usable signature covers
    (each is verified on a copy of its own parent), so the view stays exact; those violations
    are findings of their own and the unsigned extras are reported as look-alikes.
    """
    response = next((c for c in checks if c.usable and c.covers == "response"), None)
    assertion = next((c for c in checks if c.usable and c.covers == "assertion"), None)
    signed_response = response.signed if response is not None else None
    if assertion is not None and assertion.signed is not None:
        return SignedView(signed_response, assertion.signed, assertion.raw, "assertion signature")
    if signed_response is not None and response is not None:
        if encrypted:
            raw = root.find("saml:Assertion", NS)
            return SignedView(
                signed_response, raw_copy_signed(raw), raw, "response signature (ciphertext only)"
            )
        raw = response.raw.find("saml:Assertion", NS)
        child = _signed_child_assertion(signed_response)
        if child is not None and len(response.raw.findall("saml:Assertion", NS)) == 1:
            return SignedView(signed_response, child, raw, "response signature")
    return SignedView(response=signed_response)


def raw_copy_signed(raw: etree._Element | None) -> etree._Element | None:
    """A decrypted assertion covered only through the signed ciphertext: its canonical copy."""
    if raw is None:
        return None
    return etree.fromstring(
        etree.tostring(copy_element(raw), method="c14n", exclusive=True, with_comments=False),
        safe_parser(),
    )


def _status(
    checks: list[SignatureCheck],
    violations: tuple[ProfileViolation, ...],
    view: SignedView,
    trust: Trust,
    doc: XmlDocument,
    was_decrypted: bool,
) -> str:
    if not checks:
        sealed = doc.root.find("saml:EncryptedAssertion", NS) is not None and not was_decrypted
        return "unverifiable" if sealed else "unsigned"
    failed = [c for c in checks if not c.verified or c.violations]
    if (
        trust.empty
        and failed
        and all(c.outcome == KEY_UNKNOWN and not c.violations for c in failed)
    ):
        return "unverifiable" if not violations else "invalid"
    if violations or failed:
        return "invalid"
    if view.assertion is None and view.response is None:
        return "invalid"
    if trust.empty or any(c.outcome == SELF_VERIFIED for c in checks):
        return "unverifiable"
    return "valid"
