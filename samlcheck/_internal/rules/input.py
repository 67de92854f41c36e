"""Input rules: the message must be readable, well-formed, DTD-free XML of a known kind.

Functions and the rules they emit:
    size_findings   SC-INPUT-005
    refused         SC-INPUT-001 SC-INPUT-002 SC-INPUT-003 SC-INPUT-004
    unreadable      SC-INPUT-006
"""

from __future__ import annotations

from samlcheck._internal import aws
from samlcheck._internal.aws import Evidence
from samlcheck._internal.findings import Finding, Rule, Severity
from samlcheck._internal.inputs.xml import XmlRefused

_GUIDE = (
    "AWS IAM User Guide, 'View a SAML response in your browser'; SAML 2.0 core; AWS does not "
    "document which error it gives"
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
    evidence=Evidence.INFERRED,
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
    source="SAML 2.0 bindings, section 3.5.5.3 (no DTD in SAML messages); AWS does not "
    "document which error it gives",
    evidence=Evidence.INFERRED,
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
    evidence=Evidence.INFERRED,
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
    evidence=Evidence.INFERRED,
)
ASSERTION_PARAMETER_TOO_LONG = Rule(
    id="SC-INPUT-005",
    name="saml-assertion-parameter-too-long",
    severity=Severity.WARNING,
    summary="AssumeRoleWithSAML takes a SAMLAssertion of at most 100,000 characters (base64).",
    fix="Send fewer attributes (group lists are the usual cause: filter them to the AWS roles), "
    "or sign in through the console, whose limit is not documented.",
    stage="input",
    source="AWS STS API Reference, AssumeRoleWithSAML, SAMLAssertion length constraint "
    "(4 to 100,000); whether the console sign-in applies the same limit is not documented",
    evidence=Evidence.DOCUMENTED,
    url=aws.ASSUME_ROLE_WITH_SAML_URL,
)
NOT_A_MESSAGE = Rule(
    id="SC-INPUT-006",
    name="not-a-saml-message",
    severity=Severity.WARNING,
    summary="A file checked in a batch must be a SAML message capture samlcheck can read.",
    fix="Check only captures (move READMEs and metadata out of the folder, or check metadata "
    "with: samlcheck metadata FILE).",
    stage="input",
    source="samlcheck's own input contract: AWS never receives a file that holds no SAML message",
    evidence=Evidence.DOCUMENTED,
    unjudged="the input: samlcheck could not read a SAML message in it",
)
SAML_ASSERTION_MAX = 100_000
"""AssumeRoleWithSAML's SAMLAssertion parameter: at most this many characters of base64."""


def size_findings(data: bytes) -> list[Finding]:
    """The base64 length AssumeRoleWithSAML would receive, when it exceeds the API's limit."""
    encoded = 4 * -(-len(data) // 3)
    if encoded <= SAML_ASSERTION_MAX:
        return []
    message = (
        f"the response is {len(data):,} bytes, {encoded:,} characters of base64: over the "
        f"{SAML_ASSERTION_MAX:,} that AssumeRoleWithSAML (AWS CLI and SDK sign-ins) accepts"
    )
    return [ASSERTION_PARAMETER_TOO_LONG.finding(message)]


_BY_REASON = {
    "doctype": DOCTYPE,
    "multiple-documents": MULTIPLE_DOCUMENTS,
    "too-large": TOO_LARGE,
    "too-deep": TOO_LARGE,
    "too-many-elements": TOO_LARGE,
}


def refused(error: XmlRefused, location: str = "") -> Finding:
    """The finding for XML the safe parser refused."""
    return _BY_REASON.get(error.reason, NOT_XML).finding(error.message, location)


def unreadable(problem: str, hint: str) -> Finding:
    """The finding for a batch input that holds no SAML message samlcheck can read."""
    return NOT_A_MESSAGE.finding(problem, fix=hint or None)
