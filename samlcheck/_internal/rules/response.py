"""Response rules: shape, status, issuer, audience and recipient, subject, and time.

Each rule maps to the AWS error STS returns and to the stage of aws.EVALUATION_ORDER where STS is
assumed to meet it. Where AWS does not document which error a violation gives, the rule's evidence
is inferred.

Functions and the rules they emit:
    shape_findings      SC-RESP-001
    status_findings     SC-RESP-002
    assertion_findings  SC-RESP-003
    issuer_findings     SC-RESP-010
    audience_findings   SC-RESP-020
    subject_findings    SC-RESP-021 SC-RESP-030 SC-RESP-031
    time_findings       SC-RESP-040 SC-RESP-041 SC-RESP-042 SC-RESP-043
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from samlcheck._internal import aws
from samlcheck._internal.aws import Evidence
from samlcheck._internal.describe import near_miss, span
from samlcheck._internal.findings import Finding, Rule, Severity
from samlcheck._internal.instants import parse_instant
from samlcheck._internal.stages.claims import BEARER, SUCCESS, AssertionFacts, ClaimSet, Text

_ASSERTIONS = "AWS IAM User Guide, 'Configure SAML assertions for the authentication response'"
_CORE = "SAML 2.0 core"
_UNDOCUMENTED = "; AWS does not document which error it gives"
REDEEM_WINDOW = dt.timedelta(minutes=5)
UTC = dt.timezone.utc

NOT_A_RESPONSE = Rule(
    id="SC-RESP-001",
    name="response-malformed",
    severity=Severity.ERROR,
    summary="A SAMLResponse is a SAML 2.0 samlp:Response with an ID and Version 2.0.",
    fix="Capture the SAMLResponse the IdP posts to AWS sign-in; configure a SAML 2.0 app.",
    aws_error="invalid-saml-response",
    stage="input",
    source=_CORE + ", section 3.2.2 (StatusResponseType)" + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
)
STATUS_NOT_SUCCESS = Rule(
    id="SC-RESP-002",
    name="status-not-success",
    severity=Severity.ERROR,
    summary="The response's top-level StatusCode must be Success.",
    fix="The IdP refused the sign-in: read its status message and the IdP's own logs.",
    aws_error="invalid-saml-response",
    stage="input",
    source=_CORE + ", section 3.2.2.2" + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
)
NO_ASSERTION = Rule(
    id="SC-RESP-003",
    name="assertion-missing",
    severity=Severity.ERROR,
    summary="A successful response carries one Assertion (or EncryptedAssertion).",
    fix="Configure the IdP to issue an assertion to the AWS application.",
    aws_error="invalid-saml-response",
    stage="input",
    source=_ASSERTIONS + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
    url=aws.SAML_ASSERTIONS_URL,
)
ISSUER_MISMATCH = Rule(
    id="SC-RESP-010",
    name="issuer-not-in-provider",
    severity=Severity.ERROR,
    summary="The Response and Assertion Issuer must equal the entityID of the metadata in IAM.",
    fix="Make the IdP's issuer equal the metadata entityID, or upload the metadata of the IdP "
    "that issues this response.",
    aws_error="issuer-not-in-provider",
    stage="issuer",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["issuer-not-in-provider"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
AUDIENCE_MISSING = Rule(
    id="SC-RESP-020",
    name="audience-missing",
    severity=Severity.ERROR,
    summary="Each AudienceRestriction must name AWS: urn:amazon:webservices (or its GovCloud / "
    "China variant) or the sign-in endpoint.",
    fix="Set the IdP application's audience (SP entity ID) to urn:amazon:webservices.",
    aws_error="audience-missing",
    stage="audience",
    source=aws.SEED + "; SAML 2.0 core, section 2.5.1.4 (every AudienceRestriction must hold; "
    "AWS does not document that it checks each one)",
    evidence=Evidence.INFERRED,
    seed_section=aws.ERRORS["audience-missing"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
RECIPIENT_NOT_AWS = Rule(
    id="SC-RESP-021",
    name="recipient-not-aws",
    severity=Severity.ERROR,
    summary="The bearer SubjectConfirmationData Recipient must be an AWS sign-in SAML endpoint "
    "(it also becomes saml:aud in the trust policy).",
    fix="Set the IdP application's ACS URL to https://signin.aws.amazon.com/saml (or the "
    "regional, GovCloud or China endpoint; /saml/acs/ID with encryption).",
    aws_error="not-authorized",
    stage="audience",
    source=_ASSERTIONS + _UNDOCUMENTED + " (the trust policy's saml:aud condition fails)",
    evidence=Evidence.INFERRED,
    url=aws.SAML_ASSERTIONS_URL,
)
NAME_ID_MISSING = Rule(
    id="SC-RESP-030",
    name="subject-nameid-missing",
    severity=Severity.ERROR,
    summary="The assertion's Subject must contain a NameID.",
    fix="Configure the IdP to send a NameID (for example the user's email, persistent format).",
    aws_error="not-authorized",
    stage="subject",
    source=aws.SEED,
    evidence=Evidence.DOCUMENTED,
    seed_section=aws.ERRORS["not-authorized"].heading,
    url=aws.TROUBLESHOOT_SAML_URL,
)
BEARER_CONFIRMATION = Rule(
    id="SC-RESP-031",
    name="bearer-confirmation-invalid",
    severity=Severity.ERROR,
    summary="The Subject has exactly one bearer SubjectConfirmation whose "
    "SubjectConfirmationData has NotOnOrAfter and Recipient.",
    fix="Configure the IdP to send one bearer SubjectConfirmation with Recipient and "
    "NotOnOrAfter (standard for the Web Browser SSO profile).",
    aws_error="not-authorized",
    stage="subject",
    source="SAML 2.0 profiles, section 4.1.4.2 (Web Browser SSO)" + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
)
EXPIRED = Rule(
    id="SC-RESP-040",
    name="response-expired",
    severity=Severity.ERROR,
    summary="The check time must fall within Conditions NotBefore/NotOnOrAfter and before the "
    "bearer SubjectConfirmationData NotOnOrAfter.",
    fix="Post the response as soon as it is issued; check the IdP's clock (NTP) and its "
    "assertion lifetime. For an old capture, pass --at with an instant inside the window.",
    aws_error="response-expired",
    stage="time",
    source="reported AWS behaviour for NotOnOrAfter; for NotBefore in the future AWS's error is "
    "not known; SAML 2.0 core, section 2.5.1.2",
    evidence=Evidence.INFERRED,
)
REDEEM_LATE = Rule(
    id="SC-RESP-041",
    name="redeem-window-passed",
    severity=Severity.ERROR,
    summary="STS accepts a response within five minutes of its IssueInstant.",
    fix="Use the response immediately; fetch a fresh one for each AssumeRoleWithSAML call.",
    aws_error="redeem-window",
    stage="time",
    source="reported AWS behaviour; that STS reads the Assertion's IssueInstant is assumed",
    evidence=Evidence.INFERRED,
)
TIME_UNREADABLE = Rule(
    id="SC-RESP-042",
    name="time-unreadable",
    severity=Severity.ERROR,
    summary="IssueInstant, NotBefore and NotOnOrAfter must be xs:dateTime values (UTC).",
    fix="Fix the IdP's time format: 2026-01-15T12:00:00Z.",
    aws_error="invalid-saml-response",
    stage="time",
    source=_CORE + ", section 1.3.3" + _UNDOCUMENTED,
    evidence=Evidence.INFERRED,
)
TIME_WINDOW = Rule(
    id="SC-RESP-043",
    name="time-window",
    severity=Severity.INFO,
    summary="The instants at which AWS would accept the response's times.",
    fix="Nothing to fix.",
    stage="time",
    source="SC-RESP-040 and SC-RESP-041 combined: SAML 2.0 core, section 2.5.1.2, and the "
    "reported five-minute redeem window",
    evidence=Evidence.INFERRED,
)


@dataclass(frozen=True)
class Shape:
    """Facts about the document that claims do not carry."""

    is_response: bool
    root_name: str
    namespace: str | None
    has_id: bool
    version: str | None
    encrypted: bool
    """It carries an EncryptedAssertion."""
    decrypted: bool
    """The EncryptedAssertion was decrypted."""


def shape_findings(shape: Shape) -> list[Finding]:
    if not shape.is_response:
        return [
            NOT_A_RESPONSE.finding(
                f"the document's root element is {shape.root_name} in "
                f"{shape.namespace or 'no namespace'}, "
                "not a SAML 2.0 samlp:Response (urn:oasis:names:tc:SAML:2.0:protocol)",
                f"/{shape.root_name}",
            )
        ]
    found = []
    if not shape.has_id:
        found.append(NOT_A_RESPONSE.finding("the Response has no ID attribute", "/Response"))
    if shape.version != "2.0":
        found.append(
            NOT_A_RESPONSE.finding(
                f"the Response Version is {shape.version!r}, not '2.0'", "/Response/@Version"
            )
        )
    return found


def status_findings(claims: ClaimSet) -> list[Finding]:
    codes = claims.response.status_codes
    if codes and codes[0] == SUCCESS:
        return []
    shown = " / ".join(codes) if codes else "no StatusCode"
    message = f"the response status is {shown}"
    if claims.response.status_message:
        message += f" with the message {claims.response.status_message!r}"
    return [STATUS_NOT_SUCCESS.finding(message, "/Response/Status")]


def assertion_findings(claims: ClaimSet, shape: Shape) -> list[Finding]:
    """A successful response must carry an assertion (an encrypted one counts: the decryption
    findings of samlcheck._internal.stages.decrypt say when it cannot be read)."""
    if claims.assertion is not None or not shape.is_response or shape.encrypted:
        return []
    if claims.response.status_codes[:1] != (SUCCESS,):
        return []
    return [NO_ASSERTION.finding("the response carries no Assertion", "/Response")]


def issuer_findings(
    claims: ClaimSet, entity_ids: tuple[str, ...], said: Collection[str] = ()
) -> list[Finding]:
    """Issuer checks need metadata: with bare certificates only there is no entity ID. Issuers
    at the locations `said` are already a finding (SC-SIG-023, one-entity metadata)."""
    if not entity_ids:
        return []
    known = ", ".join(repr(e) for e in entity_ids)
    found = []
    candidates: list[tuple[str, Text | None, bool]] = [
        ("Response", claims.response.issuer, False),
    ]
    if claims.assertion is not None:
        candidates.append(("Assertion", claims.assertion.issuer, True))
    for label, issuer, required in candidates:
        if issuer is None:
            if required:
                found.append(
                    ISSUER_MISMATCH.finding(
                        f"the {label} has no Issuer; the metadata entity ID is {known}",
                        claims.assertion.location if claims.assertion else "",
                    )
                )
            continue
        if issuer.value in entity_ids or issuer.location in said:
            continue
        near = near_miss(issuer.value, entity_ids)
        hint = f" (it differs only {near[1]})" if near else ""
        found.append(
            ISSUER_MISMATCH.finding(
                f"the {label} Issuer is {issuer.value!r}, but the metadata entity ID is "
                f"{known}{hint}",
                issuer.location,
            )
        )
    return found


def _aws_audience(value: str) -> bool:
    return value in aws.AUDIENCES or aws.SIGNIN_ENDPOINT.fullmatch(value) is not None


def audience_findings(assertion: AssertionFacts) -> list[Finding]:
    """Every AudienceRestriction must name AWS.

    SAML 2.0 core, section 2.5.1.4: each AudienceRestriction is evaluated on its own and all must
    hold, so a second restriction naming only another SP makes the assertion invalid for AWS.
    That STS applies the rule to each restriction is inferred; the guide names only the error.
    """
    restrictions = assertion.audience_restrictions
    if not any(restrictions):
        return [
            AUDIENCE_MISSING.finding(
                "the assertion has no AudienceRestriction/Audience", assertion.location
            )
        ]
    found = []
    count = len(restrictions)
    several = count > 1
    for number, restriction in enumerate(restrictions, 1):
        if any(_aws_audience(a.value) for a in restriction):
            continue
        label = f"AudienceRestriction {number} of {count}" if several else "the audiences"
        where = f"{assertion.location}/Conditions/AudienceRestriction" + (
            f"[{number}]" if several else ""
        )
        if not restriction:
            found.append(AUDIENCE_MISSING.finding(f"{label} has no Audience", where))
            continue
        shown = ", ".join(repr(a.value) for a in restriction)
        verb = "names" if several else "are"
        message = f"{label} {verb} {shown}; none is urn:amazon:webservices"
        near = [a.value for a in restriction if a.value.strip() in aws.AUDIENCES]
        if near:
            message += f" ({near[0]!r} has surrounding whitespace)"
        if several:
            message += " (each AudienceRestriction must include AWS, SAML core 2.5.1.4)"
        found.append(AUDIENCE_MISSING.finding(message, restriction[0].location))
    return found


def subject_findings(assertion: AssertionFacts) -> list[Finding]:
    found = []
    if assertion.name_id is None:
        what = "has no NameID" if assertion.subject_present else "has no Subject"
        found.append(NAME_ID_MISSING.finding(f"the assertion {what}", assertion.location))
    elif not assertion.name_id.value.strip():
        found.append(NAME_ID_MISSING.finding("the NameID is empty", assertion.name_id.location))
    bearers = [c for c in assertion.confirmations if c.method == BEARER]
    if len(bearers) != 1:
        methods = ", ".join(c.method or "(no Method)" for c in assertion.confirmations) or "none"
        found.append(
            BEARER_CONFIRMATION.finding(
                f"the Subject has {len(bearers)} bearer SubjectConfirmations (methods: {methods}); "
                "exactly one is required",
                assertion.location,
            )
        )
    for bearer in bearers:
        if bearer.not_on_or_after is None:
            found.append(
                BEARER_CONFIRMATION.finding(
                    "the bearer SubjectConfirmationData has no NotOnOrAfter", bearer.location
                )
            )
        if bearer.recipient is None:
            found.append(
                BEARER_CONFIRMATION.finding(
                    "the bearer SubjectConfirmationData has no Recipient", bearer.location
                )
            )
        elif aws.SIGNIN_ENDPOINT.fullmatch(bearer.recipient) is None:
            found.append(
                RECIPIENT_NOT_AWS.finding(
                    f"the Recipient is {bearer.recipient!r}, not an AWS sign-in SAML endpoint "
                    "such as https://signin.aws.amazon.com/saml (the trust policy's saml:aud "
                    "is compared with it)",
                    bearer.location,
                )
            )
    return found


def _fmt(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, order=True)
class _Bound:
    """One instant the assertion states: its value, what it is, and where it stands."""

    value: dt.datetime
    label: str
    location: str


def _read(text: str | None, label: str, location: str, found: list[Finding]) -> dt.datetime | None:
    """The instant in `text`; an unreadable one is reported into `found` (SC-RESP-043)."""
    if text is None:
        return None
    value = parse_instant(text)
    if value is None:
        found.append(TIME_UNREADABLE.finding(f"{label} is {text!r}, not an xs:dateTime", location))
    return value


def _bounds(assertion: AssertionFacts, found: list[Finding]) -> tuple[list[_Bound], list[_Bound]]:
    """The readable start and end instants of the Conditions and the bearer confirmations."""
    starts: list[_Bound] = []
    ends: list[_Bound] = []

    def bound(into: list[_Bound], text: str | None, label: str, location: str) -> None:
        value = _read(text, label, location, found)
        if value is not None:
            into.append(_Bound(value, label, location))

    where = assertion.location + "/Conditions"
    if assertion.not_before is not None:
        bound(starts, assertion.not_before.value, "Conditions NotBefore", where)
    if assertion.not_on_or_after is not None:
        bound(ends, assertion.not_on_or_after.value, "Conditions NotOnOrAfter", where)
    for bearer in (c for c in assertion.confirmations if c.method == BEARER):
        label = "SubjectConfirmationData "
        bound(ends, bearer.not_on_or_after, label + "NotOnOrAfter", bearer.location)
        bound(starts, bearer.not_before, label + "NotBefore", bearer.location)
    return starts, ends


def _issued(text: str | None, location: str, found: list[Finding]) -> dt.datetime | None:
    """The IssueInstant, unless unreadable or too late in the calendar to add the redeem window."""
    issued = _read(text, "IssueInstant", location, found)
    if issued is not None and issued > dt.datetime.max.replace(tzinfo=UTC) - REDEEM_WINDOW:
        found.append(
            TIME_UNREADABLE.finding(
                f"IssueInstant is {_fmt(issued)}: the end of the calendar, with no room for STS's "
                "5-minute redeem window",
                location,
            )
        )
        return None
    return issued


def _late(
    ends: list[_Bound], issued: dt.datetime | None, issued_at: str, at: dt.datetime
) -> list[Finding]:
    """SC-RESP-040 for ends at or before `at`, else SC-RESP-041 when the redeem window passed."""
    late = sorted(b for b in ends if at >= b.value)
    redeem_passed = issued is not None and at > issued + REDEEM_WINDOW
    if late:
        since = span(at - late[0].value) + (" past the first" if len(late) > 1 else " past it")
        message = f"{_listed(late)}; the check time {_fmt(at)} is {since}"
        if redeem_passed and issued is not None:
            message += (
                f"; it was also issued {span(at - issued)} before it, at {_fmt(issued)} "
                f"({issued_at}), past STS's 5-minute redeem window"
            )
        return [EXPIRED.finding(message, late[0].location)]
    if redeem_passed and issued is not None:
        return [
            REDEEM_LATE.finding(
                f"the assertion was issued at {_fmt(issued)}, {span(at - issued)} before the "
                f"check time {_fmt(at)}; STS redeems a response for 5 minutes after issuance",
                issued_at,
            )
        ]
    return []


def time_findings(claims: ClaimSet, at: dt.datetime) -> list[Finding]:
    """Conditions and bearer times against `at`, the 5-minute redeem window, and the window."""
    assertion = claims.assertion
    assert assertion is not None
    found: list[Finding] = []
    starts, ends = _bounds(assertion, found)
    issued_at = assertion.location + "/@IssueInstant"
    issued = _issued(assertion.issue_instant or claims.response.issue_instant, issued_at, found)
    early = [b for b in starts if at < b.value]
    if early:
        found.append(
            EXPIRED.finding(
                f"{_listed(early)}, after the check time {_fmt(at)}: the response is not valid "
                "yet (check the IdP's clock)",
                early[0].location,
            )
        )
    found.extend(_late(ends, issued, issued_at, at))
    if issued is not None:
        ends.append(_Bound(issued + REDEEM_WINDOW, "IssueInstant + 5 minutes", issued_at))
    if any(f.rule in (EXPIRED, REDEEM_LATE) for f in found):
        found.append(
            TIME_WINDOW.finding(_window(starts, ends, issued), assertion.location + "/Conditions")
        )
    return found


def _listed(bounds: list[_Bound]) -> str:
    """'Conditions NotOnOrAfter is T (at /...) and ...': one cause, each element that says it."""
    return " and ".join(f"{b.label} is {_fmt(b.value)} (at {b.location})" for b in bounds)


def _window(starts: list[_Bound], ends: list[_Bound], issued: dt.datetime | None) -> str:
    """The instants at which every time rule passes, and an --at inside them."""
    lower = max([b.value for b in starts] + ([issued] if issued else []), default=None)
    upper = min((b.value for b in ends), default=None)
    if lower is not None and upper is not None and lower >= upper:
        return (
            f"no instant passes: the response must be used from {_fmt(lower)} but before "
            f"{_fmt(upper)}"
        )
    if lower is None:
        return f"AWS would accept it before {_fmt(upper)}" if upper else "no time limit found"
    end = f" and before {_fmt(upper)}" if upper else ""
    return f"AWS would have accepted it from {_fmt(lower)}{end}: for example --at {_fmt(lower)}"
