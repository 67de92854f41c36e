"""Signature rules: AWS rejects the signature (aws.ERRORS["signature-invalid"]) unless a trusted
key signed the claims.

Each finding is built from measured facts (stages.signature.SignatureAnalysis): the outcome of
each ds:Signature against each anchor, the recomputed digests, the KeyInfo certificate and the
SAML signature-profile checks. All errors here are in the `signature` stage.

Functions and the rules they emit:
    signature_findings              SC-SIG-001 SC-SIG-005 SC-SIG-010 SC-SIG-011 SC-SIG-012
                                    SC-SIG-013 SC-SIG-014 SC-SIG-015 SC-SIG-016 SC-SIG-017
                                    SC-SIG-018 SC-SIG-019 SC-SIG-021 SC-SIG-022 SC-SIG-024
    _untrusted                      SC-SIG-003
    _check_findings                 SC-SIG-002 SC-SIG-004 SC-SIG-006 SC-SIG-008
    _anchor_expiry                  SC-SIG-007
    _provider_issuer_findings       SC-SIG-023
    _limit_findings                 SC-SIG-025
    samlcheck._internal.checks.response._rotation    SC-SIG-020
(SC-SIG-010..015, 021 and 022 are profile violations, mapped by kind in _BY_KIND.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from samlcheck._internal import aws
from samlcheck._internal.aws import Evidence
from samlcheck._internal.findings import Finding, Rule, Severity, numbered_rule
from samlcheck._internal.stages.claims import Lookalike
from samlcheck._internal.stages.profile import MAX_LISTED, Breach, Covers, InjectedText
from samlcheck._internal.stages.signature import (
    Outcome,
    SignatureAnalysis,
    SignatureCheck,
    Status,
    Via,
)

if TYPE_CHECKING:
    from samlcheck._internal.trust.certs import CertFacts

_DOCUMENTED = aws.SEED + " (invalid signature: the IdP's metadata differs from the one in IAM)"
_ELSEWHERE = "; AWS documents the error only for a metadata mismatch"
_SECTION = aws.ERRORS["signature-invalid"].heading
_PROFILE = "SAML 2.0 core, section 5.4 (SAML and XML Signature syntax and processing)"
_WRAPPING = (
    "Somorovsky et al., 'On Breaking SAML: Be Whoever You Want to Be' (XML signature wrapping)"
)
_XMLDSIG = "W3C XML Signature Syntax and Processing 1.1, section 3.2 (core validation)"


def _rule(number: int, name: str, summary: str, fix: str, **fields: Any) -> Rule:
    """A signature rule; an error leads to the AWS error signature-invalid (a key of aws.ERRORS)."""
    fields.setdefault("source", _DOCUMENTED)
    return numbered_rule(
        "SC-SIG", number, "signature", "signature-invalid", name=name, summary=summary, fix=fix,
        **fields,
    )  # fmt: skip


UNSIGNED = _rule(
    1,
    "response-unsigned",
    "AWS requires the Response or the Assertion to be signed by the IdP.",
    "Turn on response or assertion signing in the IdP's AWS application.",
    source="SAML 2.0 profiles, section 4.1.3.5 (a POSTed assertion must be signed)" + _ELSEWHERE,
    evidence=Evidence.INFERRED,
)
DIGEST_CHANGED = _rule(
    2,
    "signed-content-changed",
    "The content a signature covers must be byte-for-byte what the IdP signed (its digest).",
    "Capture the SAMLResponse again without reformatting or editing it; if the IdP itself "
    "changes the XML after signing, fix that step.",
    source=_XMLDSIG + _ELSEWHERE,
    evidence=Evidence.INFERRED,
)
KEY_NOT_IN_ANCHORS = _rule(
    3,
    "signing-key-not-trusted",
    "The signature must verify with a signing certificate in the IAM provider's metadata.",
    "The IdP signs with a new certificate: download its current metadata and update the IAM "
    "provider (aws iam update-saml-provider --saml-provider-arn ARN --saml-metadata-document "
    "file://metadata.xml).",
    evidence=Evidence.DOCUMENTED,
    seed_section=_SECTION,
    url=aws.TROUBLESHOOT_SAML_URL,
)
MALFORMED_SIGNATURE = _rule(
    4,
    "signature-malformed",
    "A ds:Signature must be complete and use algorithms an XML-DSig verifier supports.",
    "Fix the IdP's signing configuration (RSA-SHA256, exclusive c14n, one Reference).",
    source=_XMLDSIG + _ELSEWHERE,
    evidence=Evidence.INFERRED,
)
UNVERIFIABLE = _rule(
    5,
    "signature-unverifiable",
    "Without the IAM provider's certificates samlcheck cannot say whether AWS trusts the "
    "signature.",
    "Pass the metadata uploaded to IAM with --metadata (or the certificate with --cert).",
    severity=Severity.WARNING,
    unjudged="the signature: no trust anchor was given (--metadata or --cert)",
    evidence=Evidence.DOCUMENTED,
    seed_section=_SECTION,
    url=aws.TROUBLESHOOT_SAML_URL,
)
SHA1 = _rule(
    6,
    "signature-sha1",
    "SHA-1 signatures and digests still verify at AWS but are deprecated and forgeable in "
    "principle.",
    "Switch the IdP to RSA-SHA256 with SHA-256 digests.",
    severity=Severity.WARNING,
    source="NIST SP 800-131A (SHA-1 disallowed for new signatures); AWS does not document "
    "that it still accepts SHA-1",
    evidence=Evidence.INFERRED,
)
ANCHOR_EXPIRED = _rule(
    7,
    "anchor-certificate-expired",
    "IAM ignores the expiry of metadata certificates: an expired signing certificate still "
    "verifies.",
    "Nothing breaks today; plan the certificate rotation (IdP and IAM metadata together).",
    severity=Severity.INFO,
    source=aws.SEED + " (Could not parse metadata: IAM does not act on certificate expiry)",
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["metadata-unparseable"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
UNTRUSTED_KEY_TYPE = _rule(
    8,
    "signature-key-untrusted",
    "Only signatures by an X.509 signing key of the IdP are trusted: HMAC or a bare KeyValue "
    "proves nothing.",
    "Sign with the IdP's RSA key and certificate.",
    source="W3C XML Signature 1.1 (KeyInfo is only a hint; an HMAC key is a shared secret)"
    + _ELSEWHERE,
    evidence=Evidence.INFERRED,
)
WRONG_PARENT = _rule(
    10,
    "signature-misplaced",
    "Each Signature must sit on the Response or on an Assertion directly inside it.",
    "A genuine IdP never does this: treat the response as a signature-wrapping attempt.",
    source=_PROFILE + "; " + _WRAPPING + _ELSEWHERE,
    evidence=Evidence.INFERRED,
)
REFERENCE_COUNT = _rule(
    11,
    "signature-reference-count",
    "A SAML signature has exactly one Reference (one Signature per element).",
    "Sign each element with one Signature holding one Reference.",
    source=_PROFILE + _ELSEWHERE,
    evidence=Evidence.INFERRED,
)
REFERENCE_URI = _rule(
    12,
    "signature-reference-uri",
    "The Reference URI must be '#' + the ID of the signature's parent (empty only on the root).",
    "A genuine IdP never does this: treat the response as a signature-wrapping attempt.",
    source=_PROFILE + "; " + _WRAPPING + _ELSEWHERE,
    evidence=Evidence.INFERRED,
)
TRANSFORMS = _rule(
    13,
    "signature-transforms",
    "Only the enveloped-signature and exclusive c14n transforms are allowed.",
    "Configure the IdP to sign with the enveloped-signature and exclusive c14n transforms only.",
    source=_PROFILE + _ELSEWHERE,
    evidence=Evidence.INFERRED,
)
DUPLICATE_ID = _rule(
    14,
    "duplicate-id",
    "No ID value may occur twice in a response (a duplicate ID hides which element is signed).",
    "A genuine IdP never does this: treat the response as a signature-wrapping attempt.",
    source=_WRAPPING + _ELSEWHERE,
    evidence=Evidence.INFERRED,
)
ASSERTION_COUNT = _rule(
    15,
    "assertion-count",
    "A response holds exactly one Assertion or EncryptedAssertion, wherever it is (Extensions, "
    "StatusDetail, Advice and ds:Object included).",
    "Send exactly one assertion; extra ones are a signature-wrapping attempt.",
    source=_WRAPPING + _ELSEWHERE,
    evidence=Evidence.INFERRED,
)
UNSIGNED_LOOKALIKE = _rule(
    16,
    "unsigned-content-ignored",
    "Claim-like content outside what the signature covers is ignored; its presence is suspicious.",
    "Find out who added unsigned content to the response; only the signed Assertion counts.",
    severity=Severity.WARNING,
    source=_WRAPPING,
    evidence=Evidence.DOCUMENTED,
)
COMMENT_INJECTION = _rule(
    17,
    "comment-injection",
    "A signed text value split by a comment or CDATA section reads differently in naive "
    "parsers (CVE-2017-11427 family); samlcheck reads the full text.",
    "Find out who put markup inside the value; an IdP does not emit comments in claims.",
    severity=Severity.WARNING,
    source="CERT VU#475445 (SAML comment injection)",
    evidence=Evidence.DOCUMENTED,
)
CIPHERTEXT_ONLY = _rule(
    18,
    "response-signature-covers-ciphertext",
    "A Response signature covers an EncryptedAssertion only as ciphertext; the decrypted "
    "Assertion is trusted through the key that decrypts it (inferred; AWS does not document it).",
    "Sign the Assertion as well (sign, then encrypt) for end-to-end integrity.",
    severity=Severity.INFO,
    source="SAML 2.0 core, section 6 (encryption); AWS does not document how it trusts a "
    "decrypted Assertion",
    evidence=Evidence.INFERRED,
)
ASSERTION_COVERED = _rule(
    19,
    "signature-coverage",
    "Which elements the valid signatures cover.",
    "Nothing to fix.",
    severity=Severity.INFO,
    source=_PROFILE,
    evidence=Evidence.DOCUMENTED,
)
ROTATED = _rule(
    20,
    "signing-certificate-rotated",
    "Compares the key that signed with the IdP's current metadata (--idp-metadata).",
    "Upload the IdP's current metadata to the IAM provider: aws iam update-saml-provider "
    "--saml-provider-arn ARN --saml-metadata-document file://metadata.xml.",
    severity=Severity.INFO,
    evidence=Evidence.DOCUMENTED,
    seed_section=_SECTION,
    url=aws.TROUBLESHOOT_SAML_URL,
)
SIGNER_NOT_ISSUER = _rule(
    21,
    "signer-not-issuer",
    "A signature counts only when its key belongs to the metadata entity named by the Issuer "
    "inside the element it signs.",
    "A genuine IdP never does this: treat the response as an attempt to sign for another IdP "
    "(or give the metadata of the IdP that issues this response).",
    # signature-invalid, not issuer-not-in-provider: the Issuer names an entity the metadata knows,
    # and to the provider holding that entity's metadata the signature is by a key it does not
    # hold. Inferred: AWS does not document how it binds the key to the Issuer.
    source=_PROFILE + "; " + _WRAPPING + _ELSEWHERE,
    evidence=Evidence.INFERRED,
)
ISSUERS_DIFFER = Rule(
    id="SC-SIG-022",
    name="issuers-differ",
    severity=Severity.ERROR,
    summary="Once a metadata entity's key has verified a signature, the Response Issuer (when "
    "present) and the Assertion Issuer must both name that entity.",
    fix="Make the IdP use one entity ID for the Response and the Assertion Issuer.",
    # issuer-not-in-provider: an IAM provider holds one entity ID, so of two Issuers naming
    # different entities one is not the provider's. Inferred: AWS documents only the error.
    aws_error="issuer-not-in-provider",
    stage="issuer",
    source="SAML 2.0 profiles, section 4.1.4.2 (the Response and Assertion Issuer); AWS does not "
    "document comparing the two",
    evidence=Evidence.INFERRED,
)

PROVIDER_ISSUER = Rule(
    id="SC-SIG-023",
    name="issuer-not-provider-idp",
    severity=Severity.ERROR,
    summary="With one IdP entity in the metadata (an IAM provider holds exactly one), the "
    "Response and Assertion Issuer must be its entityID before any key is used.",
    fix="Make the IdP's Issuer equal the metadata entityID, or upload the metadata of the IdP "
    "that issues this response.",
    aws_error="issuer-not-in-provider",
    # Stage `signature`, reported first: AWS looks the provider up, compares the Issuer with its
    # one entityID, then uses its keys, so this error comes before any signature error. The order
    # is inferred (AWS documents only the error message); see signature.provider_issuers.
    stage="signature",
    source=aws.SEED + "; the order (provider looked up, Issuer compared, keys used) is not "
    "documented",
    evidence=Evidence.INFERRED,
    seed_section=aws.ERRORS["issuer-not-in-provider"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)

TOO_MANY_SIGNATURES = _rule(
    24,
    "too-many-signatures",
    "A response carries at most a few ds:Signature elements (one on the Response, one on the "
    "Assertion); samlcheck examines the first 8 and rejects the rest unexamined.",
    "A genuine IdP never does this: find out what added signatures to the response.",
    source=_PROFILE + "; " + _WRAPPING + "; AWS does not document rejecting it",
    evidence=Evidence.INFERRED,
)
LIMIT_REACHED = _rule(
    25,
    "examination-limit",
    "samlcheck bounds its work on hostile input: past a limit, KeyInfo certificates, anchors "
    "and look-alike assertions are counted, not examined; a limit never makes a signature valid.",
    "A genuine IdP stays far below these limits: find out what added so many elements; give "
    "only the metadata of the IdP that signs (--metadata) so that its keys are tried.",
    severity=Severity.WARNING,
    source="samlcheck's own bounds (issue 9); what AWS does past them is unknown",
    evidence=Evidence.INFERRED,
)

_BY_KIND = {
    Breach.ISSUER_SIGNER: SIGNER_NOT_ISSUER,
    Breach.ISSUER_ENTITY: ISSUERS_DIFFER,
    Breach.PARENT: WRONG_PARENT,
    Breach.REFERENCES: REFERENCE_COUNT,
    Breach.REFERENCE_URI: REFERENCE_URI,
    Breach.TRANSFORMS: TRANSFORMS,
    Breach.DUPLICATE_ID: DUPLICATE_ID,
    Breach.ASSERTION_COUNT: ASSERTION_COUNT,
    Breach.PROVIDER_ISSUER: PROVIDER_ISSUER,
}


def _cert_line(label: str, f: CertFacts) -> str:
    return (
        f"{label}: {f.subject}, SHA-256 {f.sha256}, valid {f.not_before:%Y-%m-%d} to "
        f"{f.not_after:%Y-%m-%d}"
    )


def _short(f: CertFacts) -> str:
    """Subject, end of validity and the start of the fingerprint: enough to tell two apart."""
    return f"{f.subject}, valid to {f.not_after:%Y-%m-%d}, SHA-256 {f.sha256[:11]}…"


def _held(check: SignatureCheck) -> str:
    """'the metadata uploaded to IAM' or, with a bare --cert anchor, 'the certificates given'."""
    if check.anchors_tried and all(a.entity_id for a in check.anchors_tried):
        return "the metadata uploaded to IAM"
    return "the trusted certificates given (--metadata, --cert)"


def _untrusted(check: SignatureCheck, parents: tuple[str, ...], *_: object) -> Finding:
    """SC-SIG-003: one plain sentence, then both sides in short form; full lines in `detail`."""
    carried = [k.facts for k in check.key_info if k.facts is not None]
    where = " and ".join(parents)
    if carried and check.carried_key_signed:
        lead = (
            f"the response was signed with a certificate that is not in {_held(check)} "
            f"({where}); signed with: {_short(carried[0])}"
        )
    else:
        lead = f"no certificate in {_held(check)} verifies {_on(parents)} ({check.detail})"
    anchors = check.anchors_tried
    shown = "; ".join(_short(a.facts) for a in anchors[:3])
    more = len(anchors) - 3 + check.anchors_untried
    held = f"; {_held(check)} holds: {shown}" if anchors else ""
    if more > 0:
        held += f" and {more} more"
    return KEY_NOT_IN_ANCHORS.finding(
        lead + held, check.location, detail="\n".join(_keyinfo_lines(check))
    )


def _carried_lines(check: SignatureCheck) -> list[str]:
    """The certificates the signature carries in KeyInfo."""
    lines = []
    for k in check.key_info:
        if k.facts is not None:
            lines.append(_cert_line("signed with", k.facts))
        elif k.problem:
            lines.append(f"KeyInfo certificate: {k.problem}")
    return lines or ["the signature carries no certificate in KeyInfo"]


def _keyinfo_lines(check: SignatureCheck) -> list[str]:
    """The carried certificates, then each anchor tried, for comparison."""
    anchors = [_cert_line(f"anchor {a.source}", a.facts) for a in check.anchors_tried]
    untried = [f"{check.anchors_untried} more anchors not tried"] if check.anchors_untried else []
    return _carried_lines(check) + anchors + untried


_REINDENT_FIX = (
    "Use the SAMLResponse exactly as the IdP posted it: copy the base64 form value, not a "
    "reformatted XML view."
)


def _digest_message(
    check: SignatureCheck, parents: tuple[str, ...], diagnose: bool = True
) -> tuple[str, str | None]:
    """Which signed element changed; with `diagnose` off (a capped or wrapped input, whose own
    findings say why) the digests are not recomputed and the signed elements are named."""
    bad = [d for d in check.digests if not d.matches] if diagnose else []
    where = ", ".join(d.target or d.uri for d in bad) or " and ".join(parents)
    message = (
        f"{_on(parents)} verifies with the IdP's key, but the digest of "
        f"{where} no longer matches: the content was changed after signing"
    )
    fix = None
    if check.reindented or any(d.pretty_printed for d in bad):
        message += (
            "; the digest matches again once indentation is removed, so the response was "
            "pretty-printed (re-indented) after signing"
        )
        fix = _REINDENT_FIX
    return message, fix


def signature_findings(
    analysis: SignatureAnalysis, at: dt.datetime, lookalikes: tuple[Lookalike, ...] = ()
) -> list[Finding]:
    """Every signature finding for one response."""
    findings = _provider_issuer_findings(analysis)
    if analysis.status is Status.UNSIGNED:
        findings.append(
            UNSIGNED.finding(
                "the response has no ds:Signature on the Response nor on the Assertion",
                "/Response",
            )
        )
    if analysis.unexamined:
        from samlcheck._internal.stages.signature import MAX_VERIFIED_SIGNATURES

        findings.append(
            TOO_MANY_SIGNATURES.finding(
                f"the response carries {MAX_VERIFIED_SIGNATURES + analysis.unexamined} "
                f"ds:Signature elements; samlcheck examined the first "
                f"{MAX_VERIFIED_SIGNATURES} and rejects the {analysis.unexamined} others "
                "unexamined",
                "/Response",
            )
        )
    for check, parents in _merged(analysis.signatures):
        scope = _scope(check, analysis.signatures)
        diagnose = not analysis.unexamined and not analysis.violations  # wrapping says why
        findings.extend(_check_findings(check, parents, scope, diagnose))
        expiry = _anchor_expiry(check, at)
        if expiry is not None:
            findings.append(expiry)
    findings.extend(_BY_KIND[v.kind].finding(v.message, v.location) for v in analysis.violations)
    findings.extend(_coverage_findings(analysis))
    findings.extend(_injection_finding(item) for item in analysis.injected)
    findings.extend(
        _lookalike_finding(lookalike, index) for index, lookalike in enumerate(lookalikes, 1)
    )
    return findings


def _coverage_findings(analysis: SignatureAnalysis) -> list[Finding]:
    """What covers the claims: nothing judged (no anchor), ciphertext only, or which signature."""
    findings: list[Finding] = []
    if analysis.status is Status.UNVERIFIABLE and analysis.signatures:
        # without any signature outside an undecrypted assertion, SC-ENC-001 says why
        carried = [line for c in analysis.signatures for line in _carried_lines(c)]
        findings.append(
            UNVERIFIABLE.finding(
                "no trust anchor was given, so the signature cannot be judged; "
                + "; ".join(dict.fromkeys(carried)),
                "/Response",
            )
        )
    via = analysis.view.assertion_via
    if via is Via.CIPHERTEXT_ONLY:
        findings.append(
            CIPHERTEXT_ONLY.finding(
                "the Assertion has no signature of its own; the Response signature covers only "
                "the EncryptedAssertion's ciphertext",
                "/Response/EncryptedAssertion",
            )
        )
    judged = analysis.status in (Status.VALID, Status.UNVERIFIABLE)
    if judged and via is not None and analysis.view.assertion is not None:
        paths = analysis.signed_paths
        findings.append(
            ASSERTION_COVERED.finding(
                f"claims are read from the Assertion covered by the {via.value}"
                f" (signed: {', '.join(paths)})",
                paths[0] if paths else "",
            )
        )
    return findings


def _injection_finding(item: InjectedText) -> Finding:
    markup = "a comment" if item.kind == "comment" else "a CDATA section"
    return COMMENT_INJECTION.finding(
        f"the {item.name} contains {markup} inside its text: the full value is "
        f"{item.full!r}; a parser that stops at {markup} reads {item.first!r}",
        item.location,
    )


def _lookalike_finding(lookalike: Lookalike, index: int) -> Finding:
    """SC-SIG-016 for the `index`th (from 1) unsigned look-alike assertion."""
    shown = "; ".join(f"{k}={v!r}" for k, v in lookalike.values[:MAX_LISTED])
    more = len(lookalike.values) - MAX_LISTED
    shown += f"; and {more} more values" if more > 0 else ""
    last = (
        f"; samlcheck lists the first {MAX_LISTED} such assertions (SC-SIG-015 counts them)"
        if index == MAX_LISTED
        else ""
    )
    return UNSIGNED_LOOKALIKE.finding(
        f"{lookalike.location} is not covered by a valid signature and was ignored "
        f"(it says: {shown}){last}",
        lookalike.location,
    )


def _provider_issuer_findings(analysis: SignatureAnalysis) -> list[Finding]:
    """A foreign Issuer with one-entity metadata, each finding saying what the signature does."""
    if not analysis.foreign_issuers:
        return []
    usable = [c for c in analysis.signatures if c.usable and c.anchor is not None]
    if analysis.status is Status.VALID and usable:
        anchor = usable[0].anchor
        assert anchor is not None
        result = (
            f"the signature itself is valid: it verifies with that IdP's key ({anchor.source}), "
            "so only the Issuer is wrong"
        )
    elif analysis.status is Status.UNSIGNED:
        result = "the response is not signed either"
    else:
        result = "the signature does not verify with that IdP's keys either (see below)"
    said = " and ".join(v.message for v in analysis.foreign_issuers)
    return [
        PROVIDER_ISSUER.finding(
            f"{said}, but the IAM provider's metadata holds one IdP, "
            f"{analysis.provider_entity!r}, and AWS compares the Issuer before it uses the "
            f"IdP's keys; {result}",
            analysis.foreign_issuers[0].location,
        )
    ]


def _on(parents: tuple[str, ...], what: str = "signature") -> str:
    """'the signature on /Response', or the plural for merged signatures."""
    plural = "s" if len(parents) > 1 else ""
    return f"the {what}{plural} on {' and '.join(parents)}"


def _merged(
    checks: tuple[SignatureCheck, ...],
) -> list[tuple[SignatureCheck, tuple[str, ...]]]:
    """Signatures that fail the same way (same outcome, same KeyInfo, no profile violation) are
    reported once, with every element they sign: (first check, parents)."""
    groups: dict[tuple[object, ...], list[SignatureCheck]] = {}
    alone: list[SignatureCheck] = []
    for check in checks:
        if check.violations or check.verified:
            alone.append(check)
            continue
        prints = tuple(k.facts.sha256 if k.facts else k.problem for k in check.key_info)
        key = (check.outcome, check.reindented, prints, check.detail, check.decrypted)
        groups.setdefault(key, []).append(check)
    return [(check, (check.parent,)) for check in alone] + [
        (group[0], tuple(c.parent for c in group)) for group in groups.values()
    ]


def _scope(check: SignatureCheck, checks: tuple[SignatureCheck, ...]) -> str:
    """Where a digest change must be, from which of the two signatures still verify."""
    if check.outcome is not Outcome.DIGEST_MISMATCH or check.covers is not Covers.RESPONSE:
        return ""
    inner = [c for c in checks if c.covers is Covers.ASSERTION and not c.decrypted]
    if any(c.verified for c in inner):
        return (
            "; the Assertion's own signature still verifies, so the change is in the Response "
            "outside the Assertion"
        )
    if any(c.outcome is Outcome.DIGEST_MISMATCH for c in inner):
        return "; the Assertion's signature fails too, so the change is inside the Assertion"
    return ""


def _limit_findings(check: SignatureCheck, parents: tuple[str, ...]) -> list[Finding]:
    from samlcheck._internal.stages.signature import MAX_ANCHORS_TRIED
    from samlcheck._internal.trust.certs import MAX_KEYINFO_CERTS

    found = []
    if check.key_info_unread:
        found.append(
            LIMIT_REACHED.finding(
                f"{_on(parents)} carries {len(check.key_info) + check.key_info_unread} KeyInfo "
                f"certificates; samlcheck read the first {MAX_KEYINFO_CERTS} (KeyInfo only "
                "names the key: the verdict rests on the trusted certificates)",
                check.location,
            )
        )
    if check.anchors_untried and not check.verified:
        total = len(check.anchors_tried) + check.anchors_untried
        found.append(
            LIMIT_REACHED.finding(
                f"{_on(parents)} was tried against {MAX_ANCHORS_TRIED} of the {total} trusted "
                f"certificates (those KeyInfo names and the Issuer's entity's first); the "
                f"{check.anchors_untried} others were not tried, so a signature by one of them "
                "is reported as not trusted",
                check.location,
            )
        )
    return found


def _digest_changed(
    check: SignatureCheck, parents: tuple[str, ...], scope: str, diagnose: bool
) -> Finding:
    message, fix = _digest_message(check, parents, diagnose)
    return DIGEST_CHANGED.finding(message + scope, check.location, fix=fix)


def _altered(check: SignatureCheck, parents: tuple[str, ...], *_: object) -> Finding:
    if check.reindented:
        return DIGEST_CHANGED.finding(
            f"{_on(parents)}: no match as captured, but a match once the "
            "indentation is removed: the response was pretty-printed (re-indented) after "
            "signing, which changes both SignedInfo and the signed content",
            check.location,
            fix=_REINDENT_FIX,
        )
    return DIGEST_CHANGED.finding(
        f"{_on(parents, 'signature value')}: no match ({check.detail}). "
        + "; ".join(_carried_lines(check)[:1]),
        check.location,
        detail="\n".join(_keyinfo_lines(check)),
    )


def _malformed(check: SignatureCheck, parents: tuple[str, ...], *_: object) -> Finding:
    return MALFORMED_SIGNATURE.finding(
        f"{_on(parents)} cannot be verified: {check.detail}", check.location
    )


def _hmac(check: SignatureCheck, *_: object) -> Finding:
    return UNTRUSTED_KEY_TYPE.finding(check.detail, check.location)


def _key_unknown(check: SignatureCheck, *_: object) -> Finding | None:
    """Without anchors or KeyInfo certificate: a bare KeyValue is reported (else SC-SIG-005)."""
    if not check.key_value_only:
        return None
    return UNTRUSTED_KEY_TYPE.finding(
        "the signature carries only a KeyValue (a bare public key), which proves "
        "nothing without the IdP's certificate",
        check.location,
    )


def _none(*_: object) -> None:
    return None


_OutcomeFinding = Callable[[SignatureCheck, tuple[str, ...], str, bool], Finding | None]
_BY_OUTCOME: dict[Outcome, _OutcomeFinding] = {
    Outcome.VALID: _none,
    Outcome.SELF_VERIFIED: _none,  # the status is unverifiable: SC-SIG-005
    Outcome.DIGEST_MISMATCH: _digest_changed,
    Outcome.KEY_NOT_TRUSTED: _untrusted,
    Outcome.ALTERED: _altered,
    Outcome.MALFORMED: _malformed,
    Outcome.UNTRUSTED_METHOD: _hmac,
    Outcome.KEY_UNKNOWN: _key_unknown,
}
"""The finding for each verification outcome: (check, parents, scope, diagnose) -> finding."""


def _check_findings(
    check: SignatureCheck,
    parents: tuple[str, ...],
    scope: str = "",
    diagnose: bool = True,
) -> list[Finding]:
    found = [_BY_KIND[v.kind].finding(v.message, v.location) for v in check.violations]
    outcome = _BY_OUTCOME[check.outcome](check, parents, scope, diagnose)
    if outcome is not None:
        found.append(outcome)
    found.extend(_limit_findings(check, parents))
    if check.verified and check.sha1:
        found.append(
            SHA1.finding(
                f"{_on(parents)} uses SHA-1 ({check.signature_method}; "
                f"digests {', '.join(check.digest_methods)})",
                check.location,
            )
        )
    return found


def _anchor_expiry(check: SignatureCheck, at: dt.datetime) -> Finding | None:
    """SC-SIG-007: the anchor that verified (or whose key it is) is out of its validity."""
    if check.outcome is Outcome.SELF_VERIFIED or check.anchor is None:
        return None
    facts = check.anchor.facts
    if not (facts.expired_at(at) or facts.not_yet_valid_at(at)):
        return None
    state = "expired on" if facts.expired_at(at) else "is not valid before"
    when = facts.not_after if facts.expired_at(at) else facts.not_before
    effect = (
        "so the signature still verifies"
        if check.verified
        else "so expiry is not why this signature fails"
    )
    return ANCHOR_EXPIRED.finding(
        f"the anchor certificate {facts.subject} ({check.anchor.source}) {state} "
        f"{when:%Y-%m-%d}; IAM does not act on metadata certificate expiry, {effect}",
        check.location,
    )
