"""libxml2's schema-validation messages in samlcheck's words: which element (and attribute), what
is wrong, what the schema expects. Names are written as the document writes them (md:Bogus, or
Bogus under a default namespace). No library text reaches the user: a message of a shape not
known here gets a sentence of samlcheck's naming the element."""

from __future__ import annotations

import re

from lxml import etree

from samlcheck._internal.inputs.xml import NS
from samlcheck._internal.instants import parse_duration
from samlcheck._internal.trust.schema import written

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_PREFIXES = {uri: prefix for prefix, uri in NS.items()} | {
    "http://www.w3.org/XML/1998/namespace": "xml"
}

_MESSAGE = re.compile(
    r"Element '(?P<element>[^']*)'(?:, attribute '(?P<attribute>[^']*)')?: (?P<rest>.*)", re.S
)
_EXPECTED = r"(?: Expected is (?:one of )?\( (?P<expected>.*) \))?\.?"
_NOT_EXPECTED = re.compile(r"This element is not expected\." + _EXPECTED, re.S)
_MISSING = re.compile(r"Missing child element\(s\)\." + _EXPECTED, re.S)
_REQUIRED = re.compile(r"The attribute '(?P<name>[^']*)' is required but missing\.")
_NOT_ALLOWED = re.compile(r"The attribute '(?P<name>[^']*)' is not allowed\.")
_BAD_VALUE = re.compile(
    r"'(?P<value>.*)' is not a valid value of the (?:local )?\w+ type(?: '(?P<type>[^']*)')?\.",
    re.S,
)
_ENUMERATION = re.compile(
    r"\[facet 'enumeration'\] The value '(?P<value>.*)' is not an element of the set "
    r"\{(?P<set>.*)\}\.",
    re.S,
)
_LENGTH = re.compile(
    r"\[facet '(?:max|min)Length'\] The value '.*' has a length of '(?P<length>\d+)'; this "
    r"(?P<how>exceeds|underruns) the allowed (?:maximum|minimum) length of '(?P<limit>\d+)'\.",
    re.S,
)
_TEXT = re.compile(r"Character content other than whitespace is not allowed because")
_EMPTY = re.compile(
    r"(?:Character|Element) content is not allowed, because the content type is empty"
)
_SIMPLE = re.compile(r"Element content is not allowed, because the type definition is simple")
_XSI_BLOCKED = re.compile(r"specified by xsi:type, is blocked")
_NCNAME = re.compile(r"[^\W\d.\-][\w.\-]*")

_TYPES = {
    "xs:boolean": "true, false, 1 or 0",
    "xs:dateTime": "a date and time such as 2030-01-01T00:00:00Z",
    "xs:duration": "a duration such as PT6H or P30D",
    "xs:anyURI": "a URI",
    "xs:unsignedShort": "a whole number from 0 to 65,535",
    "xs:integer": "a whole number",
    "xs:positiveInteger": "a whole number above 0",
    "xs:nonNegativeInteger": "a whole number, 0 or more",
    "xs:QName": "a prefixed name such as md:EntityDescriptor",
    "xs:NCName": "a name without spaces or ':'",
    "xs:language": "a language tag such as en",
}
"""What each simple type the metadata schema uses accepts, for people."""

BASE64_CHARACTERS = "letters, digits, '+', '/', '=' and whitespace"


def name(clark: str, element: etree._Element) -> str:
    """A {namespace}local name as `element`'s document would write it."""
    namespace, _, local = clark[1:].partition("}") if clark.startswith("{") else ("", "", clark)
    if not namespace:
        return local
    prefixes = {uri: prefix for prefix, uri in element.nsmap.items()}
    prefix = prefixes.get(namespace, _PREFIXES.get(namespace, "\0"))
    if prefix is None:
        return local
    return f"{prefix}:{local}" if prefix != "\0" else clark


def quoted(value: str, limit: int = 60) -> str:
    """A value as the message shows it, cut to `limit` characters."""
    shown = value if len(value) <= limit else f"{value[: limit - 3]}... ({len(value):,} characters)"
    return f"'{shown}'"


def base64_characters(element: etree._Element) -> str:
    return f"{written(element)} must hold base64 ({BASE64_CHARACTERS}) and holds other characters"


def reworded(message: str, element: etree._Element) -> tuple[str, bool]:
    """libxml2's `message` about `element` in samlcheck's words, and whether it is about base64."""
    match = _MESSAGE.fullmatch(message.strip())
    if match is None:
        return f"{written(element)} does not follow the OASIS SAML 2.0 metadata schema here", False
    attribute = match["attribute"]
    if attribute == XSI_TYPE:
        return _xsi_type(match["rest"], element), False
    subject = written(element)
    if attribute:
        subject = f"attribute {name(attribute, element)} of {subject}"
    return _said(match["rest"], subject, element)


def _said(rest: str, subject: str, element: etree._Element) -> tuple[str, bool]:
    """The part after "Element '...': " in samlcheck's words."""
    if found := _NOT_EXPECTED.fullmatch(rest):
        parent = element.getparent()
        where = f" in {written(parent)}" if parent is not None else ""
        return f"{subject} is not allowed at this place{where}{_allowed(found, element)}", False
    if found := _MISSING.fullmatch(rest):
        return f"{subject} lacks a required child element{_allowed(found, element)}", False
    if found := _REQUIRED.fullmatch(rest):
        return f"{subject} lacks the required attribute {name(found['name'], element)}", False
    if found := _NOT_ALLOWED.fullmatch(rest):
        allowed = name(found["name"], element)
        return f"{written(element)} has an attribute the schema does not allow: {allowed}", False
    if found := _ENUMERATION.fullmatch(rest):
        allowed = " or ".join(re.findall(r"'([^']*)'", found["set"]))
        return f"{subject} holds {quoted(found['value'])}; allowed: {allowed}", False
    if found := _LENGTH.fullmatch(rest):
        bound = "at most" if found["how"] == "exceeds" else "at least"
        return (
            f"{subject} is {int(found['length']):,} characters long; the schema allows "
            f"{bound} {int(found['limit']):,}",
            False,
        )
    if found := _BAD_VALUE.fullmatch(rest):
        return _bad_value(found["value"], found["type"] or "", subject)
    if _TEXT.match(rest):
        return f"{subject} holds text between its child elements, where only elements may be", False
    if _EMPTY.match(rest):
        return f"{subject} must be empty", False
    if _SIMPLE.match(rest):
        return f"{subject} must hold text only, not child elements", False
    return f"{subject} does not follow the OASIS SAML 2.0 metadata schema here", False


def beyond_range(message: str) -> bool:
    """libxml2 refuses xs:duration values beyond its range (P99999999999999999999Y) that the
    schema allows (a duration has no bound): not a violation."""
    found = _MESSAGE.fullmatch(message.strip())
    value = _BAD_VALUE.fullmatch(found["rest"]) if found else None
    return (
        value is not None
        and value["type"] == "xs:duration"
        and parse_duration(value["value"]) is not None
    )


def _bad_value(value: str, kind: str, subject: str) -> tuple[str, bool]:
    if kind == "xs:base64Binary":
        return f"{subject} is not whole base64: its length or '=' padding is wrong", True
    if kind == "xs:ID":
        if _NCNAME.fullmatch(value):
            return (
                f"{subject}: the ID {quoted(value)} is used more than once in the document",
                False,
            )
        return (
            f"{subject} holds {quoted(value)}, which is not an ID (a name that starts with a "
            "letter or '_', without spaces or ':')",
            False,
        )
    what = _TYPES.get(
        kind, f"a value of the schema's type {kind}" if kind else "what the schema allows"
    )
    return f"{subject} holds {quoted(value)}, which is not {what}", False


def _allowed(found: re.Match[str], element: etree._Element) -> str:
    """'; allowed here: a, b' from libxml2's list of what may come next ('' without one)."""
    if not found["expected"]:
        return ""
    names = [_expected(item.strip(), element) for item in found["expected"].split(", ")]
    return f"; allowed here: {', '.join(names)}" if len(names) > 1 else f"; expected: {names[0]}"


def _expected(item: str, element: etree._Element) -> str:
    """One entry of libxml2's expected list: a name, or a wildcard."""
    if item.startswith("##other"):
        return f"an element of a namespace other than {_namespace(item[7:], element)}"
    if item.endswith("}*"):
        return f"an element of {_namespace(item, element)}"
    if item == "*":
        return "any element"
    return name(item, element)


def _namespace(wildcard: str, element: etree._Element) -> str:
    """'{uri}*' as the prefix the document binds to `uri` (else the URI)."""
    uri = wildcard.strip("{}*")
    if not uri:
        return "no namespace"
    shown = name(f"{{{uri}}}x", element)
    return shown[:-2] if not shown.startswith("{") and shown.endswith(":x") else uri


def _xsi_type(rest: str, element: etree._Element) -> str:
    value = element.get(XSI_TYPE, "")
    if _XSI_BLOCKED.search(rest):
        return (
            f"xsi:type {value!r} on {written(element)} names a type that may not replace the "
            "element's own; remove the attribute"
        )
    return f"xsi:type {value!r} on {written(element)} names no schema type; remove the attribute"
