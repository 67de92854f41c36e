"""The SAML signature profile and its wrapping defences, measured on the parsed document.

SAML core 5.4: a Signature sits on the Response or on an Assertion, has one Reference whose URI is
'#' + its parent's ID (empty only on the root) and only the enveloped-signature and exclusive c14n
transforms. Against wrapping: no ID value twice, exactly one Assertion or EncryptedAssertion
anywhere. Also comment and CDATA injection inside signed text.
"""

from __future__ import annotations

import enum
import html
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice
from typing import Literal

from lxml import etree

from samlcheck._internal.inputs.xml import (
    XmlDocument,
    children_at,
    has_comment,
    local_name,
    path_of,
    qname,
    text,
)
from samlcheck._internal.stages.digests import ENVELOPED, EXC_C14N, EXC_C14N_WITH_COMMENTS

ALLOWED_TRANSFORMS = (ENVELOPED, EXC_C14N, EXC_C14N_WITH_COMMENTS)
ID_ATTRIBUTES = ("ID", "Id", "id", "AssertionID", "ResponseID")
"""Attribute names treated as XML IDs when looking for duplicates (SAML 2, XML DSig, SAML 1)."""
MAX_LISTED = 8
"""Elements named per finding (look-alike assertions, duplicate IDs, injected text); the rest are
counted. A million of them took 14 s and one finding each."""


class Covers(str, enum.Enum):
    """What a ds:Signature signs, by where it sits."""

    RESPONSE = "response"
    """The root Response."""
    ASSERTION = "assertion"
    """An Assertion that is a child of the root Response."""
    OTHER = "other"
    """Anything else: a moved, wrapped or misplaced signature."""


class Breach(str, enum.Enum):
    """The kinds of ProfileViolation (each maps to one rule in rules.signature)."""

    PARENT = "parent"
    REFERENCES = "references"
    REFERENCE_URI = "reference-uri"
    TRANSFORMS = "transforms"
    DUPLICATE_ID = "duplicate-id"
    ASSERTION_COUNT = "assertion-count"
    ISSUER_SIGNER = "issuer-signer"
    """The key that verified is not of the entity the signed Issuer names."""
    ISSUER_ENTITY = "issuer-entity"
    """The Response and Assertion Issuers name another entity than the signing key's."""
    PROVIDER_ISSUER = "provider-issuer"
    """An Issuer that is not the entityID of the only metadata entity."""


@dataclass(frozen=True)
class ProfileViolation:
    """One breach of the SAML signature profile (SAML core 5.4) or of its wrapping defences."""

    kind: Breach
    message: str
    location: str


@dataclass(frozen=True)
class InjectedText:
    """A signed text value split by a comment or a CDATA section (comment injection)."""

    location: str
    full: str
    """The whole text, as canonicalization (and samlcheck) reads it."""
    first: str
    """The text before the first comment or CDATA section: what a naive parser reads."""
    kind: Literal["comment", "CDATA"]
    name: str
    """The element's local name (NameID, AttributeValue...)."""


def covers(signature: etree._Element, root: etree._Element) -> Covers:
    parent = signature.getparent()
    if parent is None:
        return Covers.OTHER
    if parent is root and root.tag == qname("samlp", "Response"):
        return Covers.RESPONSE
    if parent.tag == qname("saml", "Assertion") and parent.getparent() is root:
        return Covers.ASSERTION
    return Covers.OTHER


def signature_violations(signature: etree._Element, root: etree._Element) -> list[ProfileViolation]:
    """How one ds:Signature breaks the profile: its place, its References, its transforms."""
    where = path_of(signature)
    parent = signature.getparent()
    misplaced = _misplaced(signature, root)
    found = [ProfileViolation(Breach.PARENT, misplaced, where)] if misplaced else []
    references = children_at(signature, "ds:SignedInfo/ds:Reference")
    if len(references) != 1:
        found.append(
            ProfileViolation(
                Breach.REFERENCES,
                f"the signature has {len(references)} References; the SAML profile requires "
                "exactly one",
                where,
            )
        )
    for reference in references:
        found.extend(_reference_violations(reference, parent, root, where))
    if parent is None:
        return found
    second = next(islice(parent.iterchildren(qname("ds", "Signature")), 1, None), None)
    if second is not None:
        found.append(
            ProfileViolation(
                Breach.REFERENCES, f"{path_of(parent)} carries more than one Signature", where
            )
        )
    return found


def _misplaced(signature: etree._Element, root: etree._Element) -> str | None:
    """Why the signature is not on the Response or on an Assertion directly inside it."""
    parent = signature.getparent()
    if parent is None or parent.tag not in (qname("samlp", "Response"), qname("saml", "Assertion")):
        name = local_name(parent) if parent is not None else "nothing"
        return f"the signature's parent is {name}, not the Response or an Assertion"
    if covers(signature, root) is Covers.OTHER:
        return (
            f"the signature signs {path_of(parent)}, which is not the Response nor an "
            "Assertion directly inside it (a moved or wrapped element)"
        )
    return None


def _reference_violations(
    reference: etree._Element,
    parent: etree._Element | None,
    root: etree._Element,
    where: str,
) -> list[ProfileViolation]:
    """A Reference that does not name the signature's parent, or has foreign transforms."""
    uri = reference.get("URI")
    if uri == "" and parent is root:
        return []  # the root's same-document reference: nothing further is checked
    found: list[ProfileViolation] = []
    parent_id = parent.get("ID") if parent is not None else None
    if parent_id is None or uri != f"#{parent_id}":
        expected = f"#{parent_id}" if parent_id else "the parent's ID (it has none)"
        found.append(
            ProfileViolation(
                Breach.REFERENCE_URI,
                f"the Reference URI is {uri!r}, not {expected!r}: the signature does not "
                "sign its own parent",
                where,
            )
        )
    unexpected = [
        t.get("Algorithm") or "(no Algorithm)"
        for t in children_at(reference, "ds:Transforms/ds:Transform")
        if t.get("Algorithm") not in ALLOWED_TRANSFORMS
    ]
    if unexpected:
        found.append(
            ProfileViolation(
                Breach.TRANSFORMS,
                "transforms other than enveloped-signature and exclusive c14n: "
                + ", ".join(unexpected),
                where,
            )
        )
    return found


_ID_VALUES = etree.XPath("|".join(f"//@{name}" for name in ID_ATTRIBUTES))
"""Every ID attribute in the document, found in C (no Python loop per element), and compiled
once: compiling the expression took two thirds of each search."""


def document_violations(root: etree._Element) -> list[ProfileViolation]:
    """Duplicate ID values and the count of Assertion/EncryptedAssertion elements anywhere."""
    found: list[ProfileViolation] = []
    seen: dict[str, list[etree._Element]] = defaultdict(list)
    for attribute in _ID_VALUES(root):  # type: ignore[union-attr]
        owner = attribute.getparent()  # type: ignore[union-attr]
        if isinstance(owner, etree._Element):
            seen[str(attribute)].append(owner)
    for value, places in seen.items():
        if len(places) > 1:
            found.append(
                ProfileViolation(
                    Breach.DUPLICATE_ID,
                    f"the ID {value!r} occurs {len(places)} times: {_listed(places)}",
                    path_of(places[1]),
                )
            )
        if len(found) == MAX_LISTED:
            break
    assertions = find_assertions(root)
    if len(assertions) != 1 and root.tag == qname("samlp", "Response"):
        where = _listed(assertions) or "none"
        found.append(
            ProfileViolation(
                Breach.ASSERTION_COUNT,
                f"the document holds {len(assertions)} Assertion/EncryptedAssertion elements "
                f"({where}); exactly one is allowed",
                path_of(root),
            )
        )
    return found


def find_assertions(root: etree._Element) -> list[etree._Element]:
    """Every Assertion and EncryptedAssertion, wherever it is (Extensions, Advice, Object...) and
    in whatever namespace: one in a look-alike namespace (...:assertion2) behind the same prefix
    reads as an assertion to a parser that matches local names."""
    return list(root.iter("{*}Assertion", "{*}EncryptedAssertion"))


def _listed(elements: list[etree._Element]) -> str:
    """The paths of the first MAX_LISTED elements, and how many more there are."""
    paths = ", ".join(path_of(e) for e in elements[:MAX_LISTED])
    more = len(elements) - MAX_LISTED
    return paths + (f" and {more} more" if more > 0 else "")


def injected_text(element: etree._Element, cdata: bool = True) -> list[InjectedText]:
    """Leaf elements whose text is split by a comment, a processing instruction or CDATA (the
    first MAX_LISTED); none at all is decided once for the whole element. `cdata` False: the
    document is known to hold no CDATA section (see may_hold_cdata)."""
    found: list[InjectedText] = []
    markup = next(element.iter(etree.Comment, etree.ProcessingInstruction), None) is not None
    if not markup and not (cdata and b"<![CDATA[" in etree.tostring(element)):
        return found
    for node in element.iter():
        if len(found) == MAX_LISTED:
            break
        if not isinstance(node.tag, str) or any(isinstance(c.tag, str) for c in node):
            continue
        split = has_comment(node)
        cdata = b"<![CDATA[" in etree.tostring(node, with_tail=False)
        if not split and not cdata:
            continue
        found.append(
            InjectedText(
                location=path_of(node),
                full=text(node),
                first=_text_before_markup(node),
                kind="comment" if split else "CDATA",
                name=local_name(node),
            )
        )
    return found


_ASCII_BASED = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})


def may_hold_cdata(doc: XmlDocument) -> bool:
    """False when the bytes the document was parsed from, in UTF-8 or ASCII, hold no CDATA
    section: then no element does, and none needs serialising to find out."""
    ascii_based = doc.encoding.family == "UTF-8" and (
        doc.encoding.declared is None or doc.encoding.declared.lower() in _ASCII_BASED
    )
    return not ascii_based or b"<![CDATA[" in doc.data


def _text_before_markup(leaf: etree._Element) -> str:
    """The text of a leaf element up to its first comment, processing instruction or CDATA
    section, taken from its serialisation: lxml merges CDATA into `.text`, so that cannot tell."""
    serial = etree.tostring(leaf, encoding="unicode", with_tail=False)
    content = serial[serial.index(">") + 1 :]
    return html.unescape(content[: content.find("<")])
