"""`check_metadata`: everything IAM refuses as "Could not parse metadata.", before the upload.

Runs the checks in the order IAM must meet them (bytes, size, XML, document kind, schema, IdP
entities, certificates, validity, signature) and reports one Result of kind "metadata" whose
verdict is IAM's answer to CreateSAMLProvider. Also: comparing two versions (`compare`) and the
encoding repair behind `--write-fixed` (`fix_encoding`).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import datetime as dt
import json
import re
from dataclasses import dataclass, replace

from cryptography import x509
from lxml import etree

from samlcheck._internal.errors import InputError
from samlcheck._internal.findings import Finding, Severity
from samlcheck._internal.inputs.xml import (
    DECLARED_ENCODING,
    NS,
    Encoding,
    XmlDocument,
    XmlRefused,
    find_all,
    local_name,
    parse,
    path_of,
    sniff_encoding,
    text,
)
from samlcheck._internal.report import Result, SignatureSummary
from samlcheck._internal.rules import metadata as rules
from samlcheck._internal.trust import schema
from samlcheck._internal.trust.certs import describe_facts, key_info_certificates
from samlcheck._internal.trust.metadata import (
    ENTITIES_DESCRIPTOR,
    ENTITY_DESCRIPTOR,
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
MAX_SIGNATURE_CANDIDATES = 8
"""Most certificates tried on the metadata signature when none is given or embedded."""
MAX_ENTITIES_EXAMINED = 50
"""IdPs whose certificates and endpoints are judged and shown; an IAM provider holds one."""

_HTML = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]+$")


@dataclass(frozen=True)
class Bytes(Encoding):
    """What the raw bytes say: the encoding facts, the first invalid UTF-8, the text."""

    bad_utf8: tuple[int, int, str] | None
    text: str
    """The document decoded as well as possible (BOM removed), for counting characters."""


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def read_bytes(data: bytes) -> Bytes:
    """Encoding facts about `data`: byte order mark, first bytes, declaration, bad UTF-8."""
    sniffed = sniff_encoding(data)
    bad: tuple[int, int, str] | None = None
    if sniffed.family == "UTF-8":
        start = 3 if sniffed.bom else 0
        try:
            content = data[start:].decode("utf-8")
        except UnicodeDecodeError as error:
            offset = start + error.start
            sample = data[offset : offset + 4].hex(" ").upper()
            bad = (offset, data[:offset].count(b"\n") + 1, sample)
            fallback = _codec(sniffed.declared or "") or "cp1252"
            content = data[start:].decode(fallback, errors="replace")
    else:
        content = data.decode(sniffed.codec, errors="replace").lstrip("\ufeff")
    return Bytes(sniffed.family, sniffed.bom, sniffed.declared, bad, content)


def _not_xml_kind(content: str) -> str | None:
    """'html', 'iam-json', 'json' or 'base64' for the usual wrong files; None otherwise."""
    head = content[:4096]
    if _HTML.match(head):
        return "html"
    stripped = content.strip()
    if stripped.startswith(("{", "[")):
        try:
            value = json.loads(stripped)
        except (ValueError, RecursionError):  # not JSON, a 4,300+ digit number, or too deep
            return None
        return "iam-json" if isinstance(value, dict) and "SAMLMetadataDocument" in value else "json"
    if len(stripped) >= 100 and _BASE64.match(head):
        try:
            decoded = base64.b64decode("".join(stripped.split()), validate=True)
        except (binascii.Error, ValueError):
            return None
        if decoded.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            return "base64"
    return None


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


@dataclass(frozen=True)
class MetadataSignature:
    status: str
    """valid, invalid, unverifiable or unsigned."""
    detail: str
    location: str
    signer: x509.Certificate | None = None
    covered: etree._Element | None = None
    """What a valid signature covers (the document without it): the metadata's signed view."""


def _embedded_certificate(signature: etree._Element) -> x509.Certificate | None:
    """The first well-formed certificate among those KeyInfo carries (see key_info_certificates)."""
    decoded, _ = key_info_certificates(signature)
    return next((d.certificate for d in decoded if d.certificate and d.problem is None), None)


def _empty_values(signature: etree._Element) -> str | None:
    """'SignatureValue' or 'DigestValue' when that value is absent or empty, else None."""
    for path in ("ds:SignatureValue", "ds:SignedInfo/ds:Reference/ds:DigestValue"):
        values = find_all(signature, path)
        if not values or not text(values[0]).strip():
            return path.rsplit(":", 1)[-1]
    return None


def verify_signature(
    doc: XmlDocument, cert: x509.Certificate | None, entities: tuple[IdpEntity, ...]
) -> MetadataSignature:
    """Verify the document element's own ds:Signature with `cert`, else the embedded
    certificate, else the IdP's signing certificates. Expiry is ignored (as IAM ignores it)."""
    signatures = find_all(doc.root, "ds:Signature")
    location = f"/{local_name(doc.root)}/Signature"
    if not signatures:
        nested = find_all(doc.root, ".//ds:Signature")
        if nested:
            where = path_of(nested[0])
            return MetadataSignature(
                "unverifiable",
                f"only a signature inside the document ({where}) is present; samlcheck verifies "
                "the document element's own signature",
                where,
            )
        return MetadataSignature("unsigned", "the document element is not signed", location)
    if len(signatures) > 1:
        return MetadataSignature(
            "invalid",
            f"the document element carries {len(signatures)} signatures; metadata has at most one "
            "and consumers may verify a different one than samlcheck does",
            location,
        )
    empty = _empty_values(signatures[0])
    if empty:
        return MetadataSignature(
            "invalid", f"the {empty} is empty: the signature is invalid under any key", location
        )
    embedded = _embedded_certificate(signatures[0])
    if cert is not None:
        candidates = [("the certificate given with --cert", cert)]
    elif embedded is not None:
        candidates = [("the certificate embedded in the signature", embedded)]
    else:
        candidates = [
            ("the IdP's signing certificate", c)
            for entity in entities
            for c in entity.signing_certificates
        ]
    if not candidates:
        return MetadataSignature(
            "unverifiable", "the signature carries no certificate and none was given", location
        )
    failures: list[str] = []
    for label, candidate in candidates[:MAX_SIGNATURE_CANDIDATES]:
        problem, covered = _verify_with(doc, candidate)
        if covered is not None:
            note = (
                " (this proves the file is intact, not who signed it: pass --cert with the "
                "publisher's certificate for that)"
                if label.endswith("embedded in the signature")
                else ""
            )
            detail = f"verified with {label}{note}"
            return MetadataSignature("valid", detail, location, candidate, covered)
        failures.append(f"{label}: {problem}")
    if len(candidates) > MAX_SIGNATURE_CANDIDATES:
        return MetadataSignature(
            "unverifiable",
            f"none of the first {MAX_SIGNATURE_CANDIDATES} of {len(candidates):,} signing "
            "certificates verifies it and samlcheck tries no more (each try re-reads the whole "
            "document); pass the publisher's certificate with --cert",
            location,
        )
    return MetadataSignature("invalid", "; ".join(failures), location)


def _verify_with(
    doc: XmlDocument, cert: x509.Certificate
) -> tuple[str, None] | tuple[None, etree._Element]:
    """(None, the signed view) when the root signature verifies with `cert` and covers the root;
    else (why not, None)."""
    from signxml.exceptions import InvalidInput, InvalidSignature

    from samlcheck._internal.stages.signature import verify_pinned

    try:
        verified = verify_pinned(doc.root, cert)
    except (InvalidSignature, InvalidInput) as error:  # InvalidDigest/Certificate subclass these
        return str(error).rstrip(": ") or type(error).__name__, None
    except (ValueError, TypeError, etree.LxmlError) as error:
        return f"the signature cannot be processed ({error})", None
    signed = getattr(verified, "signed_xml", None)
    if signed is None or signed.tag != doc.root.tag or signed.get("ID") != doc.root.get("ID"):
        return "the signature is valid but does not cover the whole document", None
    return None, signed


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
    raw = read_bytes(data)
    findings: list[Finding] = rules.encoding_findings(
        raw.family, raw.bom, raw.declared, raw.bad_utf8
    )
    findings += rules.size_findings(len(raw.text))
    kind = _not_xml_kind(raw.text)
    if kind is not None:
        findings.append(rules.wrong_document(kind))
        return Result(source=source, kind="metadata", findings=tuple(findings))
    try:
        doc = parse(data, max_nodes=None)
    except XmlRefused as error:
        if not (error.reason == "too-large" and any(f.rule is rules.TOO_LONG for f in findings)):
            findings.append(rules.refused(error))
        return Result(source=source, kind="metadata", findings=tuple(findings))
    wrong = _root_kind(doc)
    if wrong is not None:
        findings.append(rules.wrong_document(*wrong))
        return Result(source=source, kind="metadata", findings=tuple(findings))

    too_long = any(f.rule is rules.TOO_LONG for f in findings)  # IAM refuses it unread anyway
    validation = schema.check(doc.root, SCHEMA_ERRORS_LISTED + 1) if not too_long else None
    errors = validation.errors if validation is not None else ()
    findings += rules.schema_findings(
        ((e.line, e.path, e.reason) for e in errors[:SCHEMA_ERRORS_LISTED]),
        more=len(errors) > SCHEMA_ERRORS_LISTED,
    )
    if validation is not None:
        findings += rules.partly_validated_finding(
            validation.skipped, validation.total, schema.MAX_VALIDATED_ELEMENTS
        )
    entities = idp_entities(doc)
    signature = verify_signature(doc, cert, entities)
    if signature.covered is not None:  # signed and verified: the model is what the signature covers
        entities = idp_entities(signature.covered)
    findings += rules.stray_findings([path_of(e) for e in stray_descriptors(doc)])
    if not entities:
        descriptors = entity_descriptors(doc)
        sp_only = any(find_all(e, "md:SPSSODescriptor") for e in descriptors)
        findings.append(rules.no_idp_descriptor(sp_only, f"/{local_name(doc.root)}"))
    for entity in entities[:MAX_ENTITIES_EXAMINED]:
        findings += rules.entity_findings(entity, now)
    findings += rules.unexamined_entities_finding(len(entities), MAX_ENTITIES_EXAMINED)
    for mark in validity_marks(doc):
        findings += rules.validity_findings(mark, now)
    findings += rules.several_idps_findings(entities, issuer)
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


# --- repair -------------------------------------------------------------------------------------

_FIXABLE = {rules.BYTE_ORDER_MARK, rules.NOT_UTF8, rules.DECLARED_ENCODING, rules.INVALID_UTF8}


@dataclass(frozen=True)
class Fix:
    """The repaired bytes, or None with the reason nothing may be written."""

    data: bytes | None
    reason: str


def _utf8_declaration(match: re.Match[str]) -> str:
    return f"{match.group(1)}{match.group(2)}UTF-8{match.group(2)}"


def _as_utf8(data: bytes, raw: Bytes) -> bytes | None:
    if raw.family != "UTF-8":
        content = data.decode(raw.codec, errors="strict").lstrip("\ufeff")
    elif raw.bad_utf8 is not None:
        codec = _codec(raw.declared or "")
        if codec is None or codec == "utf-8":
            return None  # the real encoding is unknown: converting would guess
        content = data.decode(codec)
    else:
        content = data.decode("utf-8-sig")
    content = DECLARED_ENCODING.sub(_utf8_declaration, content, count=1)
    return content.encode("utf-8")


def fix_encoding(data: bytes, source: str, at: dt.datetime | None = None) -> Fix:
    """A UTF-8, BOM-free copy of `data` when the encoding is the only thing IAM would refuse."""
    before = check_metadata(data, source, at=at)
    encoding_problems = [f for f in before.findings if f.rule in _FIXABLE]
    if not encoding_problems:
        return Fix(None, "nothing to fix: the file is already UTF-8 without a byte order mark")
    try:
        converted = _as_utf8(data, read_bytes(data))
    except (UnicodeDecodeError, LookupError) as error:
        return Fix(None, f"the bytes cannot be converted to UTF-8 ({error})")
    if converted is None:
        return Fix(
            None,
            "the file is not valid UTF-8 and its XML declaration does not name the encoding it "
            "is really in; "
            "convert it from its real encoding by hand",
        )
    after = check_metadata(converted, source, at=at)
    remaining = [f for f in after.findings if f.severity is Severity.ERROR]
    if remaining:
        listed = "; ".join(f"{f.rule.id} {f.rule.name}: {f.message}" for f in remaining)
        return Fix(None, f"problems remain that --write-fixed cannot fix: {listed}")
    fixed = ", ".join(sorted({f.rule.name for f in encoding_problems}))
    return Fix(converted, f"converted to UTF-8 without a byte order mark (fixed: {fixed})")
