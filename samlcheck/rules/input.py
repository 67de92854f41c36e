"""Input rules: the message must be readable, well-formed, DTD-free XML of a known kind."""

from __future__ import annotations

from samlcheck.findings import Finding, Rule, Severity
from samlcheck.xml import XmlRefused

_GUIDE = (
    "AWS IAM User Guide, 'View a SAML response in your browser'; SAML 2.0 core; the AWS error is "
    "inferred"
)

NOT_XML = Rule(
    id="SC-INPUT-001",
    name="payload-not-xml",
    severity=Severity.ERROR,
    summary="The decoded SAML payload must be well-formed XML.",
    fix="Capture the SAMLResponse again without editing it (copy the whole form value).",
    aws_error="invalid-saml-response",
    stage="input",
    source=_GUIDE,
)
DOCTYPE = Rule(
    id="SC-INPUT-002",
    name="doctype-refused",
    severity=Severity.ERROR,
    summary="A SAML message must not contain a DOCTYPE (DTDs enable entity-expansion and "
    "external-entity attacks).",
    fix="Remove the DOCTYPE; if the IdP emits it, treat the message as hostile.",
    aws_error="invalid-saml-response",
    stage="input",
    source="SAML 2.0 bindings, section 3.5.5.3 (no DTD in SAML messages); the AWS error is "
    "inferred",
)
MULTIPLE_DOCUMENTS = Rule(
    id="SC-INPUT-003",
    name="multiple-documents",
    severity=Severity.ERROR,
    summary="A SAML payload must hold exactly one XML document.",
    fix="Capture one SAMLResponse value; two were concatenated or the payload is truncated.",
    aws_error="invalid-saml-response",
    stage="input",
    source=_GUIDE,
)
TOO_LARGE = Rule(
    id="SC-INPUT-004",
    name="document-too-large-or-deep",
    severity=Severity.ERROR,
    summary="A SAML message must stay within sane size and nesting bounds.",
    fix="A genuine SAMLResponse is a few kilobytes; treat this input as hostile or corrupted.",
    aws_error="invalid-saml-response",
    stage="input",
    source=_GUIDE,
)
_BY_REASON = {
    "doctype": DOCTYPE,
    "multiple-documents": MULTIPLE_DOCUMENTS,
    "too-large": TOO_LARGE,
    "too-deep": TOO_LARGE,
}


def refused(error: XmlRefused, location: str = "") -> Finding:
    """The finding for XML the safe parser refused."""
    return _BY_REASON.get(error.reason, NOT_XML).finding(error.message, location)
