"""Signature verdicts, SAML signature-profile checks and the SIGNED VIEW.

Each ds:Signature is verified (stages/verify.py) on its own parent element, against each anchor's
pinned certificate. Only the canonical form of what the digest covered (no comments, the enveloped
signature removed) feeds the signed view, and only when the signature sits where the SAML profile
says (on the Response or on an Assertion that is a child of it) and references its own parent. So
a wrapped, moved or duplicated element can never supply a claim.

Failures are diagnosed rather than just reported: a digest that no longer matches (the key is
right, the content changed; recomputed here per reference, with a pretty-printing test), a key
none of the anchors holds (compared with the certificate in KeyInfo) and malformed signatures.
Anchor expiry never fails a check (IAM ignores metadata certificate expiry): verification does not
look at validity, and expiry is reported separately.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from lxml import etree

from samlcheck._internal.describe import near_miss
from samlcheck._internal.inputs.xml import (
    XmlDocument,
    child_at,
    children_at,
    path_of,
    qname,
    safe_parser,
    text,
)
from samlcheck._internal.report import SignatureSummary
from samlcheck._internal.stages.digests import copy_element, strip_whitespace
from samlcheck._internal.stages.profile import (
    Breach,
    Covers,
    InjectedText,
    ProfileViolation,
    covers,
    document_violations,
    injected_text,
    may_hold_cdata,
    signature_violations,
)
from samlcheck._internal.stages.verify import (
    DigestCheck,
    DigestMismatch,
    Malformed,
    SignatureMismatch,
    key_fits,
    missing_value,
    recompute_digests,
    verify,
)

if TYPE_CHECKING:
    from cryptography import x509

    from samlcheck._internal.trust.anchors import Anchor, Trust
    from samlcheck._internal.trust.certs import CertFacts


class Outcome(str, enum.Enum):
    """What verifying one ds:Signature established."""

    VALID = "valid"
    SELF_VERIFIED = "self-verified"
    """No anchors: it verifies with its own KeyInfo certificate, which proves nothing."""
    DIGEST_MISMATCH = "digest-mismatch"
    """The key is right, the signed content changed."""
    KEY_NOT_TRUSTED = "key-not-trusted"
    ALTERED = "altered"
    """An anchor's (or the KeyInfo) key, yet the value does not verify: SignedInfo changed."""
    MALFORMED = "malformed"
    UNTRUSTED_METHOD = "untrusted-method"
    """HMAC: a shared secret proves nothing about the IdP."""
    KEY_UNKNOWN = "key-unknown"
    """No anchor and no KeyInfo certificate to try."""


class Status(str, enum.Enum):
    """The signature verdict of one SAMLResponse (report.SignatureSummary.status)."""

    VALID = "valid"
    INVALID = "invalid"
    UNSIGNED = "unsigned"
    UNVERIFIABLE = "unverifiable"


class Via(str, enum.Enum):
    """Which signature covers the Assertion claims are read from."""

    ASSERTION_SIGNATURE = "assertion signature"
    RESPONSE_SIGNATURE = "response signature"
    CIPHERTEXT_ONLY = "response signature (ciphertext only)"
    """The Response signature covers the EncryptedAssertion, not the Assertion it decrypts to."""


@dataclass(frozen=True)
class Verification:
    """The result of trying a signature against its candidate keys."""

    outcome: Outcome
    detail: str
    anchor: Anchor | None = None
    """The anchor that verified it (or whose key it is, for a digest mismatch)."""
    signed: etree._Element | None = None
    """The canonical signed element (verify.verify), when it verified."""
    carried_key_signed: bool = False
    """No anchor holds the key, but the KeyInfo certificate's key made the signature."""


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
    covers: Covers
    parent_id: str | None
    references: tuple[str, ...]
    transforms: tuple[str, ...]
    signature_method: str
    digest_methods: tuple[str, ...]
    key_info: tuple[KeyInfoCert, ...]
    key_value_only: bool
    violations: tuple[ProfileViolation, ...]
    outcome: Outcome
    detail: str
    anchor: Anchor | None
    anchors_tried: tuple[Anchor, ...]
    element: etree._Element
    """The ds:Signature itself."""
    signed: etree._Element | None
    """The canonical signed element (None unless verified)."""
    raw: etree._Element
    """The parent element in the parsed document (for comment and CDATA detection)."""
    decrypted: bool = False
    """Found inside a decrypted assertion."""
    key_info_unread: int = 0
    """KeyInfo certificates past certs.MAX_KEYINFO_CERTS: counted, not read."""
    anchors_untried: int = 0
    """Anchors past MAX_ANCHORS_TRIED: not tried (the outcome is then never valid by them)."""
    reindented: bool = False
    """With whitespace-only text removed the signature verifies: pretty-printed after signing."""
    carried_key_signed: bool = False
    """Not trusted, but signed by the key of its KeyInfo certificate (see Verification)."""

    @functools.cached_property
    def digests(self) -> tuple[DigestCheck, ...]:
        """Each Reference's digest, recomputed: only a failed signature's diagnosis needs it
        (verification already checked them), so it is computed on first use."""
        return recompute_digests(self.element)

    @property
    def sha1(self) -> bool:
        methods = (self.signature_method, *self.digest_methods)
        return any(m.endswith(("#rsa-sha1", "#dsa-sha1", "#sha1")) for m in methods)

    @property
    def verified(self) -> bool:
        """The cryptography holds (with an anchor, or with its own certificate when none)."""
        return self.outcome in (Outcome.VALID, Outcome.SELF_VERIFIED)

    @property
    def usable(self) -> bool:
        """Verified and placed as the SAML profile says: its signed element may give claims."""
        return self.verified and not self.violations and self.covers is not Covers.OTHER


@dataclass(frozen=True)
class SignedView:
    """What the signatures cover: claims are read from these elements only."""

    response: etree._Element | None = None
    """The signed Response (canonical form) when a usable Response signature exists."""
    assertion: etree._Element | None = None
    """The signed Assertion (canonical form), from its own signature or the Response's."""
    raw_assertion: etree._Element | None = None
    """The same Assertion in the parsed document."""
    assertion_via: Via | None = None


@dataclass(frozen=True)
class SignatureAnalysis:
    """The signature verdict of one SAMLResponse and the signed view it yields."""

    status: Status
    signatures: tuple[SignatureCheck, ...]
    violations: tuple[ProfileViolation, ...]
    """Document-level violations: duplicate IDs, assertion count."""
    view: SignedView
    injected: tuple[InjectedText, ...]
    unexamined: int = 0
    """ds:Signature elements past MAX_VERIFIED_SIGNATURES: counted, not examined."""
    foreign_issuers: tuple[ProfileViolation, ...] = ()
    """With one metadata entity (an IAM provider holds one IdP): each Issuer that is not its
    entityID. AWS meets this before it uses the provider's keys (see provider_issuers)."""
    provider_entity: str | None = None
    """That one entity's ID, when the metadata holds exactly one."""

    @property
    def summary(self) -> SignatureSummary:
        names = {Covers.RESPONSE: "Response", Covers.ASSERTION: "Assertion"}
        signed = tuple(names[s.covers] for s in self.signatures if s.usable)
        return SignatureSummary(status=self.status.value, signed=signed)

    @property
    def signed_paths(self) -> tuple[str, ...]:
        """Where the usable signatures are, '(decrypted)' marking a decrypted assertion's."""
        return tuple(
            s.parent + (" (decrypted)" if s.decrypted else "") for s in self.signatures if s.usable
        )


MAX_ANCHORS_TRIED = 32
"""Anchors tried per signature. Those whose key a KeyInfo certificate carries come first (so a
signature naming its key is verified once), then the Issuer's entity's (see _anchors_for). An IdP
publishes one to three signing certificates, a federation file a few per entity; past 32, a
signature naming no anchor's key was tried against each of 3,000 (48 s). Anchors not tried can
only turn an outcome into 'not trusted', never into valid, and are reported (SC-SIG-025)."""


def _key_info(signature: etree._Element) -> tuple[tuple[KeyInfoCert, ...], bool, int]:
    """The first certs.MAX_KEYINFO_CERTS KeyInfo certificates, whether KeyInfo holds only a
    KeyValue, and how many certificates were left unread."""
    from samlcheck._internal.trust.certs import key_info_certificates

    decoded, unread = key_info_certificates(signature)
    certs = tuple(
        _described(d.certificate)
        if d.certificate is not None
        else KeyInfoCert(None, None, f"unreadable X509Certificate: {d.problem}")
        for d in decoded
    )
    key_value = child_at(signature, "ds:KeyInfo/ds:KeyValue") is not None
    return certs, key_value and not certs, unread


@functools.lru_cache(maxsize=64)
def _described(cert: x509.Certificate) -> KeyInfoCert:
    """A KeyInfo certificate and its facts, described once per DER bytes (certificates compare
    and hash by their DER; an IdP sends the same one with every response)."""
    from samlcheck._internal.trust.certs import describe

    return KeyInfoCert(cert, describe(cert))


@functools.lru_cache(maxsize=256)
def _public_key(cert: x509.Certificate) -> bytes | None:
    """The certificate's SubjectPublicKeyInfo (DER), None when its key cannot be read."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    try:
        return cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    except Exception:  # an unknown or malformed key: it names no anchor
        return None


def _candidates(
    anchors: tuple[Anchor, ...], key_info: tuple[KeyInfoCert, ...]
) -> tuple[tuple[Anchor, ...], tuple[Anchor, ...], int]:
    """(anchors to try, in order; those among them whose key KeyInfo carries; how many are left
    untried). Matching is by public key, before any verification, so it costs no signature."""
    carried = {_public_key(k.certificate) for k in key_info if k.certificate is not None}
    carried.discard(None)
    named = tuple(a for a in anchors if carried and _public_key(a.certificate) in carried)
    chosen = {id(a) for a in named}
    ordered = named + tuple(a for a in anchors if id(a) not in chosen)
    return ordered[:MAX_ANCHORS_TRIED], named, max(0, len(ordered) - MAX_ANCHORS_TRIED)


# --- verification ------------------------------------------------------------------------------


def _attempt(parent: etree._Element, cert: x509.Certificate) -> Verification:
    """Verify with one certificate: valid (with the signed XML) or why not (digest, key,
    malformed)."""
    try:
        signed = verify(parent, cert, values_checked=True)  # _verify checked them
    except DigestMismatch as error:
        return Verification(Outcome.DIGEST_MISMATCH, str(error))
    except SignatureMismatch as error:
        return Verification(Outcome.KEY_NOT_TRUSTED, str(error))
    except Malformed as error:
        return Verification(Outcome.MALFORMED, str(error))
    except ValueError as error:  # canonicalise refuses a layout it cannot do right
        return Verification(Outcome.MALFORMED, str(error))
    except etree.LxmlError:
        return Verification(Outcome.MALFORMED, "the signed content cannot be canonicalised")
    return Verification(Outcome.VALID, "", signed=signed)


def check_signature(
    signature: etree._Element, root: etree._Element, anchors: tuple[Anchor, ...]
) -> SignatureCheck:
    """Verify one ds:Signature and describe it."""
    parent = signature.getparent()
    assert parent is not None
    method_node = child_at(signature, "ds:SignedInfo/ds:SignatureMethod")
    method = method_node.get("Algorithm", "") if method_node is not None else ""
    references = children_at(signature, "ds:SignedInfo/ds:Reference")
    key_info, key_value_only, unread = _key_info(signature)
    tried, named, untried = _candidates(anchors, key_info)
    verification = _verify(signature, parent, tried, named, key_info, method, unread)
    anchor = verification.anchor
    reindented = verification.outcome in (Outcome.DIGEST_MISMATCH, Outcome.ALTERED) and (
        _verifies_without_indentation(
            parent, (anchor,) if anchor is not None else named or tried, key_info
        )
    )
    return SignatureCheck(
        location=path_of(signature),
        parent=path_of(parent),
        covers=covers(signature, root),
        parent_id=parent.get("ID"),
        references=tuple(r.get("URI") or "" for r in references),
        transforms=tuple(
            t.get("Algorithm") or "" for t in signature.iter(qname("ds", "Transform"))
        ),
        signature_method=method,
        digest_methods=tuple(
            d.get("Algorithm") or "" for d in signature.iter(qname("ds", "DigestMethod"))
        ),
        key_info=key_info,
        key_value_only=key_value_only,
        violations=tuple(signature_violations(signature, root)),
        outcome=verification.outcome,
        detail=verification.detail,
        anchor=anchor,
        anchors_tried=tried,
        element=signature,
        signed=verification.signed,
        raw=parent,
        key_info_unread=unread,
        anchors_untried=untried,
        reindented=reindented,
        carried_key_signed=verification.carried_key_signed,
    )


def _verify(
    signature: etree._Element,
    parent: etree._Element,
    tried: tuple[Anchor, ...],
    named: tuple[Anchor, ...],
    key_info: tuple[KeyInfoCert, ...],
    method: str,
    unread: int,
) -> Verification:
    """An HMAC or value-less signature fails before any key is tried; else `_outcome`."""
    if "hmac" in method.lower():
        return Verification(
            Outcome.UNTRUSTED_METHOD,
            f"an HMAC signature ({method}) proves nothing about the IdP's key",
        )
    problem = missing_value(signature)
    if problem is not None:
        return Verification(Outcome.MALFORMED, problem)
    return _outcome(parent, tried, named, key_info, method, unread)


def _verifies_without_indentation(
    parent: etree._Element, anchors: tuple[Anchor, ...], key_info: tuple[KeyInfoCert, ...]
) -> bool:
    """Does the signature verify once whitespace-only text is removed (SignedInfo too)?"""
    if not parent.xpath("boolean(.//text()[normalize-space(.) = ''])"):
        return False  # nothing to remove: no need to verify again
    compact = copy_element(parent)
    strip_whitespace(compact)
    certs = [a.certificate for a in anchors] or [
        k.certificate for k in key_info if k.certificate is not None
    ]
    return any(_attempt(compact, c).outcome is Outcome.VALID for c in certs)


def _outcome(
    parent: etree._Element,
    anchors: tuple[Anchor, ...],
    named: tuple[Anchor, ...],
    key_info: tuple[KeyInfoCert, ...],
    method: str = "",
    unread: int = 0,
) -> Verification:
    """Try the anchors given (`named`: those whose key KeyInfo carries); when none verifies,
    find out why from the KeyInfo certificates."""
    if not anchors:
        return _self_verified(parent, key_info)
    return _by_anchors(parent, anchors, method) or _unverified(parent, named, key_info, unread)


def _self_verified(parent: etree._Element, key_info: tuple[KeyInfoCert, ...]) -> Verification:
    """Without anchors: verified with the first KeyInfo certificate only (it proves nothing)."""
    embedded = [k.certificate for k in key_info if k.certificate is not None]
    if not embedded:
        return Verification(Outcome.KEY_UNKNOWN, "no trust anchor and no certificate in KeyInfo")
    attempt = _attempt(parent, embedded[0])
    if attempt.outcome is Outcome.VALID:
        return replace(
            attempt,
            outcome=Outcome.SELF_VERIFIED,
            detail="verified with its own KeyInfo certificate only",
        )
    return attempt


def _by_anchors(
    parent: etree._Element, anchors: tuple[Anchor, ...], method: str
) -> Verification | None:
    """Valid or a digest mismatch with the first anchor that says so; malformed when every
    anchor whose key type could make the signature finds it malformed; else None.

    An anchor whose key type cannot make this signature (an EC certificate for rsa-sha256) is a
    key that did not sign, not a malformed signature."""
    other_failure = False
    malformed: Verification | None = None
    for anchor in anchors:
        if not key_fits(method, anchor.certificate):
            other_failure = True
            continue
        attempt = _attempt(parent, anchor.certificate)
        if attempt.outcome is Outcome.VALID:
            return replace(attempt, detail=f"verified with {anchor.source}", anchor=anchor)
        if attempt.outcome is Outcome.DIGEST_MISMATCH:
            return replace(attempt, anchor=anchor)
        if attempt.outcome is Outcome.MALFORMED:
            malformed = malformed or replace(attempt, anchor=anchor)
        else:
            other_failure = True
    return malformed if not other_failure else None


def _unverified(
    parent: etree._Element,
    named: tuple[Anchor, ...],
    key_info: tuple[KeyInfoCert, ...],
    unread: int,
) -> Verification:
    """Why no anchor verifies: the signature was altered, or a key no anchor holds signed it."""
    if named:
        return Verification(
            Outcome.ALTERED,
            "the KeyInfo certificate is an anchor, yet the signature value does not verify: "
            "SignedInfo or SignatureValue was changed after signing",
        )
    embedded = [k.certificate for k in key_info if k.certificate is not None]
    for certificate in embedded:
        if _attempt(parent, certificate).outcome in (Outcome.VALID, Outcome.DIGEST_MISMATCH):
            return Verification(
                Outcome.KEY_NOT_TRUSTED,
                "signed by the key of the KeyInfo certificate, which no anchor holds",
                carried_key_signed=True,
            )
    if embedded and unread:
        return Verification(
            Outcome.KEY_NOT_TRUSTED,
            f"no anchor verifies the signature, nor do the first {len(key_info)} KeyInfo "
            f"certificates ({unread} more were not read)",
        )
    if embedded:
        return Verification(
            Outcome.ALTERED,
            "no anchor verifies the signature and neither does the KeyInfo certificate: "
            "SignedInfo or SignatureValue was changed, or KeyInfo names another key",
        )
    return Verification(
        Outcome.KEY_NOT_TRUSTED, "no anchor verifies the signature (KeyInfo has no certificate)"
    )


# --- the analysis ------------------------------------------------------------------------------


def _own_issuer(element: etree._Element) -> str | None:
    """The Issuer inside the element a signature covers (a Response's or an Assertion's)."""
    node = child_at(element, "saml:Issuer")
    return text(node).strip() if node is not None else None


def _anchors_for(trust: Trust, issuer: str | None) -> tuple[Anchor, ...]:
    """The anchors of the signed Issuer's entity (and bare certs) first, then every other: a key
    of another entity is then found, and `_bind_issuer` reports it rather than trusting it."""
    first = trust.for_issuer(issuer)
    chosen = {id(a) for a in first}
    return first + tuple(a for a in trust.anchors if id(a) not in chosen)


def _differs(issuer: str, entity: str) -> str:
    """' (it differs only by a trailing slash)' and the like, or ''."""
    near = near_miss(issuer, (entity,))
    return f" (it differs only {near[1]})" if near else ""


def provider_issuers(root: etree._Element, trust: Trust) -> tuple[ProfileViolation, ...]:
    """The Response and Assertion Issuers that are not the entityID of the only metadata entity.

    An IAM provider holds exactly one IdP. The order inferred for AWS (undocumented): the provider
    is looked up (by the ARN in the Role attribute), the Issuer is compared with its entityID, and
    only then are its keys used. So with one entity a foreign Issuer is AWS's answer, whatever the
    signature; the signature is still verified with that entity's keys and reported.
    With several entities (a federation file) the Issuer picks the entity: see `_bind_issuer`.
    `analyse` does not apply it when the signature profile is broken (a misplaced signature,
    duplicate IDs, several assertions): which Issuer AWS would read there is unknown, and the
    wrapping findings hold for any of them.
    """
    if len(trust.entity_ids) != 1:
        return ()
    (entity,) = trust.entity_ids
    return tuple(
        ProfileViolation(
            Breach.PROVIDER_ISSUER,
            f"the {label} Issuer is {text(node)!r}{_differs(text(node), entity)}",
            path_of(node),
        )
        for label, node in (
            ("Response", child_at(root, "saml:Issuer")),
            ("Assertion", child_at(root, "saml:Assertion/saml:Issuer")),
        )
        if node is not None and text(node) != entity
    )


def _outermost(checks: list[SignatureCheck]) -> list[etree._Element]:
    """The elements verified signatures sign, each once and none inside another (a signed
    Assertion inside a signed Response is scanned with the Response)."""
    raws = [c.raw for c in checks if c.verified]
    return [
        raw
        for i, raw in enumerate(raws)
        if not any(raw is r for r in raws[:i])
        and not any(a is r for a in raw.iterancestors() for r in raws)
    ]


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
    signed = children_at(check.signed, "saml:Issuer")
    if check.covers is Covers.RESPONSE:
        signed += children_at(check.signed, "saml:Assertion/saml:Issuer")
    found = [
        ProfileViolation(
            Breach.ISSUER_SIGNER,
            f"{check.parent} verifies only with {anchor.source}, not with a key of the entity "
            f"its signed Issuer names ({text(node).strip()!r}): a metadata key vouches only for "
            "its own entity",
            check.location,
        )
        for node in signed
        if text(node).strip() != entity
    ]
    for label, path in (("Response", "saml:Issuer"), ("Assertion", "saml:Assertion/saml:Issuer")):
        node = child_at(root, path)
        if found or node is None or text(node).strip() == entity:
            continue
        found.append(
            ProfileViolation(
                Breach.ISSUER_ENTITY,
                f"the {label} Issuer is {text(node).strip()!r}, but {check.parent} is signed "
                f"with a key of entity {entity!r} ({anchor.source}): the Response and the "
                "Assertion must name the same issuer",
                path_of(node),
            )
        )
    return replace(check, violations=check.violations + tuple(found)) if found else check


MAX_VERIFIED_SIGNATURES = 8
"""Signatures examined per document, in document order. A response AWS accepts has at most two;
each verification copies its parent, so 400 signatures on a Response took 27 s (quadratic) and
1e6 took 20 s and 1.4 GB. Signatures past this many are counted, never examined: they sign
nothing, and their count is an error of its own (SC-SIG-024), so the verdict never rests on an
unexamined signature."""


def _signatures(
    doc: XmlDocument, trust: Trust, decrypted: bool
) -> tuple[list[SignatureCheck], int]:
    """The checks of the first MAX_VERIFIED_SIGNATURES signatures, and how many were left."""
    checks: list[SignatureCheck] = []
    left = 0
    for signature in doc.root.iter(qname("ds", "Signature")):
        parent = signature.getparent()
        if parent is None:
            continue
        if len(checks) >= MAX_VERIFIED_SIGNATURES:
            left += 1
            continue
        anchors = _anchors_for(trust, _own_issuer(parent))
        check = check_signature(signature, doc.root, anchors)
        if decrypted:
            check = replace(check, decrypted=True)
        checks.append(check)
    return checks, left


def _signed_child_assertion(signed_response: etree._Element) -> etree._Element | None:
    assertions = children_at(signed_response, "saml:Assertion")
    return assertions[0] if len(assertions) == 1 else None


def analyse(
    doc: XmlDocument, trust: Trust, decrypted: XmlDocument | None = None
) -> SignatureAnalysis:
    """Verify every signature of a response and build the signed view.

    `decrypted` is the same response with its EncryptedAssertion replaced by the plaintext
    Assertion: the Response signature is verified on `doc` (it covers the ciphertext), the
    Assertion's own signature on `decrypted`.
    """
    checks, unexamined = _signatures(doc, trust, decrypted=False)
    working = doc
    if decrypted is not None:
        inner, unexamined = _signatures(decrypted, trust, decrypted=True)
        checks = [c for c in checks if c.covers is Covers.RESPONSE] + [
            c for c in inner if c.covers is not Covers.RESPONSE
        ]
        working = decrypted
    violations = tuple(document_violations(working.root))
    wrapped = violations or any(c.violations for c in checks)
    foreign = () if wrapped else provider_issuers(working.root, trust)
    if not foreign:  # a foreign Issuer with one-entity metadata is reported once, as `foreign`
        checks = [_bind_issuer(c, working.root) for c in checks]
    view = _view(checks, working.root, encrypted=decrypted is not None)
    cdata = may_hold_cdata(working)
    injected = [
        i for raw in _outermost(checks) or [working.root] for i in injected_text(raw, cdata)
    ]
    return SignatureAnalysis(
        status=Status.INVALID
        if unexamined
        else _status(checks, violations, view, trust, doc, decrypted is not None),
        signatures=tuple(checks),
        violations=violations,
        view=view,
        injected=tuple(_unique(injected)),
        unexamined=unexamined,
        foreign_issuers=foreign,
        provider_entity=trust.entity_ids[0] if len(trust.entity_ids) == 1 else None,
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
    response = next((c for c in checks if c.usable and c.covers is Covers.RESPONSE), None)
    assertion = next((c for c in checks if c.usable and c.covers is Covers.ASSERTION), None)
    signed_response = response.signed if response is not None else None
    if assertion is not None and assertion.signed is not None:
        return SignedView(signed_response, assertion.signed, assertion.raw, Via.ASSERTION_SIGNATURE)
    if signed_response is not None and response is not None:
        if encrypted:
            raw = child_at(root, "saml:Assertion")
            return SignedView(signed_response, raw_copy_signed(raw), raw, Via.CIPHERTEXT_ONLY)
        raw = child_at(response.raw, "saml:Assertion")
        child = _signed_child_assertion(signed_response)
        if child is not None and len(children_at(response.raw, "saml:Assertion")) == 1:
            return SignedView(signed_response, child, raw, Via.RESPONSE_SIGNATURE)
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
) -> Status:
    if not checks:
        sealed = child_at(doc.root, "saml:EncryptedAssertion") is not None and not was_decrypted
        return Status.UNVERIFIABLE if sealed else Status.UNSIGNED
    failed = [c for c in checks if not c.verified or c.violations]
    if (
        trust.empty
        and failed
        and all(c.outcome is Outcome.KEY_UNKNOWN and not c.violations for c in failed)
    ):
        return Status.UNVERIFIABLE if not violations else Status.INVALID
    if violations or failed:
        return Status.INVALID
    if view.assertion is None and view.response is None:
        return Status.INVALID
    if trust.empty or any(c.outcome is Outcome.SELF_VERIFIED for c in checks):
        return Status.UNVERIFIABLE
    return Status.VALID
