"""Reference digests recomputed independently of signxml, for a precise diagnosis.

signxml reports a digest mismatch only as a failure; recomputing each Reference's digest over a copy
of the signature's parent (enveloped transform, exclusive c14n) says which element no longer
matches and whether removing indentation would make it match again (a pretty-printed capture).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from lxml import etree

from samlcheck.xml import NS, path_of, safe_parser

ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_C14N_WITH_COMMENTS = EXC_C14N + "WithComments"

_DIGESTS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmldsig-more#sha224": "sha224",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}


@dataclass(frozen=True)
class DigestCheck:
    """One Reference's digest, recomputed here."""

    uri: str
    target: str
    """Path of the referenced element ('' when the URI does not resolve inside the parent)."""
    matches: bool
    pretty_printed: bool = False
    """The digest matches once whitespace-only text is removed: re-indented after signing."""


def copy_element(element: etree._Element) -> etree._Element:
    """A detached copy carrying the in-scope namespaces (as signxml makes it)."""
    return etree.fromstring(etree.tostring(element, with_tail=False), safe_parser())


def _digest(data: bytes, method: str) -> bytes | None:
    name = _DIGESTS.get(method)
    return hashlib.new(name, data).digest() if name else None


def _canonical(target: etree._Element, transforms: list[str], prefixes: list[str]) -> bytes:
    exclusive = any(t.startswith(EXC_C14N) for t in transforms)
    comments = EXC_C14N_WITH_COMMENTS in transforms
    return etree.tostring(
        copy_element(target),
        method="c14n",
        exclusive=exclusive,
        with_comments=comments,
        inclusive_ns_prefixes=prefixes or None,
    )


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
        prefixes: list[str] = []
        for node in nodes:
            inclusive = node.find(f"{{{EXC_C14N}}}InclusiveNamespaces")
            if inclusive is not None:
                prefixes = (inclusive.get("PrefixList") or "").split()
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
            actual = _digest(_canonical(target, transforms, prefixes), method)
            matches = actual is not None and actual == expected
            pretty = False
            if not matches and actual is not None:
                stripped = copy_element(target)
                strip_whitespace(stripped)
                pretty = _digest(_canonical(stripped, transforms, prefixes), method) == expected
        except (etree.LxmlError, ValueError):  # not canonicalisable: it cannot match either
            matches, pretty = False, False
        inside = path_of(target)[len(path_of(copy)) :]
        checks.append(
            DigestCheck(
                uri=uri, target=path_of(parent) + inside, matches=matches, pretty_printed=pretty
            )
        )
    return tuple(checks)
