"""Canonicalisation of a document subset, and the algorithm identifiers it and verification use.

`canonicalise` is the one C14N of samlcheck: signature verification (SignedInfo and References,
stages/verify.py) and its diagnosis use it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

from lxml import etree

from samlcheck._internal.inputs.xml import safe_parser

ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_C14N_WITH_COMMENTS = EXC_C14N + "WithComments"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
"""Canonical XML 1.0 (inclusive): also XML DSig's default for a Reference without a c14n."""
XML_NS = "{http://www.w3.org/XML/1998/namespace}"

C14N_METHODS = (
    C14N,
    C14N + "#WithComments",
    EXC_C14N,
    EXC_C14N_WITH_COMMENTS,
    "http://www.w3.org/2006/12/xml-c14n11",
    "http://www.w3.org/2006/12/xml-c14n11#WithComments",
)
"""The canonicalisation algorithms verified (C14N 1.1 is canonicalised as 1.0)."""
DIGEST_METHODS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmldsig-more#sha224": "sha224",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
    **{
        f"http://www.w3.org/2007/05/xmldsig-more#sha3-{n}": f"sha3_{n}"
        for n in ("224", "256", "384", "512")
    },
}
"""The DigestMethods verified, by URI: their hashlib names."""


def copy_element(element: etree._Element, *, used_only: bool = False) -> etree._Element:
    """A copy alone in a document of its own, carrying every namespace in scope (`used_only`:
    those it and its descendants use, enough for exclusive C14N without a PrefixList, which
    renders no other).

    A document's root has nothing in scope it does not declare, and libxml2 declares on a copied
    subtree's root each namespace the subtree uses: such copies are made as trees (three to four
    times faster). Any other element is serialised with every in-scope declaration and parsed.
    """
    if element.getparent() is None or used_only:
        copied = copy.deepcopy(element)
        copied.tail = None
        return copied
    # UTF-8: in ASCII, lxml writes a character reference into a non-ASCII attribute *name*
    data = etree.tostring(element, with_tail=False, encoding="UTF-8")
    return etree.fromstring(data, safe_parser())


def inherited_xml(element: etree._Element, *, own: bool = False) -> dict[str, str]:
    """The xml:* attributes (xml:lang, xml:space...) of `element`'s ancestors, the nearest
    winning (and its own first when `own`): inclusive C14N 1.0 writes them on a subset's apex."""
    found: dict[str, str] = {}
    for node in ([element] if own else []) + list(element.iterancestors()):
        for name, value in node.attrib.items():
            if str(name).startswith(XML_NS):
                found.setdefault(str(name), str(value))
    return found


def canonicalise(
    element: etree._Element,
    algorithm: str,
    prefixes: Sequence[str] = (),
    *,
    comments: bool = True,
    inherited: Mapping[str, str] | None = None,
) -> bytes:
    """C14N 1.0 or exc-C14N 1.0 (`algorithm`, its #WithComments form keeping comments only when
    `comments`) of the document subset `element` and its descendants, as the W3C specs say.

    lxml canonicalises an element that is not its document's root wrongly: below a default
    namespace declared on an ancestor it writes xmlns="" on grandchildren, and it drops the xml:*
    attributes inclusive C14N inherits. So the element is re-rooted (a copy carrying every
    namespace in scope, or those it uses for exclusive C14N without a PrefixList) and, for
    inclusive C14N, given the `inherited` xml:* attributes (default: its ancestors'). An element
    alone in its document needs neither.
    """
    exclusive = algorithm.startswith(EXC_C14N)
    given = {} if exclusive else inherited_xml(element) if inherited is None else inherited
    extra = {name: value for name, value in given.items() if name not in element.attrib}
    if not extra and _alone(element):
        root = element
    else:
        root = copy_element(element, used_only=exclusive and not any(prefixes))
    for name, value in extra.items():
        root.set(name, value)
    data = etree.tostring(
        root,
        method="c14n",
        exclusive=exclusive,
        with_comments=comments and algorithm.endswith("#WithComments"),
        inclusive_ns_prefixes=[p for p in prefixes if p] or None,
    )
    default = root.nsmap.get(None)
    if exclusive and "#default" in prefixes:
        _refuse_default_below(root, default)
        if default:
            return _declare_default(data, default)
    return data


def _alone(element: etree._Element) -> bool:
    """The root of its document, with no comment or processing instruction beside it."""
    return (
        element.getparent() is None and element.getprevious() is None and element.getnext() is None
    )


def _refuse_default_below(root: etree._Element, default: str | None) -> None:
    """lxml ignores '#default' in a PrefixList, and `_declare_default` corrects only the apex.
    Two shapes would still come out wrong, so that a tampered document could canonicalise like
    the signed one: an unprefixed element under a prefixed apex that has a default namespace in
    scope, and a prefixed element below that declares a default namespace it does not use. Such
    a subset is refused (ValueError: the signature cannot be verified), never guessed."""
    below = [e for e in root.iterdescendants() if isinstance(e.tag, str)]
    unprefixed_under_prefixed = bool(default) and root.prefix is not None
    if any(
        (e.prefix is None and unprefixed_under_prefixed)
        or (e.prefix is not None and e.nsmap.get(None) != _parent_default(e))
        for e in below
    ):
        raise ValueError(
            "exclusive C14N with '#default' in its PrefixList over this namespace layout is not "
            "supported (an unprefixed element under a prefixed signed element, or a default "
            "namespace declared on a prefixed element)"
        )


def _parent_default(element: etree._Element) -> str | None:
    parent = element.getparent()
    return parent.nsmap.get(None) if parent is not None else None


def _declare_default(data: bytes, uri: str) -> bytes:
    """exc-C14N output whose PrefixList holds '#default': the apex declares the default
    namespace in scope. lxml drops the '#default' token (only prefixes it knows pass through), so
    the declaration is added here, first as C14N orders them, unless already written."""
    name_end = len(data.split(b">", 1)[0].split(b" ", 1)[0])
    if data[name_end:].startswith(b' xmlns="'):
        return data
    value = uri.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return data[:name_end] + f' xmlns="{value}"'.encode() + data[name_end:]


def strip_whitespace(element: etree._Element) -> None:
    """Remove whitespace-only text between elements (undo pretty-printing), in place."""
    for node in element.iter():
        if node.text is not None and not node.text.strip() and len(node):
            node.text = None
        if node is not element and node.tail is not None and not node.tail.strip():
            node.tail = None
