"""Canonicalisation of a document subset, and Reference digests recomputed for a diagnosis.

`canonicalise` is the one C14N of samlcheck: signature verification (SignedInfo and References)
and the digests recomputed here use it. Verification reports a digest mismatch only as a failure;
recomputing each Reference's digest over a copy of the signature's parent says which element no
longer matches and whether removing indentation would make it match again (a pretty-printed
capture).
"""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from samlcheck._internal.inputs.xml import NS, path_of, safe_parser

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


@dataclass(frozen=True)
class DigestCheck:
    """One Reference's digest, recomputed here."""

    uri: str
    target: str
    """Path of the referenced element ('' when the URI does not resolve inside the parent)."""
    matches: bool
    pretty_printed: bool = False
    """The digest matches once whitespace-only text is removed: re-indented after signing."""


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


def _digest(data: bytes, method: str) -> bytes | None:
    name = DIGEST_METHODS.get(method)
    return hashlib.new(name, data).digest() if name else None


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


def _reference_c14n(transforms: list[etree._Element]) -> tuple[str, list[str]]:
    """The Reference's c14n algorithm (C14N 1.0 when it names none) and its PrefixList."""
    for node in transforms:
        algorithm = node.get("Algorithm") or ""
        if algorithm.startswith((EXC_C14N, C14N)):
            inclusive = node.find(f"{{{EXC_C14N}}}InclusiveNamespaces")
            prefixes = (inclusive.get("PrefixList") or "").split() if inclusive is not None else []
            return algorithm, prefixes
    return C14N, []


def strip_whitespace(element: etree._Element) -> None:
    for node in element.iter():
        if node.text is not None and not node.text.strip() and len(node):
            node.text = None
        if node is not element and node.tail is not None and not node.tail.strip():
            node.tail = None


def recompute_digests(signature: etree._Element) -> tuple[DigestCheck, ...]:
    """Each Reference's digest recomputed over the signature's parent (a copy)."""
    parent = signature.getparent()
    if parent is None:
        return ()
    copy = copy_element(parent)
    position = list(parent).index(signature)
    copy_signature = copy[position]
    checks: list[DigestCheck] = []
    for reference in signature.findall("ds:SignedInfo/ds:Reference", NS):
        uri = reference.get("URI") or ""
        if uri in ("", f"#{parent.get('ID')}"):
            target: etree._Element | None = copy
        else:
            found = [e for e in copy.iter() if isinstance(e.tag, str) and e.get("ID") == uri[1:]]
            target = found[0] if len(found) == 1 else None
        if target is None:
            checks.append(DigestCheck(uri=uri, target="", matches=False))
            continue
        nodes = reference.findall("ds:Transforms/ds:Transform", NS)
        transforms = [t.get("Algorithm") or "" for t in nodes]
        algorithm, prefixes = _reference_c14n(nodes)
        canonical = functools.partial(
            canonicalise,
            algorithm=algorithm,
            prefixes=prefixes,
            comments=False,  # a same-document Reference never covers comments (XML DSig 4.4.3.3)
            inherited={**inherited_xml(parent), **inherited_xml(target)},
        )
        if ENVELOPED in transforms and copy_signature.getparent() is not None:
            copy_signature.getparent().remove(copy_signature)  # type: ignore[union-attr]
        method_node = reference.find("ds:DigestMethod", NS)
        method = method_node.get("Algorithm", "") if method_node is not None else ""
        value_node = reference.find("ds:DigestValue", NS)
        try:
            expected = base64.b64decode(
                "".join((value_node.text or "").split()) if value_node is not None else ""
            )
        except (ValueError, binascii.Error):
            expected = b""
        try:
            actual = _digest(canonical(target), method)
            matches = actual is not None and actual == expected
            pretty = False
            if not matches and actual is not None:
                stripped = copy_element(target)
                strip_whitespace(stripped)
                pretty = _digest(canonical(stripped), method) == expected
        except (etree.LxmlError, ValueError):  # not canonicalisable: it cannot match either
            matches, pretty = False, False
        inside = path_of(target)[len(path_of(copy)) :]
        checks.append(
            DigestCheck(
                uri=uri, target=path_of(parent) + inside, matches=matches, pretty_printed=pretty
            )
        )
    return tuple(checks)
