"""What a SAMLResponse asserts, read from the signed view (never from the raw tree when one exists).

`read_claims` returns a `ClaimSet`: the Response-level facts (Issuer, Status, IssueInstant,
Destination) and the facts of the one Assertion, each text value with its location. When no
signature covers the Assertion the set is read from the document itself and marked unverified:
rules still run on it, but it is never shown as the response's claims. `lookalikes` lists
claim-like content outside the signed view (an unsigned second Assertion, a different NameID).
"""

from __future__ import annotations

import functools
import re
from copy import deepcopy
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from samlcheck._internal import aws
from samlcheck._internal.inputs.xml import (
    NS,
    child_at,
    children_at,
    local_name,
    located_at,
    located_children,
    path_of,
    qname,
    text,
)
from samlcheck._internal.report import Claims, RoleClaim
from samlcheck._internal.stages.profile import MAX_LISTED, find_assertions
from samlcheck._internal.stages.signature import SignedView

BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"


class Text(NamedTuple):
    """A text value and where it is (a named tuple: a large assertion holds thousands, and a
    tuple is made in half the time of a frozen dataclass)."""

    value: str
    location: str


class Attribute(NamedTuple):
    """One saml:Attribute: its Name, its values and where it is."""

    name: str
    values: tuple[Text, ...]
    location: str


@dataclass(frozen=True)
class Confirmation:
    """One SubjectConfirmation and its SubjectConfirmationData."""

    method: str | None
    recipient: str | None
    not_on_or_after: str | None
    not_before: str | None
    location: str
    has_data: bool


@dataclass(frozen=True)
class ResponseFacts:
    issuer: Text | None
    issue_instant: str | None
    destination: str | None
    status_codes: tuple[str, ...]
    status_message: str | None
    signed: bool
    location: str


@dataclass(frozen=True)
class AssertionFacts:
    issuer: Text | None
    issue_instant: str | None
    subject_present: bool
    name_id: Text | None
    confirmations: tuple[Confirmation, ...]
    conditions_present: bool
    not_before: Text | None
    not_on_or_after: Text | None
    audience_restrictions: tuple[tuple[Text, ...], ...]
    """The Audience values of each Conditions/AudienceRestriction, one tuple per restriction."""
    attributes: tuple[Attribute, ...]
    location: str
    name_id_format: str | None = None
    """The NameID's Format attribute (None when it has none)."""

    @property
    def audiences(self) -> tuple[Text, ...]:
        """Every Audience value, whichever AudienceRestriction holds it."""
        return tuple(a for restriction in self.audience_restrictions for a in restriction)

    def attribute(self, name: str) -> tuple[Attribute, ...]:
        """The Attribute elements with exactly this Name."""
        return self._by_name.get(name, ())

    @functools.cached_property
    def _by_name(self) -> dict[str, tuple[Attribute, ...]]:
        """The attributes by Name, in document order: gathered once, not once per lookup (a
        check looks up a dozen names among what may be hundreds of attributes)."""
        named: dict[str, list[Attribute]] = {}
        for attribute in self.attributes:
            named.setdefault(attribute.name, []).append(attribute)
        return {name: tuple(found) for name, found in named.items()}

    def values(self, name: str) -> tuple[Text, ...]:
        return tuple(v for a in self.attribute(name) for v in a.values)


@dataclass(frozen=True)
class ClaimSet:
    response: ResponseFacts
    assertion: AssertionFacts | None
    signed: bool
    """True when the Assertion was read from the signed view."""
    encrypted: bool = False
    """The Assertion is encrypted and could not be read."""


@dataclass(frozen=True)
class Lookalike:
    """Claim-like content outside the signed view: ignored, and suspicious."""

    location: str
    values: tuple[tuple[str, str], ...]


def _prefix(view: etree._Element, raw: etree._Element | None) -> str:
    """Where a detached copy sits in the document; '' for an element that is still in a tree
    (the signed Response's copy holds its Assertion at the full path already)."""
    parent = raw.getparent() if raw is not None and view.getparent() is None else None
    return path_of(parent) if parent is not None else ""


def _text(element: etree._Element, location: str, path: str) -> Text | None:
    """The text at `path` inside `element` (found at `location`), with its own location."""
    found = located_at(element, location, path)
    return Text(text(found[0][0]), found[0][1]) if found else None


def read_response(element: etree._Element, signed: bool, prefix: str = "") -> ResponseFacts:
    location = prefix + path_of(element)
    codes = tuple(
        code.get("Value", "")
        for status in children_at(element, "samlp:Status")
        for code in status.iterdescendants(qname("samlp", "StatusCode"))
    )
    message = child_at(element, "samlp:Status/samlp:StatusMessage")
    return ResponseFacts(
        issuer=_text(element, location, "saml:Issuer"),
        issue_instant=element.get("IssueInstant"),
        destination=element.get("Destination"),
        status_codes=codes,
        status_message=text(message) if message is not None else None,
        signed=signed,
        location=location,
    )


def read_assertion(element: etree._Element, prefix: str = "") -> AssertionFacts:
    """The facts of one Assertion; every location is found from the Assertion's own, walked up
    to once (walking up from each element cost most of the reading of a large assertion)."""
    location = prefix + path_of(element)
    conditions = located_at(element, location, "saml:Conditions")

    def condition(name: str) -> Text | None:
        if not conditions:
            return None
        node, where = conditions[0]
        value = node.get(name)
        return None if value is None else Text(value, f"{where}/@{name}")

    return AssertionFacts(
        issuer=_text(element, location, "saml:Issuer"),
        issue_instant=element.get("IssueInstant"),
        subject_present=child_at(element, "saml:Subject") is not None,
        name_id=_text(element, location, "saml:Subject/saml:NameID"),
        confirmations=tuple(
            _confirmation(node, where)
            for node, where in located_at(
                element, location, "saml:Subject/saml:SubjectConfirmation"
            )
        ),
        conditions_present=bool(conditions),
        not_before=condition("NotBefore"),
        not_on_or_after=condition("NotOnOrAfter"),
        audience_restrictions=tuple(
            tuple(Text(text(a), at) for a, at in located_at(r, where, "saml:Audience"))
            for r, where in located_at(
                element, location, "saml:Conditions/saml:AudienceRestriction"
            )
        ),
        attributes=_attributes(element, location),
        location=location,
        name_id_format=_format(element),
    )


def _attributes(assertion: etree._Element, location: str) -> tuple[Attribute, ...]:
    """Every Attribute of every AttributeStatement, with its values (the one part of a response
    that grows: hundreds of attributes, thousands of values)."""
    return tuple(
        Attribute(
            name=node.get("Name", ""),
            values=tuple([Text(text(v), at) for v, at in located_children(node, where, _VALUE)]),
            location=where,
        )
        for node, where in located_at(assertion, location, "saml:AttributeStatement/saml:Attribute")
    )


_VALUE = qname("saml", "AttributeValue")


def _confirmation(node: etree._Element, location: str) -> Confirmation:
    """One SubjectConfirmation (found at `location`) and its SubjectConfirmationData."""
    found = located_at(node, location, "saml:SubjectConfirmationData")[:1]
    data, where = found[0] if found else (None, location)
    return Confirmation(
        method=node.get("Method"),
        recipient=data.get("Recipient") if data is not None else None,
        not_on_or_after=data.get("NotOnOrAfter") if data is not None else None,
        not_before=data.get("NotBefore") if data is not None else None,
        location=where,
        has_data=data is not None,
    )


def _format(element: etree._Element) -> str | None:
    name_id = child_at(element, "saml:Subject/saml:NameID")
    return name_id.get("Format") if name_id is not None else None


def read_claims(root: etree._Element, view: SignedView) -> ClaimSet:
    """Claims from the signed view; from the document (unverified) when nothing signed covers it."""
    if view.response is not None:
        response = read_response(view.response, signed=True)
    else:
        response = read_response(root, signed=False)
    if view.assertion is not None:
        assertion = read_assertion(view.assertion, _prefix(view.assertion, view.raw_assertion))
        return ClaimSet(response, assertion, signed=True)
    direct = root.findall("saml:Assertion", NS)
    encrypted = root.find("saml:EncryptedAssertion", NS) is not None and not direct
    unverified = read_assertion(direct[0]) if direct else None
    return ClaimSet(response, unverified, signed=False, encrypted=encrypted)


def lookalikes(root: etree._Element, view: SignedView) -> tuple[Lookalike, ...]:
    """Assertions outside the signed view, with the values a careless reader would take (the
    first MAX_LISTED: the assertion-count finding counts them all)."""
    if view.assertion is None:
        return ()
    found: list[Lookalike] = []
    for node in find_assertions(root):
        if len(found) == MAX_LISTED:
            break
        if node is view.raw_assertion or node.tag == qname("saml", "EncryptedAssertion"):
            continue
        if view.raw_assertion is not None and node in view.raw_assertion.iterancestors():
            continue
        found.append(Lookalike(location=path_of(node), values=_said(node)))
    return tuple(found)


def _said(node: etree._Element) -> tuple[tuple[str, str], ...]:
    """The ID, Issuer, NameID and attribute values of an assertion, in whatever namespace."""
    pairs = [("ID", node.get("ID", ""))]
    namespace = etree.QName(node).namespace
    if namespace != NS["saml"]:
        pairs.append(("namespace", namespace or "(none)"))
        node = deepcopy(node)
        for element in node.iter():
            if isinstance(element.tag, str) and etree.QName(element).namespace == namespace:
                element.tag = qname("saml", local_name(element))
    if local_name(node) != "Assertion":
        return tuple(pairs)
    facts = read_assertion(node)
    if facts.issuer is not None:
        pairs.append(("Issuer", facts.issuer.value))
    if facts.name_id is not None:
        pairs.append(("NameID", facts.name_id.value))
    for attribute in facts.attributes:
        pairs.extend((attribute.name, v.value) for v in attribute.values)
    return tuple(pairs)


def role_pair(value: str) -> RoleClaim | None:
    """One Role value as its role and provider ARNs (either order); None when it is not exactly
    such a pair (rules.attributes.role_value_problem says why)."""
    parts = value.split(",")
    if len(parts) != 2:
        return None
    roles = [p for p in parts if aws_role(p)]
    providers = [p for p in parts if aws_provider(p)]
    if len(roles) == 1 and len(providers) == 1:
        return RoleClaim(role_arn=roles[0], provider_arn=providers[0])
    return None


def role_pairs(values: tuple[Text, ...]) -> tuple[RoleClaim, ...]:
    """Role values that are a well-formed pair, as role and provider ARNs (either order)."""
    return tuple(pair for value in values if (pair := role_pair(value.value)) is not None)


def aws_role(text: str) -> bool:
    return aws.ROLE_ARN.fullmatch(text) is not None


def aws_provider(text: str) -> bool:
    return aws.PROVIDER_ARN.fullmatch(text) is not None


def to_report(assertion: AssertionFacts | None) -> Claims:
    """The nine values a report shows for one assertion (all empty for None). The caller decides
    whether they are claims (signed view) or unverified claims."""
    if assertion is None:
        return Claims()
    recipients = [c.recipient for c in assertion.confirmations if c.recipient]

    def single(name: str) -> str | None:
        values = assertion.values(name)
        return values[0].value if values else None

    tags = {
        a.name[len(aws.PRINCIPAL_TAG_PREFIX) :]: (a.values[0].value if a.values else "")
        for a in assertion.attributes
        if a.name.startswith(aws.PRINCIPAL_TAG_PREFIX)
    }
    duration = single(aws.SESSION_DURATION_ATTRIBUTE)
    return Claims(
        issuer=assertion.issuer.value if assertion.issuer else None,
        name_id=assertion.name_id.value if assertion.name_id else None,
        audiences=tuple(a.value for a in assertion.audiences),
        recipient=recipients[0] if recipients else None,
        roles=role_pairs(assertion.values(aws.ROLE_ATTRIBUTE)),
        role_session_name=single(aws.ROLE_SESSION_NAME_ATTRIBUTE),
        source_identity=single(aws.SOURCE_IDENTITY_ATTRIBUTE),
        session_duration=_integer(duration),
        principal_tags=tags,
    )


def _integer(value: str | None) -> int | str | None:
    """'600' as 600; anything else (not a decimal integer, or absurdly long) stays the raw text."""
    return int(value) if value is not None and re.fullmatch(r"-?[0-9]{1,18}", value) else value
