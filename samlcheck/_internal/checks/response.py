"""The `check` pipeline for one SAMLResponse: parse, decrypt, verify, read claims, apply rules.

    parse -> decrypt (EncryptedAssertion, with --sp-key) -> signature analysis and signed view
          -> claims (signed view only) -> rules -> Result (verdict: first error in AWS order)

Claims shown in the Result come from the signed view only. When no valid signature covers the
assertion, the rules still run over the unverified content (so every problem is listed), and
what it says is reported apart, as unverified claims; so is an unsigned look-alike assertion
beside the signed one (a wrapping attack's copy).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from lxml import etree

from samlcheck._internal import aws
from samlcheck._internal.evaluation import PolicyEvaluation
from samlcheck._internal.findings import Finding
from samlcheck._internal.inputs.capture import Message
from samlcheck._internal.inputs.files import Source
from samlcheck._internal.inputs.xml import (
    MAX_XML_BYTES,
    NS,
    XmlDocument,
    XmlRefused,
    child_at,
    local_name,
    parse,
    path_of,
    qname,
)
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.report import CheckTime, Claims, Result
from samlcheck._internal.rules import attributes, encryption, input, response, signature
from samlcheck._internal.stages.claims import (
    AssertionFacts,
    ClaimSet,
    Lookalike,
    lookalikes,
    read_assertion,
    read_claims,
    role_pairs,
    to_report,
)
from samlcheck._internal.stages.signature import (
    Outcome,
    SignatureAnalysis,
    SignatureCheck,
    analyse,
    check_signature,
)
from samlcheck._internal.trust.anchors import Anchor, Trust, load_trust

KIND = "response"


@dataclasses.dataclass(frozen=True)
class _Context:
    """What the steps of one check read besides the response: its options, the trust anchors
    they name, and the check instant, taken once so that every rule judges the same instant."""

    options: CheckOptions
    trust: Trust
    when: CheckTime

    @property
    def at(self) -> dt.datetime:
        """The instant every rule of this check judges."""
        return self.when.at


def check_response(message: Message, options: CheckOptions) -> Result:
    """Every finding about one SAMLResponse, judged against the trust anchors `options` names."""
    return check_loaded(message, options, _trust(options.metadata, options.certs))


_TrustKey = tuple[tuple[tuple[str, bytes], ...], ...]
_last_trust: tuple[_TrustKey, Trust] | None = None
"""The trust `check_response` loaded last, by the names and bytes of the files it came from."""


def _trust(metadata: tuple[Source, ...], certs: tuple[Source, ...]) -> Trust:
    """`load_trust`, reused while the same files hold the same bytes: reading them costs a few
    microseconds, parsing and describing them a few hundred, for each message."""
    from samlcheck._internal.errors import InputError
    from samlcheck._internal.inputs.files import read_file

    global _last_trust
    try:
        key = tuple(
            tuple((str(s), read_file(s, what, MAX_XML_BYTES)) for s in sources)
            for sources, what in ((metadata, "metadata"), (certs, "certificate"))
        )
    except InputError:  # load_trust says which input and why, in its own order
        return load_trust(metadata, certs)
    last = _last_trust
    if last is not None and last[0] == key:
        return last[1]
    trust = load_trust(metadata, certs)
    _last_trust = (key, trust)
    return trust


def check_loaded(
    message: Message, options: CheckOptions, trust: Trust, current: Trust | None = None
) -> Result:
    """`check_response` with the files of `options` already read (`api.Checker` reads them once
    for many messages): `trust` from its metadata and certs, `current` from its idp_metadata
    (read when first needed if None)."""
    from samlcheck._internal.clock import check_time

    try:
        doc = parse(message.data)
    except XmlRefused as error:
        when = check_time(options, message, None)
        return Result(message.source, KIND, (input.refused(error),), checked_at=when)
    context = _Context(options, trust, check_time(options, message, doc.root))
    shape = _shape(doc)
    findings: list[Finding] = input.size_findings(message.data) + response.shape_findings(shape)
    if not shape.is_response:
        return Result(message.source, KIND, tuple(findings), checked_at=context.when)

    decrypted: XmlDocument | None = None
    if shape.encrypted:  # with no --sp-key, decrypt() reports that the claims cannot be read
        from samlcheck._internal.stages.decrypt import decrypt

        decryption = decrypt(doc, options.sp_keys)
        findings.extend(encryption.decryption_findings(decryption))
        decrypted = decryption.document
        shape = dataclasses.replace(shape, decrypted=decrypted is not None)

    analysis = analyse(doc, trust, decrypted)
    root = (decrypted or doc).root
    claims = read_claims(root, analysis.view)
    findings.extend(response.status_findings(claims))
    findings.extend(response.assertion_findings(claims, shape))
    ignored = lookalikes(root, analysis.view)
    findings.extend(signature.signature_findings(analysis, context.at, ignored))
    findings.extend(_rotation(analysis, claims, context, current))
    findings.extend(_claim_findings(claims, analysis, context))
    findings.extend(_encryption_mode(claims, shape, options))
    policy_findings, evaluations = _policy(claims, options)
    findings.extend(policy_findings)
    return Result(
        source=message.source,
        kind=KIND,
        findings=tuple(findings),
        signature=analysis.summary,
        claims=to_report(claims.assertion) if claims.signed else None,
        unverified_claims=_unverified(claims, root, ignored),
        summary=_summary(claims, analysis, context),
        policy=evaluations,
        checked_at=context.when,
    )


def _policy(
    claims: ClaimSet, options: CheckOptions
) -> tuple[list[Finding], tuple[PolicyEvaluation, ...]]:
    """The role's trust policy (issue 11): only when --role or --trust-policy is given."""
    if not (options.roles or options.trust_policy):
        return [], ()
    from samlcheck._internal.checks.role import policy_check

    return policy_check(claims, options)


def _shape(doc: XmlDocument) -> response.Shape:
    root = doc.root
    return response.Shape(
        is_response=root.tag == qname("samlp", "Response"),
        root_name=local_name(root),
        namespace=etree.QName(root).namespace,
        has_id=bool(root.get("ID")),
        version=root.get("Version"),
        encrypted=child_at(root, "saml:EncryptedAssertion") is not None,
        decrypted=False,
    )


def _unverified(
    claims: ClaimSet, root: etree._Element, ignored: tuple[Lookalike, ...]
) -> Claims | None:
    """What no valid signature vouches for: the assertion itself when nothing signed covers it,
    else the first SAML Assertion outside the signed view (a wrapping attack's copy)."""
    if not claims.signed:
        return to_report(claims.assertion) if claims.assertion is not None else None
    where = {lookalike.location for lookalike in ignored}
    for node in root.iter(qname("saml", "Assertion")):
        if path_of(node) in where:
            return to_report(read_assertion(node))
    return None


def _claim_findings(
    claims: ClaimSet, analysis: SignatureAnalysis, context: _Context
) -> list[Finding]:
    options = context.options
    said = {issuer.location for issuer in analysis.foreign_issuers}  # SC-SIG-023 says them
    found = response.issuer_findings(claims, context.trust.entity_ids, said)
    assertion = claims.assertion
    if assertion is None:
        return found + attributes.duration_findings(
            None, options.duration_seconds, options.max_session_duration
        )
    found += response.audience_findings(assertion)
    found += response.time_findings(claims, context.at)
    found += response.subject_findings(assertion)
    found += attributes.name_findings(assertion)
    found += attributes.role_findings(assertion, options.role_arn, options.provider_arn)
    found += _listed_providers(assertion, options)
    found += attributes.session_name_findings(assertion)
    found += attributes.source_identity_findings(assertion)
    found += attributes.tag_findings(assertion)
    found += attributes.duration_findings(
        assertion, options.duration_seconds, options.max_session_duration
    )
    return found


def _listed_providers(assertion: AssertionFacts, options: CheckOptions) -> list[Finding]:
    """With list-saml-providers (--providers): does the account hold each pair's provider?"""
    from samlcheck._internal.rules.policy import listed_provider_findings

    values = assertion.values(aws.ROLE_ATTRIBUTE)
    if options.providers_listed is None or not values:
        return []
    pairs = [(p.role_arn, p.provider_arn) for p in role_pairs(values)]
    return listed_provider_findings(
        pairs, options.role_arn, options.providers_listed, values[0].location
    )


def _encryption_mode(
    claims: ClaimSet, shape: response.Shape, options: CheckOptions
) -> list[Finding]:
    """IAM's assertion encryption mode and key list rules (rules.encryption, issues 5 and 11)."""
    keys = encryption.check_key_list(shape.encrypted, options.provider_keys)
    if options.encryption_mode is None:
        return keys
    recipient = None
    if claims.assertion is not None:
        recipients = [c.recipient for c in claims.assertion.confirmations if c.recipient]
        recipient = recipients[0] if recipients else None
    return keys + encryption.check_mode(shape.encrypted, recipient, options.encryption_mode)


def _rotation(
    analysis: SignatureAnalysis, claims: ClaimSet, context: _Context, current: Trust | None
) -> list[Finding]:
    """With --idp-metadata: does the IdP's current metadata hold the key that signed?

    The evidence is a re-verification against the current metadata's certificates; what changed
    between the two metadata versions comes from the same comparison as `samlcheck metadata diff`.
    """
    untrusted = [c for c in analysis.signatures if c.outcome is Outcome.KEY_NOT_TRUSTED]
    if not untrusted or not context.options.idp_metadata:
        return []
    current = current or load_trust(context.options.idp_metadata, ())
    issuer = claims.response.issuer  # unverified: used only to pick the entity to compare
    changes = _metadata_changes(context.trust, current, issuer.value if issuer else "")
    held: dict[str, tuple[Anchor, list[SignatureCheck]]] = {}  # per signing certificate
    unknown: list[SignatureCheck] = []
    for check in untrusted:
        element = check.raw.find("ds:Signature", NS)
        if element is None:
            continue
        root = check.raw.getroottree().getroot()
        again = check_signature(element, root, current.anchors)
        if again.anchor is not None and again.verified:
            held.setdefault(again.anchor.facts.sha256, (again.anchor, []))[1].append(check)
        else:
            unknown.append(check)
    found = [
        signature.ROTATED.finding(
            f"the IdP's current metadata ({anchor.source}) holds the certificate that signed "
            f"{_parents(checks)} ({anchor.facts.subject}, SHA-256 {anchor.facts.sha256}): the "
            f"IAM provider still has the old metadata{changes}",
            checks[0].location,
        )
        for anchor, checks in held.values()
    ]
    if unknown:
        found.append(
            signature.ROTATED.finding(
                f"the IdP's current metadata does not hold the key that signed "
                f"{_parents(unknown)} either: the response was signed by another IdP or another "
                f"key{changes}",
                unknown[0].location,
                fix="Find out which system signed this response; it is not the IdP whose "
                "metadata you gave.",
            )
        )
    return found


def _parents(checks: list[SignatureCheck]) -> str:
    return " and ".join(c.parent for c in checks)


def _metadata_changes(held: Trust, current: Trust, issuer: str) -> str:
    """'; compared with ...: adds X, drops Y' for the issuer's entity, or '' when unknown."""
    from samlcheck._internal.trust.certs import name_facts
    from samlcheck._internal.trust.metadata import diff, select

    old = select(held.entities, issuer) or (held.entities[0] if held.entities else None)
    new = select(current.entities, issuer) or (current.entities[0] if current.entities else None)
    if old is None or new is None:
        return ""
    change = diff(old, new)
    parts = [f"adds {name_facts(f)}" for f in change.added]
    parts += [f"drops {name_facts(f)}" for f in change.removed]
    if change.entity_id_changed:
        parts.append(f"changes the entityID to {change.new_entity_id!r}")
    if not parts:
        return "; its signing certificates are the same as those of the metadata IAM holds"
    return "; compared with the metadata IAM holds, the current one " + ", ".join(parts)


SUMMARY_ANCHORS = 3
"""Anchors named in the summary when none verified a signature (1,000 entities made 133 KB)."""


_TIME_SOURCES = {
    "capture": "--at capture: when the entry that carried it started",
    "issued": "--at issued: its IssueInstant + 1 s",
}


def describe_time(when: CheckTime) -> str:
    """'2026-01-15T12:00:01Z', with where it came from unless it is --at's instant or now."""
    text = when.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    origin = when.note or _TIME_SOURCES.get(when.source, "")
    return f"{text} ({origin})" if origin else text


def _summary(
    claims: ClaimSet, analysis: SignatureAnalysis, context: _Context
) -> tuple[tuple[str, str], ...]:
    """Check time, the anchors that verified (else the first few) and a count of the others."""
    trust = context.trust
    pairs = [("check time", describe_time(context.when))]
    used: dict[int, Anchor] = {
        id(c.anchor): c.anchor for c in analysis.signatures if c.verified and c.anchor is not None
    }
    shown = list(used.values()) or list(trust.anchors[:SUMMARY_ANCHORS])
    for anchor in shown:
        pairs.append(("trust anchor", f"{anchor.facts.subject}, from {anchor.source}"))
    if not trust.anchors:
        pairs.append(("trust anchor", "none given (--metadata or --cert)"))
    rest = len(trust.anchors) - len(shown)
    if rest > 0:
        why = "not used" if used or not analysis.signatures else "none verified a signature"
        pairs.append(("other anchors", f"{rest} more ({why})"))
    if not claims.signed:  # where signed claims come from is finding SC-SIG-019
        reason = (
            "none: the assertion is encrypted"
            if claims.encrypted
            else "none verified: no valid signature covers them (see unverified claims)"
        )
        pairs.append(("claims", reason))
    return tuple(pairs)
