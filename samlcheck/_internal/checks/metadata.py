"""`check_metadata`: everything IAM refuses as "Could not parse metadata.", before the upload.

Runs the checks in the order IAM must meet them (bytes, size, XML, document kind, schema, IdP
entities, certificates, validity, signature) and reports one Result of kind "metadata" whose
verdict is IAM's answer to CreateSAMLProvider. Also: comparing two versions (`compare`).
Its steps live by job: encoding facts in inputs.encoding, wrong files in inputs.sniff, the
signature in stages.metadata_signature; the `--write-fixed` repair is checks.metadata_repair.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from cryptography import x509
from lxml import etree

from samlcheck._internal.errors import InputError
from samlcheck._internal.findings import Finding, Severity
from samlcheck._internal.inputs.encoding import read_bytes
from samlcheck._internal.inputs.sniff import not_xml_kind
from samlcheck._internal.inputs.xml import (
    NS,
    XmlDocument,
    XmlRefused,
    find_all,
    local_name,
    parse,
    path_of,
)
from samlcheck._internal.report import Result, SignatureSummary
from samlcheck._internal.rules import metadata as rules
from samlcheck._internal.stages.metadata_signature import MetadataSignature, verify_signature
from samlcheck._internal.trust import schema
from samlcheck._internal.trust.certs import describe_facts
from samlcheck._internal.trust.metadata import (
    ENTITIES_DESCRIPTOR,
    ENTITY_DESCRIPTOR,
    MAX_ENTITIES_EXAMINED,
    IdpEntity,
    MetadataDiff,
    diff,
    entity_descriptors,
    idp_entities,
    select,
    stray_descriptors,
    validity_marks,
)

SCHEMA_ERRORS_LISTED = 5
MAX_READ_BYTES = 64 * 1024 * 1024
"""Most bytes of a metadata file read: far above IAM's 10,000,000-character limit, so oversized
metadata is still a finding."""


def _root_kind(doc: XmlDocument) -> tuple[str, str] | None:
    """None for metadata; else (kind, root name) for rules.wrong_document."""
    root = doc.root
    if root.tag in (ENTITY_DESCRIPTOR, ENTITIES_DESCRIPTOR):
        return None
    name = local_name(root)
    namespace = etree.QName(root).namespace or ""
    if name.lower() == "html":
        return "html", name
    if namespace == NS["samlp"] and name == "Response":
        return "saml-response", "samlp:Response"
    if namespace in (NS["samlp"], NS["saml"]):
        return "saml-message", name
    return "other", f"{{{namespace}}}{name}" if namespace else name


def _summary(
    entities: tuple[IdpEntity, ...], signature: MetadataSignature | None, at: dt.datetime
) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    several = len(entities) > 1
    for number, entity in enumerate(entities[:MAX_ENTITIES_EXAMINED], 1):
        prefix = f"IdP {number} " if several else ""
        rows.append((f"{prefix}entity ID", entity.entity_id or "(none)"))
        for index, cert in enumerate(entity.certs, 1):
            facts = cert.facts
            use = cert.use or "signing+encryption"
            value = (
                f"{use}: {describe_facts(facts, at)}"
                if facts
                else f"{use}: unreadable ({cert.problem})"
            )
            rows.append((f"{prefix}certificate {index}", value))
        endpoints = ", ".join(
            f"{binding.rsplit(':', 1)[-1]} {location}" for binding, location in entity.sso_endpoints
        )
        rows.append((f"{prefix}SSO endpoints", endpoints or "(none)"))
        if entity.valid_until or entity.cache_duration:
            rows.append(
                (
                    f"{prefix}validity",
                    f"validUntil {entity.valid_until or '-'}, "
                    f"cacheDuration {entity.cache_duration or '-'}",
                )
            )
    if len(entities) > MAX_ENTITIES_EXAMINED:
        rows.append(("further IdPs", f"{len(entities) - MAX_ENTITIES_EXAMINED:,} not shown"))
    if signature is not None:
        rows.append(("metadata signature", f"{signature.status}: {signature.detail}"))
    return tuple(rows)


def _read(data: bytes, findings: list[Finding]) -> XmlDocument | None:
    """The parsed metadata, or None when it is not metadata at all (the reason is in `findings`)."""
    raw = read_bytes(data)
    findings += rules.encoding_findings(raw.family, raw.bom, raw.declared, raw.bad_utf8)
    findings += rules.size_findings(len(raw.text))
    kind = not_xml_kind(raw.text)
    if kind is not None:
        findings.append(rules.wrong_document(kind))
        return None
    try:
        doc = parse(data, max_nodes=None)
    except XmlRefused as error:
        if not (error.reason == "too-large" and any(f.rule is rules.TOO_LONG for f in findings)):
            findings.append(rules.refused(error))
        return None
    wrong = _root_kind(doc)
    if wrong is not None:
        findings.append(rules.wrong_document(*wrong))
        return None
    return doc


def _schema_findings(doc: XmlDocument) -> list[Finding]:
    """Schema errors (the first SCHEMA_ERRORS_LISTED) and whether validation stopped early."""
    validation = schema.check(doc.root, SCHEMA_ERRORS_LISTED + 1)
    errors = validation.errors
    found = rules.schema_findings(
        ((e.line, e.path, e.reason, e.base64) for e in errors[:SCHEMA_ERRORS_LISTED]),
        more=len(errors) > SCHEMA_ERRORS_LISTED,
    )
    found += rules.partly_validated_finding(
        validation.skipped, validation.total, schema.MAX_VALIDATED_ELEMENTS
    )
    return found


def _entity_findings(
    doc: XmlDocument, entities: tuple[IdpEntity, ...], issuer: str | None, now: dt.datetime
) -> list[Finding]:
    """What IAM reads from the IdPs: descriptors, each examined entity, validity, the choice."""
    found = rules.stray_findings([path_of(e) for e in stray_descriptors(doc)])
    if not entities:
        descriptors = entity_descriptors(doc)
        sp_only = any(find_all(e, "md:SPSSODescriptor") for e in descriptors)
        found.append(rules.no_idp_descriptor(sp_only, f"/{local_name(doc.root)}"))
    for entity in entities[:MAX_ENTITIES_EXAMINED]:
        found += rules.entity_findings(entity)
        for certificate in entity.certs:
            found += rules.certificate_findings(certificate, now)
    found += rules.unexamined_entities_finding(len(entities), MAX_ENTITIES_EXAMINED)
    for mark in validity_marks(doc):
        found += rules.validity_findings(mark, now)
    found += rules.several_idps_findings(entities, issuer)
    return found


def check_metadata(
    data: bytes,
    source: str,
    *,
    at: dt.datetime | None = None,
    cert: x509.Certificate | None = None,
    issuer: str | None = None,
) -> Result:
    """Every reason IAM would refuse `data` as IdP metadata, plus what is fragile.

    `at` is the instant validUntil and certificate validity are judged at (default: now);
    `cert` verifies the metadata signature; `issuer` names the IdP a response would select.
    """
    now = at or dt.datetime.now(dt.timezone.utc)
    findings: list[Finding] = []
    doc = _read(data, findings)
    if doc is None:
        return Result(source=source, kind="metadata", findings=tuple(findings))
    if not any(f.rule is rules.TOO_LONG for f in findings):  # IAM refuses it unread anyway
        findings += _schema_findings(doc)
    entities = idp_entities(doc)
    signature = verify_signature(doc, cert, entities)
    if signature.covered is not None:  # signed and verified: the model is what the signature covers
        entities = idp_entities(signature.covered)
    findings += _entity_findings(doc, entities, issuer, now)
    signature_finding = rules.signature_finding(
        signature.status, signature.detail, signature.location
    )
    if signature_finding is not None:
        findings.append(signature_finding)
    return Result(
        source=source,
        kind="metadata",
        findings=tuple(findings),
        signature=SignatureSummary(
            status=signature.status,
            signed=(local_name(doc.root),) if signature.status == "valid" else (),
        ),
        summary=_summary(entities, signature, now),
    )


# --- comparison -----------------------------------------------------------------------------------


def load_idp(
    data: bytes, source: str, issuer: str | None = None, prefer: str | None = None
) -> IdpEntity:
    """The one IdP in a metadata file: chosen by `issuer`, else the only one, else the one whose
    entityID is `prefer`; InputError when that does not identify exactly one."""
    try:
        doc = parse(data, max_nodes=None)
    except XmlRefused as error:
        raise InputError(source, f"not readable metadata: {error.message}") from None
    entities = idp_entities(doc)
    if not entities:
        raise InputError(
            source, "holds no IdP (no IDPSSODescriptor)", "Give the IdP's metadata file."
        )
    if issuer is not None:
        chosen = select(entities, issuer)
        if chosen is None:
            raise InputError(source, f"no IdP has entityID {issuer!r}", "Check --issuer.")
        return chosen
    if len(entities) == 1:
        return entities[0]
    preferred = select(entities, prefer) if prefer is not None else None
    if preferred is not None:
        return preferred
    listed = ", ".join(e.entity_id for e in entities)
    raise InputError(source, f"holds {len(entities)} IdPs ({listed})", "Choose one with --issuer.")


def diff_result(change: MetadataDiff, source: str, at: dt.datetime | None = None) -> Result:
    """The user-facing Result of a comparison: findings from rules.diff_findings and a summary."""
    now = at or dt.datetime.now(dt.timezone.utc)
    findings = tuple(rules.diff_findings(change))
    rows: list[tuple[str, str]] = [
        ("entity ID", change.new_entity_id)
        if not change.entity_id_changed
        else ("entity ID", f"{change.old_entity_id} -> {change.new_entity_id}")
    ]
    rows += [("signing certificate added", describe_facts(f, now)) for f in change.added]
    rows += [("signing certificate removed", describe_facts(f, now)) for f in change.removed]
    rows += [("signing certificate kept", describe_facts(f, now)) for f in change.kept]
    rows += [("endpoint added", f"{b} {loc}") for b, loc in change.endpoints_added]
    rows += [("endpoint removed", f"{b} {loc}") for b, loc in change.endpoints_removed]
    if not change.changed:
        rows.append(("changes", "none"))
    return Result(source=source, kind="metadata", findings=findings, summary=tuple(rows))


def compare(
    old: bytes,
    new: bytes,
    *,
    old_source: str = "old",
    new_source: str = "new",
    issuer: str | None = None,
    at: dt.datetime | None = None,
) -> Result:
    """Compare the metadata IAM holds (`old`) with the IdP's current metadata (`new`).

    `new` is checked first, as an upload: what IAM would refuse in it (or warn about) leads the
    findings and decides the verdict; an unreadable `new` gives that check's result alone."""
    checked = check_metadata(new, new_source, at=at)
    upload = tuple(
        replace(f, message=f"{new_source}: {f.message}")
        for f in checked.findings
        if f.severity is not Severity.INFO
    )
    before = load_idp(old, old_source, issuer)
    try:
        after = load_idp(new, new_source, issuer, prefer=before.entity_id)
    except InputError:
        if checked.verdict.accepted:
            raise
        return checked
    result = diff_result(diff(before, after), f"{old_source} -> {new_source}", at)
    refused = (
        () if checked.verdict.accepted else ((f"{new_source} as an upload", "IAM would refuse it"),)
    )
    return replace(result, findings=upload + result.findings, summary=refused + result.summary)
