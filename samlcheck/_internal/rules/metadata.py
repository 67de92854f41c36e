"""Metadata rules: everything IAM refuses with "Could not parse metadata." and what is fragile.

The verdict is IAM's answer to CreateSAMLProvider / UpdateSAMLProvider. The troubleshooting guide
documents only a few causes (UTF-8 without BOM, keys of at least 1024 bits, no repeated extension,
certificate expiry ignored); every other rule's evidence is inferred, and it is a warning where we
cannot tell whether IAM refuses the file.

Functions and the rules they emit:
    encoding_findings           SC-MD-001 SC-MD-002 SC-MD-003 SC-MD-004
    size_findings               SC-MD-005 SC-MD-006
    refused                     SC-MD-007 SC-MD-008
    wrong_document              SC-MD-009
    no_idp_descriptor           SC-MD-010
    schema_findings             SC-MD-011
    entity_findings             SC-MD-012 SC-MD-013 SC-MD-014 SC-MD-015 SC-MD-039
    certificate_findings        SC-MD-016 SC-MD-017 SC-MD-018 SC-MD-019 SC-MD-020 SC-MD-021
                                SC-MD-037
    _validity_finding           SC-MD-022
    validity_findings           SC-MD-023 SC-MD-024
    signature_finding           SC-MD-025 SC-MD-026 SC-MD-027
    several_idps_findings       SC-MD-028 SC-MD-029 SC-MD-030
    diff_findings               SC-MD-031 SC-MD-032 SC-MD-033 SC-MD-034 SC-MD-035
    stray_findings              SC-MD-036
    partly_validated_finding    SC-MD-038
    unexamined_entities_finding SC-MD-039
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from samlcheck._internal.aws import (
    CREATE_SAML_PROVIDER_URL,
    ERRORS,
    SEED,
    TROUBLESHOOT_SAML_URL,
    Evidence,
)
from samlcheck._internal.describe import near_miss
from samlcheck._internal.findings import Finding, Rule, Severity, numbered_rule
from samlcheck._internal.inputs.xml import XmlRefused
from samlcheck._internal.instants import parse_duration, parse_instant
from samlcheck._internal.trust.certs import (
    CertFacts,
    describe,
    name_facts,
    repeated_extensions,
    serial_number,
)
from samlcheck._internal.trust.der import DerError
from samlcheck._internal.trust.metadata import (
    MAX_CERTIFICATES,
    MAX_ENTITIES_EXAMINED,
    IdpEntity,
    MetadataCert,
    MetadataDiff,
    ValidityMark,
)
from samlcheck._internal.trust.schema import MAX_VALIDATED_ELEMENTS

_GUIDE = f"{SEED}: Could not parse metadata"
_API = "IAM API Reference, CreateSAMLProvider (SAMLMetadataDocument length 1000 to 10000000)"
_UNKNOWN = " The guide does not say whether IAM refuses this."
_PARSE_SECTION = ERRORS["metadata-unparseable"].heading
_SIGNATURE_SECTION = ERRORS["signature-invalid"].heading
_ISSUER_SECTION = ERRORS["issuer-not-in-provider"].heading
_SCHEMA = "OASIS SAML 2.0 metadata schema (saml-schema-metadata-2.0)."
_SIGNIN = f"{SEED}: Response signature invalid"
_ISSUER = f"{SEED}: Issuer not present in specified provider"
_UPDATE = (
    "Upload the IdP's current metadata: aws iam update-saml-provider --saml-provider-arn ARN "
    "--saml-metadata-document file://idp-metadata.xml"
)
_UNPARSEABLE = "metadata-unparseable"
_MIN_RSA_BITS = 1024
MIN_CHARACTERS, MAX_CHARACTERS = 1000, 10_000_000
LISTED = 5
"""How many values one finding names before it says how many more there are."""


def _rule(
    number: int,
    name: str,
    severity: Severity,
    summary: str,
    fix: str,
    source: str,
    **fields: Any,
) -> Rule:
    """A metadata rule. An error leads to "Could not parse metadata." unless `aws_error` names
    another entry; a warning or info leads to no AWS error unless `aws_error` names one."""
    return numbered_rule(
        "SC-MD", number, "metadata", _UNPARSEABLE, name=name, severity=severity, summary=summary,
        fix=fix, source=source, **fields,
    )  # fmt: skip


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
_SAVE_UTF8 = (
    "Save the file as UTF-8 without a byte order mark (samlcheck metadata FILE --write-fixed OUT "
    "does it), or re-download the metadata from the IdP's metadata URL."
)

BYTE_ORDER_MARK = _rule(
    1, "metadata-byte-order-mark", E,
    "The metadata must be UTF-8 without a byte order mark.", _SAVE_UTF8, _GUIDE,
    evidence=Evidence.DOCUMENTED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
NOT_UTF8 = _rule(
    2, "metadata-not-utf8", E,
    "The metadata must be encoded in UTF-8, not UTF-16 or UTF-32.", _SAVE_UTF8, _GUIDE,
    evidence=Evidence.DOCUMENTED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
INVALID_UTF8 = _rule(
    3, "metadata-invalid-utf8", E,
    "Every byte sequence of the metadata must be valid UTF-8.",
    "Convert the file to UTF-8 from the encoding it was written in (often Windows-1252 or "
    "ISO-8859-1), or re-download it from the IdP.",
    _GUIDE,
    evidence=Evidence.DOCUMENTED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
DECLARED_ENCODING = _rule(
    4, "metadata-declared-encoding-not-utf8", W,
    "The XML declaration should name UTF-8 when the bytes are UTF-8.",
    "Change the declaration to <?xml version=\"1.0\" encoding=\"UTF-8\"?>.",
    _GUIDE + "." + _UNKNOWN,
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
TOO_SHORT = _rule(
    5, "metadata-too-short", E,
    "IAM takes metadata documents of at least 1,000 characters.",
    "Download the complete metadata again; a short file is usually truncated or an error page.",
    _API, aws_error="metadata-too-short",
    evidence=Evidence.INFERRED, url=CREATE_SAML_PROVIDER_URL,
)  # fmt: skip
TOO_LONG = _rule(
    6, "metadata-too-long", E,
    "IAM takes metadata documents of at most 10,000,000 characters.",
    "Upload only your IdP's EntityDescriptor, not a whole federation aggregate.",
    _API, aws_error="metadata-too-long",
    evidence=Evidence.INFERRED, url=CREATE_SAML_PROVIDER_URL,
)  # fmt: skip
NOT_WELL_FORMED = _rule(
    7, "metadata-not-well-formed", E,
    "The metadata must be one well-formed XML document.",
    "Re-download the metadata unchanged; do not edit it by hand.", _GUIDE,
    evidence=Evidence.DOCUMENTED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
DOCTYPE = _rule(
    8, "metadata-doctype", E,
    "SAML metadata has no DOCTYPE; samlcheck refuses DTDs (entity expansion, external entities).",
    "Remove the DOCTYPE declaration.", _GUIDE + "." + _UNKNOWN,
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
WRONG_DOCUMENT = _rule(
    9, "metadata-wrong-document", E,
    "The root element must be md:EntityDescriptor (or md:EntitiesDescriptor).",
    "Download the IdP's SAML 2.0 metadata (its metadata URL or admin console export).",
    _GUIDE + "." + _UNKNOWN,
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
NO_IDP_DESCRIPTOR = _rule(
    10, "metadata-no-idp-descriptor", E,
    "IAM needs the metadata of an identity provider: an md:IDPSSODescriptor.",
    "Export the IdP's metadata, not the service provider (SP) metadata.",
    _GUIDE + "." + _UNKNOWN,
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
SCHEMA_INVALID = _rule(
    11, "metadata-schema-invalid", W,
    "The metadata should be valid against the OASIS SAML 2.0 metadata schema.",
    "Correct the element named in the message, or re-export the metadata from the IdP.",
    _SCHEMA + _UNKNOWN + " IAM's parser may accept or refuse such documents.",
    evidence=Evidence.INFERRED,
)  # fmt: skip
NO_SAML2_PROTOCOL = _rule(
    12, "idp-no-saml2-protocol", E,
    "The IDPSSODescriptor must list urn:oasis:names:tc:SAML:2.0:protocol in "
    "protocolSupportEnumeration.",
    "Export the SAML 2.0 metadata of the IdP (not SAML 1.1 or WS-Federation).",
    _GUIDE + "." + _UNKNOWN,
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
NO_ENTITY_ID = _rule(
    13, "entity-id-missing", E,
    "An EntityDescriptor must have an entityID: it is the Issuer IAM matches responses against.",
    "Export the metadata again; the entityID is the IdP's issuer URI.", _SCHEMA + _UNKNOWN,
    evidence=Evidence.INFERRED,
)  # fmt: skip
NO_SIGNING_CERTIFICATE = _rule(
    14, "idp-no-signing-certificate", E,
    "The IdP must publish at least one signing certificate (KeyDescriptor use='signing' or no "
    "use) for IAM to verify responses.",
    "Add the IdP's signing certificate to its metadata (most IdPs do so in their export).",
    _GUIDE + "." + _UNKNOWN,
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
NO_SSO_ENDPOINT = _rule(
    15, "idp-no-sso-endpoint", W,
    "An IDPSSODescriptor should list its SingleSignOnService endpoints (the schema requires one).",
    "Export the complete metadata; AWS does not call the endpoints, but the schema needs one.",
    _SCHEMA + " AWS sign-in is IdP-initiated, so the endpoints are not used by AWS.",
    evidence=Evidence.DOCUMENTED,
)  # fmt: skip
CERTIFICATE_UNREADABLE = _rule(
    16, "certificate-unreadable", E,
    "Every ds:X509Certificate must hold the base64 of a DER X.509 certificate.",
    "Paste the certificate's base64 (the text between the PEM BEGIN and END lines) only.",
    _GUIDE + "." + _UNKNOWN,
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
CERTIFICATE_BASE64_OF_PEM = _rule(
    17, "certificate-base64-of-pem", E,
    "A ds:X509Certificate must hold base64 of DER, not base64 of a PEM file.",
    "Put the base64 between the PEM's BEGIN and END lines into the element, not the base64 of "
    "the whole PEM file.",
    _GUIDE + "." + _UNKNOWN,
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
KEY_TOO_SMALL = _rule(
    18, "certificate-key-too-small", E,
    "An RSA or DSA certificate key must have at least 1024 bits.",
    "Issue a new signing certificate with an RSA key of 2048 bits or more and publish it.",
    _GUIDE,
    evidence=Evidence.DOCUMENTED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
REPEATED_EXTENSION = _rule(
    19, "certificate-repeated-extension", E,
    "An X.509 extension may appear only once in a certificate.",
    "Issue a new certificate in which each extension appears once.", _GUIDE,
    evidence=Evidence.DOCUMENTED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
WEAK_SIGNATURE_HASH = _rule(
    20, "certificate-weak-signature-hash", W,
    "The certificate is signed with MD5 or SHA-1.",
    "Issue a new certificate signed with SHA-256. IAM is not known to act on it (the certificate "
    "is a key carrier), but scanners and auditors flag it.",
    _GUIDE + " (names key size and repeated extensions only). That IAM does not act on the "
    "signature hash is not documented. MD5/SHA-1 are deprecated (RFC 6151, RFC 9155).",
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
KEY_NOT_RSA = _rule(
    21, "certificate-key-not-rsa", W,
    "The certificate key is not RSA (EC or other); AWS does not document verifying such SAML "
    "signatures.",
    "Prefer an RSA signing key of 2048 bits or more for AWS.",
    _GUIDE + " (names RSA/DSA key sizes only)." + _UNKNOWN,
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
CERTIFICATE_FACTS = _rule(
    22, "certificate-validity", INFO,
    "The certificate is expired or not yet valid at the checked instant; IAM does not act on it.",
    "Rotate certificates before they expire, following your own policy.",
    _GUIDE + " (IAM does not evaluate X.509 certificate expiration; it does not say whether "
    "a notBefore in the future is ignored too).",
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
VALID_UNTIL = _rule(
    23, "metadata-valid-until", W,
    "validUntil should be a valid xs:dateTime in the future.",
    "Download fresh metadata from the IdP (or ask it to publish a later validUntil).",
    _SCHEMA + _UNKNOWN,
    evidence=Evidence.INFERRED,
)  # fmt: skip
CACHE_DURATION = _rule(
    24, "metadata-cache-duration", W,
    "cacheDuration should be a valid, positive xs:duration.",
    "Ask the IdP to publish a positive duration such as PT24H, or remove the attribute.",
    _SCHEMA + _UNKNOWN,
    evidence=Evidence.INFERRED,
)  # fmt: skip
SIGNATURE_INVALID = _rule(
    25, "metadata-signature-invalid", W,
    "A signed metadata document should verify: the file was changed after signing or the "
    "certificate is wrong.",
    "Download the metadata again without editing it; check the certificate given with --cert.",
    "SAML 2.0 metadata, section 3 (signature processing)." + _UNKNOWN + " IAM is not "
    "documented to verify metadata signatures.",
    evidence=Evidence.INFERRED,
)  # fmt: skip
SIGNATURE_VERIFIED = _rule(
    26, "metadata-signature-verified", INFO,
    "The metadata signature verifies.",
    "Nothing to do.", "SAML 2.0 metadata, section 3.",
    evidence=Evidence.DOCUMENTED,
)  # fmt: skip
SIGNATURE_UNVERIFIABLE = _rule(
    27, "metadata-signature-unverifiable", INFO,
    "The metadata is signed but no certificate was available to verify it.",
    "Pass the federation's signing certificate with --cert.", "SAML 2.0 metadata, section 3.",
    evidence=Evidence.DOCUMENTED,
)  # fmt: skip
SEVERAL_IDPS = _rule(
    28, "metadata-several-idps", W,
    "The document describes several identity providers; an IAM provider stands for one.",
    "Upload only your IdP's EntityDescriptor (extract it from the aggregate).",
    _GUIDE + "." + _UNKNOWN,
    evidence=Evidence.INFERRED, seed_section=_PARSE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
ISSUER_SELECTS = _rule(
    29, "issuer-selects-idp", INFO,
    "Which EntityDescriptor the given Issuer selects.",
    "Nothing to do.",
    f"{SEED} (says only 'does not match': that IAM compares the Issuer with the entityID "
    "exactly is not documented); SAML 2.0 core, section 2.2.5 (Issuer).",
    evidence=Evidence.INFERRED, seed_section=_ISSUER_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
ISSUER_NOT_IN_METADATA = _rule(
    30, "issuer-not-in-metadata", W,
    "No IdP in the metadata has the given Issuer as its entityID: sign-ins would fail.",
    "Use the metadata of the IdP whose entityID equals the Issuer of its responses.",
    _ISSUER,
    aws_error="issuer-not-in-provider", stage="issuer",
    evidence=Evidence.DOCUMENTED, seed_section=_ISSUER_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
SIGNING_CERTIFICATE_ROTATED = _rule(
    31, "idp-signing-certificate-rotated", E,
    "The IdP signs with a new certificate; IAM still holds only the old one.",
    _UPDATE, _SIGNIN, aws_error="signature-invalid", stage="signature",
    evidence=Evidence.DOCUMENTED, seed_section=_SIGNATURE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
SIGNING_CERTIFICATE_ADDED = _rule(
    32, "idp-signing-certificate-added", W,
    "The IdP publishes a signing certificate IAM does not hold; once the IdP signs with it, "
    "sign-ins fail.",
    _UPDATE, _SIGNIN, aws_error="signature-invalid", stage="signature",
    evidence=Evidence.DOCUMENTED, seed_section=_SIGNATURE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
ENTITY_ID_CHANGED = _rule(
    33, "idp-entity-id-changed", E,
    "The IdP's entityID changed; responses carry the new Issuer, IAM knows the old one.",
    _UPDATE,
    _ISSUER,
    aws_error="issuer-not-in-provider", stage="issuer",
    evidence=Evidence.DOCUMENTED, seed_section=_ISSUER_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
SIGNING_CERTIFICATE_RETIRED = _rule(
    34, "idp-signing-certificate-retired", INFO,
    "IAM still trusts a signing certificate the IdP no longer publishes.",
    _UPDATE + " (to stop trusting the retired key).", _SIGNIN, aws_error=None,
    evidence=Evidence.DOCUMENTED, seed_section=_SIGNATURE_SECTION, url=TROUBLESHOOT_SAML_URL,
)  # fmt: skip
ENDPOINTS_CHANGED = _rule(
    35, "idp-endpoints-changed", INFO,
    "The IdP's SingleSignOnService endpoints changed (AWS does not use them).",
    "Nothing to do for AWS; update bookmarks or SP-initiated links if you use them.",
    _SCHEMA, aws_error=None,
    evidence=Evidence.DOCUMENTED,
)  # fmt: skip
ENTITY_OUTSIDE_METADATA = _rule(
    36, "entity-outside-metadata", W,
    "An EntityDescriptor counts only as the document element or inside EntitiesDescriptors; "
    "one elsewhere (a ds:Signature's Object, Extensions, another element) is ignored.",
    "Remove it. If the file came signed from a publisher, download it again from there: content "
    "in such places is not what the signature vouches for and may have been added by anyone.",
    _SCHEMA + " XML Signature, section 6.6.4 (the enveloped transform removes the signature, "
    "Object included, from what it signs)." + _UNKNOWN + " IAM is taken to ignore it too.",
    evidence=Evidence.INFERRED,
)  # fmt: skip
SERIAL_NOT_POSITIVE = _rule(
    37, "certificate-serial-not-positive", W,
    "A certificate's serial number must be positive (RFC 5280, section 4.1.2.2).",
    "Issue a new signing certificate with a positive serial number and publish it.",
    "RFC 5280, section 4.1.2.2. cryptography deprecates reading such certificates, so a future "
    "release will refuse them." + _UNKNOWN + " IAM's behaviour with them is unknown.",
    evidence=Evidence.INFERRED,
)  # fmt: skip
SCHEMA_PARTLY_VALIDATED = _rule(
    38, "metadata-schema-partly-validated", INFO,
    "samlcheck validates a bounded number of elements against the schema, so that any input is "
    "answered quickly; the rest was not validated.",
    "Nothing to do for IAM; validate the full document with a schema validator if you need to.",
    _SCHEMA
    + f" The bound is samlcheck's ({MAX_VALIDATED_ELEMENTS:,} elements), not IAM's.",
    evidence=Evidence.DOCUMENTED,
)  # fmt: skip
NOT_FULLY_EXAMINED = _rule(
    39, "metadata-not-fully-examined", W,
    "samlcheck examines a bounded number of certificates per IdP and of IdPs per document, so "
    "that any input is answered quickly; what lies beyond was not examined.",
    "Upload only your IdP's EntityDescriptor with the certificates it uses (one to four).",
    f"samlcheck's bounds ({MAX_CERTIFICATES} certificates per IdP, {MAX_ENTITIES_EXAMINED} IdPs "
    "per document), not IAM's." + _UNKNOWN,
    evidence=Evidence.INFERRED,
)  # fmt: skip

# --- encoding, size, document -------------------------------------------------------------------


def encoding_findings(
    family: str, bom: bool, declared: str | None, bad_utf8: tuple[int, int, str] | None
) -> list[Finding]:
    """Findings for the byte encoding; `bad_utf8` is (offset, line, bytes in hex) of the first
    invalid UTF-8 sequence, when the bytes are meant as UTF-8."""
    found: list[Finding] = []
    if family != "UTF-8":
        mark = "with" if bom else "without"
        found.append(
            NOT_UTF8.finding(
                f"the file is encoded in {family} ({mark} a byte order mark); IAM reads only UTF-8",
                "byte 0",
            )
        )
        return found
    if bom:
        found.append(
            BYTE_ORDER_MARK.finding(
                "the file starts with a UTF-8 byte order mark (bytes EF BB BF); IAM refuses it",
                "byte 0",
            )
        )
    if bad_utf8 is not None:
        offset, line, sample = bad_utf8
        hint = f" (the declaration says {declared})" if declared else ""
        found.append(
            INVALID_UTF8.finding(
                f"byte {offset} (line {line}) starts a sequence that is not valid UTF-8: "
                f"{sample}{hint}",
                f"byte {offset}",
            )
        )
    elif declared is not None and declared.upper().replace("_", "-") not in ("UTF-8", "UTF8"):
        found.append(
            DECLARED_ENCODING.finding(
                f"the XML declaration names encoding {declared!r} but the bytes are UTF-8",
                "line 1",
            )
        )
    return found


def size_findings(characters: int) -> list[Finding]:
    if characters < MIN_CHARACTERS:
        return [TOO_SHORT.finding(f"the document has {characters:,} characters (minimum 1,000)")]
    if characters > MAX_CHARACTERS:
        return [
            TOO_LONG.finding(f"the document has {characters:,} characters (maximum 10,000,000)")
        ]
    return []


def refused(error: XmlRefused) -> Finding:
    """The finding for XML the safe parser refused."""
    rule = DOCTYPE if error.reason == "doctype" else NOT_WELL_FORMED
    return rule.finding(error.message)


def wrong_document(kind: str, root_name: str = "") -> Finding:
    """kind: 'html', 'saml-response', 'saml-message', 'iam-json', 'json', 'base64' or 'other'."""
    if kind == "iam-json":
        return WRONG_DOCUMENT.finding(
            "this is JSON holding a SAMLMetadataDocument (the output of aws iam "
            "get-saml-provider), not the metadata XML itself",
            fix="Extract the XML: aws iam get-saml-provider --saml-provider-arn ARN --query "
            "SAMLMetadataDocument --output text > metadata.xml",
        )
    if kind == "json":
        return WRONG_DOCUMENT.finding(
            "this is a JSON document, not SAML metadata XML",
            fix="Download the IdP's SAML 2.0 metadata XML (its metadata URL or console export).",
        )
    if kind == "base64":
        return WRONG_DOCUMENT.finding(
            "this is base64 text that decodes to XML; IAM needs the XML itself",
            fix="Decode it first (base64 -d file > metadata.xml) and check the result.",
        )
    if kind == "html":
        return WRONG_DOCUMENT.finding(
            "this is an HTML page (often a login or error page saved instead of the metadata)",
            fix="Download the metadata from the IdP's metadata URL with the right credentials, "
            "or export it from the IdP console; check the file is XML starting with "
            "<md:EntityDescriptor.",
        )
    if kind == "saml-response":
        return WRONG_DOCUMENT.finding(
            "this is a SAMLResponse (a sign-in message), not metadata",
            "/" + root_name,
            fix="Check the response with `samlcheck check`; for IAM, export the IdP's metadata.",
        )
    if kind == "saml-message":
        return WRONG_DOCUMENT.finding(
            f"this is a SAML protocol message ({root_name}), not metadata", "/" + root_name
        )
    return WRONG_DOCUMENT.finding(
        f"the root element is {root_name}, not md:EntityDescriptor or md:EntitiesDescriptor",
        "/" + root_name,
    )


def no_idp_descriptor(sp_only: bool, location: str) -> Finding:
    if sp_only:
        return NO_IDP_DESCRIPTOR.finding(
            "this is service provider metadata (SPSSODescriptor only): IAM needs the IdP's",
            location,
        )
    return NO_IDP_DESCRIPTOR.finding("no EntityDescriptor has an IDPSSODescriptor", location)


def schema_findings(
    errors: Iterable[tuple[int | None, str, str, str]], more: bool
) -> list[Finding]:
    """One finding per (line, path, reason, base64 element), the last one saying when there are
    more; a base64 element's finding gets the fix for that element."""
    found: list[Finding] = []
    listed = list(errors)
    for index, (line, path, reason, base64) in enumerate(listed):
        where = f"line {line}" if line else ""
        tail = " (further schema errors not listed)" if more and index == len(listed) - 1 else ""
        location = ", ".join(part for part in (where, path) if part)
        found.append(SCHEMA_INVALID.finding(f"{reason}{tail}", location, fix=_base64_fix(base64)))
    return found


_BASE64_FIXES = {
    "X509Certificate": CERTIFICATE_UNREADABLE.fix,
    "SignatureValue": "The signature was damaged: download the metadata again, unchanged.",
    "DigestValue": "The signature was damaged: download the metadata again, unchanged.",
}


def _base64_fix(element: str) -> str | None:
    """The fix for base64 content that is wrong in `element` (None: not a base64 error)."""
    if not element:
        return None
    return _BASE64_FIXES.get(
        element, f"Put valid base64 into {element}, or re-export the metadata from the IdP."
    )


def stray_findings(locations: list[str]) -> list[Finding]:
    """One finding for every EntityDescriptor outside the metadata structure, ignored."""
    if not locations:
        return []
    listed = ", ".join(locations[:LISTED])
    more = f" and {len(locations) - LISTED} more" if len(locations) > LISTED else ""
    return [
        ENTITY_OUTSIDE_METADATA.finding(
            f"{len(locations)} EntityDescriptor(s) outside the metadata structure, ignored "
            f"(not read as IdPs, their certificates never trusted): {listed}{more}",
            locations[0],
        )
    ]


def unexamined_entities_finding(total: int, examined: int) -> list[Finding]:
    """The finding saying that IdPs beyond the first `examined` were not examined."""
    if total <= examined:
        return []
    return [
        NOT_FULLY_EXAMINED.finding(
            f"the document describes {total:,} IdPs; samlcheck examined the certificates and "
            f"endpoints of the first {examined} only"
        )
    ]


def partly_validated_finding(skipped: int, total: int, limit: int) -> list[Finding]:
    """The finding saying how much of the document schema validation left out."""
    if not skipped:
        return []
    what = (
        "none of it was validated"
        if skipped == total
        else f"{skipped:,} elements (md:Extensions content, then entities of the aggregate) were "
        "left out"
    )
    return [
        SCHEMA_PARTLY_VALIDATED.finding(
            f"the document has {total:,} elements and samlcheck validates at most {limit:,}: {what}"
        )
    ]


# --- entities -------------------------------------------------------------------------------------


def validity_findings(mark: ValidityMark, at: dt.datetime) -> list[Finding]:
    """validUntil in the past or malformed; cacheDuration malformed, negative or zero."""
    found: list[Finding] = []
    if mark.valid_until is not None:
        until = parse_instant(mark.valid_until)
        if until is None:
            found.append(
                VALID_UNTIL.finding(
                    f"validUntil {mark.valid_until!r} is not an xs:dateTime", mark.location
                )
            )
        elif until <= at:
            days = (at - until).days
            found.append(
                VALID_UNTIL.finding(
                    f"the metadata expired at {mark.valid_until} ({days} days before "
                    f"{at.astimezone(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ})",
                    mark.location,
                )
            )
    if mark.cache_duration is not None:
        parsed = parse_duration(mark.cache_duration)
        if parsed is None:
            problem = "is not an xs:duration"
        elif parsed[0]:
            problem = "is negative: the cached copy expired before it was fetched"
        elif parsed[1]:
            problem = "is zero: the metadata may not be cached at all"
        else:
            problem = ""
        if problem:
            found.append(
                CACHE_DURATION.finding(
                    f"cacheDuration {mark.cache_duration!r} {problem}", mark.location
                )
            )
    return found


def entity_findings(entity: IdpEntity) -> list[Finding]:
    """Findings about one IdP: protocol, entityID, signing certificates, endpoints (each
    certificate's own findings are `certificate_findings`)."""
    found: list[Finding] = []
    if not entity.entity_id.strip():
        found.append(NO_ENTITY_ID.finding("the EntityDescriptor has no entityID", entity.location))
    if not entity.supports_saml2:
        listed = " ".join(entity.protocols) or "nothing"
        found.append(
            NO_SAML2_PROTOCOL.finding(
                f"protocolSupportEnumeration lists {listed}", entity.location + "/IDPSSODescriptor"
            )
        )
    pem_signing = any(c.signs and c.pem_wrapped and c.certificate is not None for c in entity.certs)
    if not entity.signing_certificates and not pem_signing:  # else SC-MD-017 says what to fix
        usable = [c for c in entity.certs if c.certificate is not None and c.problem is None]
        if usable:
            detail = "only encryption certificates are published"
        elif entity.certs:
            detail = f"no certificate is readable ({CERTIFICATE_UNREADABLE.id})"
        else:
            detail = "no KeyDescriptor is published"
        found.append(NO_SIGNING_CERTIFICATE.finding(detail, entity.location))
    if entity.certs_skipped:
        found.append(
            NOT_FULLY_EXAMINED.finding(
                f"the IdP publishes {len(entity.certs) + entity.certs_skipped:,} certificates; "
                f"samlcheck examined the first {len(entity.certs)} and trusts none of the others",
                entity.location,
            )
        )
    if not entity.sso_endpoints:
        found.append(NO_SSO_ENDPOINT.finding("no SingleSignOnService is listed", entity.location))
    return found


def _use(cert: MetadataCert) -> str:
    return cert.use or "signing and encryption"


def certificate_findings(cert: MetadataCert, at: dt.datetime) -> list[Finding]:
    """Findings for one KeyDescriptor certificate."""
    if cert.certificate is None:
        return [CERTIFICATE_UNREADABLE.finding(cert.problem or "unreadable", cert.location)]
    found: list[Finding] = []
    if cert.pem_wrapped:
        found.append(CERTIFICATE_BASE64_OF_PEM.finding(cert.problem or "", cert.location))
    elif cert.problem:
        found.append(CERTIFICATE_UNREADABLE.finding(cert.problem, cert.location))
    facts = describe(cert.certificate)
    serial = serial_number(cert.certificate)
    if serial <= 0:
        found.append(
            SERIAL_NOT_POSITIVE.finding(
                f"{facts.subject} has serial number {serial}; a future release of the "
                "cryptography library will refuse this certificate",
                cert.location,
            )
        )
    if facts.key.startswith(("RSA", "DSA")):
        if facts.key_bits is not None and facts.key_bits < _MIN_RSA_BITS:
            found.append(
                KEY_TOO_SMALL.finding(
                    f"{facts.subject} has a {facts.key_bits}-bit {facts.key.split()[0]} key "
                    f"(minimum {_MIN_RSA_BITS} bits)",
                    cert.location,
                )
            )
    else:
        found.append(KEY_NOT_RSA.finding(f"{facts.subject} has a {facts.key} key", cert.location))
    try:
        repeats = repeated_extensions(cert.certificate)
    except DerError as error:
        found.append(
            CERTIFICATE_UNREADABLE.finding(
                f"the certificate's DER cannot be walked to list its extensions: {error}",
                cert.location,
            )
        )
        repeats = ()
    if repeats:
        listed = ", ".join(f"{oid} ({name}) {count} times" for oid, name, count in repeats)
        found.append(REPEATED_EXTENSION.finding(f"{facts.subject} repeats {listed}", cert.location))
    weak = facts.weak_signature_hash
    if weak:
        found.append(
            WEAK_SIGNATURE_HASH.finding(
                f"{facts.subject} is signed with {facts.signature_algorithm} ({weak})",
                cert.location,
            )
        )
    validity = _validity_finding(cert, facts, at)
    if validity is not None:
        found.append(validity)
    return found


def _validity_finding(cert: MetadataCert, facts: CertFacts, at: dt.datetime) -> Finding | None:
    """Only what the summary's certificate row does not say: that IAM ignores the dates."""
    day = f"{at.astimezone(dt.timezone.utc):%Y-%m-%d}"
    if facts.expired_at(at):
        state = (
            f"expired on {facts.not_after:%Y-%m-%d}, {(at - facts.not_after).days} days before "
            f"{day}; IAM does not act on certificate expiry"
        )
    elif facts.not_yet_valid_at(at):
        state = (
            f"is not valid before {facts.not_before:%Y-%m-%d} (checked at {day}); IAM is taken "
            "to ignore the start date as it ignores expiry (inferred)"
        )
    else:
        return None
    return CERTIFICATE_FACTS.finding(
        f"The {_use(cert)} certificate {facts.subject} {state}: the upload and sign-ins with its "
        "key still work",
        cert.location,
    )


def several_idps_findings(entities: tuple[IdpEntity, ...], issuer: str | None) -> list[Finding]:
    """Findings for aggregates and for the IdP an Issuer selects."""
    found: list[Finding] = []
    if len(entities) > 1:
        listed = "; ".join(
            f"{index}. {entity.entity_id or '(no entityID)'}"
            for index, entity in enumerate(entities[:LISTED], 1)
        )
        more = f"; and {len(entities) - LISTED:,} more" if len(entities) > LISTED else ""
        found.append(SEVERAL_IDPS.finding(f"{len(entities):,} IdPs: {listed}{more}"))
    if issuer is not None:
        for index, entity in enumerate(entities, 1):
            if entity.entity_id == issuer:
                found.append(
                    ISSUER_SELECTS.finding(
                        f"Issuer {issuer!r} selects IdP {index} of {len(entities)}",
                        entity.location,
                    )
                )
                break
        else:
            near = near_miss(issuer, (e.entity_id for e in entities))
            hint = f" (nearly equal: {near[0]!r}; IAM compares exactly, inferred)" if near else ""
            found.append(
                ISSUER_NOT_IN_METADATA.finding(
                    f"no IdP has entityID {issuer!r}{hint}",
                )
            )
    return found


# --- signature ------------------------------------------------------------------------------------


def signature_finding(status: str, detail: str, location: str) -> Finding | None:
    """status: valid, invalid, unverifiable (unsigned: no finding)."""
    rule = {
        "valid": SIGNATURE_VERIFIED,
        "invalid": SIGNATURE_INVALID,
        "unverifiable": SIGNATURE_UNVERIFIABLE,
    }.get(status)
    return rule.finding(detail, location) if rule else None


# --- comparison ----------------------------------------------------------------------------------


def diff_findings(change: MetadataDiff, location: str = "") -> list[Finding]:
    """What a change between IAM's metadata (old) and the IdP's current one means for sign-ins."""
    found: list[Finding] = []
    if change.entity_id_changed:
        found.append(
            ENTITY_ID_CHANGED.finding(
                f"entityID was {change.old_entity_id!r}, is now {change.new_entity_id!r}",
                location,
            )
        )
    added = "; ".join(name_facts(f) for f in change.added)
    if change.added and not change.kept:
        old = "; ".join(name_facts(f) for f in change.removed) or "none"
        found.append(
            SIGNING_CERTIFICATE_ROTATED.finding(
                f"the IdP now signs with {added}; IAM still holds the old certificate ({old}), "
                "so STS rejects every response signed with the new key",
                location,
            )
        )
    elif change.added:
        found.append(
            SIGNING_CERTIFICATE_ADDED.finding(
                f"the IdP also publishes {added}, which IAM does not hold", location
            )
        )
    if change.removed and (change.kept or not change.added):
        removed = "; ".join(name_facts(f) for f in change.removed)
        found.append(
            SIGNING_CERTIFICATE_RETIRED.finding(f"the IdP no longer publishes {removed}", location)
        )
    if change.endpoints_added or change.endpoints_removed:
        parts = [f"added {b} {loc}" for b, loc in change.endpoints_added]
        parts += [f"removed {b} {loc}" for b, loc in change.endpoints_removed]
        found.append(ENDPOINTS_CHANGED.finding("; ".join(parts), location))
    return found
