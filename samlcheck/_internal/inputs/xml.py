"""One hardened XML parser for everything samlcheck reads, plus small tree helpers.

No DTD (any DOCTYPE is refused), no entity resolution, no network, no huge-tree mode and a
bounded input size. Encoding facts (byte order mark, declared encoding) are kept for the rules.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass

from lxml import etree

MAX_XML_BYTES = 16 * 1024 * 1024
"""Largest XML document accepted (IAM's metadata limit is 10,000,000 characters)."""
MAX_XML_NODES = 100_000
"""Most elements (plus comments, PIs and CDATA sections) a SAML message may hold: it has dozens
(STS takes at most 100,000 base64 characters); 4 million empty elements fit in 16 MiB and took
23 s and 560 MB to check, so the count is refused before lxml builds the tree. Metadata is not
counted: its checks bound their own work."""

NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "xenc": "http://www.w3.org/2001/04/xmlenc#",
    "xenc11": "http://www.w3.org/2009/xmlenc11#",
    "soap": "http://schemas.xmlsoap.org/soap/envelope/",
    "soap12": "http://www.w3.org/2003/05/soap-envelope",
}

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "UTF-32-LE"),
    (codecs.BOM_UTF32_BE, "UTF-32-BE"),
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF16_LE, "UTF-16-LE"),
    (codecs.BOM_UTF16_BE, "UTF-16-BE"),
)
_UNMARKED = (  # how '<' looks in each encoding when there is no byte order mark, longest first
    (b"<\x00\x00\x00", "UTF-32-LE"),
    (b"\x00\x00\x00<", "UTF-32-BE"),
    (b"<\x00", "UTF-16-LE"),
    (b"\x00<", "UTF-16-BE"),
)
DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])([A-Za-z0-9._-]+)\2""")
"""The XML declaration's encoding: group 3 is the name (groups 1 and 2 what precedes it)."""


class XmlRefused(Exception):
    """The bytes are not acceptable XML. `reason` is a stable key; the message is for the user."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Encoding:
    """What the bytes say about their encoding, before any parsing."""

    family: str
    """UTF-8, UTF-16-LE, UTF-16-BE, UTF-32-LE or UTF-32-BE, from the BOM or the first bytes."""
    bom: bool
    declared: str | None
    """The encoding named in the XML declaration, if any."""

    @property
    def codec(self) -> str:
        """The family as a Python codec name (utf_16_le)."""
        return _codec(self.family)


@dataclass(frozen=True)
class XmlDocument:
    """A parsed document and the exact bytes it was parsed from."""

    data: bytes
    root: etree._Element
    encoding: Encoding


def _codec(family: str) -> str:
    return family.replace("-", "_").lower()


def sniff_encoding(data: bytes) -> Encoding:
    """Read the byte order mark, the encoding family and the declared encoding."""
    family, bom = "UTF-8", False
    for mark, name in _BOMS:
        if data.startswith(mark):
            family, bom = name, True
            break
    else:
        for prefix, name in _UNMARKED:
            if data.startswith(prefix):
                family = name
                break
    start = data[:400].decode(_codec(family), errors="replace").lstrip("\ufeff")
    match = DECLARED_ENCODING.match(start)
    return Encoding(family=family, bom=bom, declared=match.group(3) if match else None)


def safe_parser() -> etree.XMLParser:
    """The hardened parser settings; also for re-parsing copies of already-parsed elements."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        remove_pis=False,
        strip_cdata=False,
    )


def parse(
    data: bytes, max_bytes: int = MAX_XML_BYTES, max_nodes: int | None = MAX_XML_NODES
) -> XmlDocument:
    """Parse `data` safely or raise `XmlRefused` saying what is wrong. `max_nodes` None: no count
    (metadata, whose checks bound their own work; 16 MiB holds at most about 4 million nodes)."""
    if len(data) > max_bytes:
        raise XmlRefused(
            "too-large",
            f"the document is {len(data):,} bytes; samlcheck reads at most {max_bytes:,}",
        )
    if not data.strip():
        raise XmlRefused("empty", "the document is empty")
    encoding = sniff_encoding(data)
    codec = encoding.codec
    if "<!DOCTYPE".encode(codec) in data:
        raise XmlRefused(
            "doctype",
            "the document has a DOCTYPE declaration; SAML forbids DTDs and samlcheck refuses them "
            "(entity expansion and external entities are classic attacks)",
        )
    nodes = 0 if max_nodes is None else _markup_count(data, codec, max_nodes)
    if max_nodes is not None and nodes > max_nodes:
        raise XmlRefused(
            "too-many-elements",
            f"the document holds {nodes:,} elements or other markup; samlcheck reads at most "
            f"{max_nodes:,} (a SAML message has dozens)",
        )
    parser = safe_parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise _refusal(" ".join(str(error.msg or error).split()), *error.position) from None
    for entry in parser.error_log:  # type: ignore[attr-defined]
        if entry.level >= etree.ErrorLevels.ERROR:  # type: ignore[attr-defined]
            # lxml returns a tree when libxml2's last message is a warning, even after an error
            # (an undefined prefix, one attribute twice): a namespace-aware parser refuses it
            raise _refusal(entry.message, entry.line, entry.column)
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None:
        raise XmlRefused(
            "doctype", "the document has a DOCTYPE declaration; samlcheck refuses DTDs"
        )
    return XmlDocument(data=data, root=root, encoding=encoding)


def _markup_count(data: bytes, codec: str, most: int) -> int:
    """An upper bound on the nodes lxml would build: every '<' that does not start an end tag.
    End tags are counted only when the '<' alone pass `most` (counting '</' costs a check more
    than the parse's other guards together)."""
    opening = data.count("<".encode(codec))
    return opening if opening <= most else opening - data.count("</".encode(codec))


def _refusal(message: str, line: int, column: int) -> XmlRefused:
    """libxml2's first error, as the reason the document is refused."""
    # libxml2 puts a line break before ', line N, column M' in some messages: keep one line
    text = " ".join(message.split()).replace(" ,", ",")
    if ", line " not in text:
        text += f", line {line}, column {column}"
    if "Extra content at the end of the document" in text:
        return XmlRefused(
            "multiple-documents",
            f"a second XML document (or other content) follows the first one at line {line}, "
            f"column {column}; the payload holds documents back to back and is not parsed by half",
        )
    if "Excessive depth" in text:
        return XmlRefused("too-deep", f"the document nests elements deeper than 256 levels: {text}")
    if "Document is empty" in text or "Start tag expected" in text:
        return XmlRefused("not-xml", f"the data is not XML ({text})")
    return XmlRefused("not-well-formed", f"the XML is not well-formed: {text}")


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else etree.QName(element).localname


def qname(prefix: str, name: str) -> str:
    """Clark notation for a name in one of the known namespaces: `{uri}name`."""
    return f"{{{NS[prefix]}}}{name}"


def text(element: etree._Element) -> str:
    """All text inside `element`, every text node joined; never cut short at a comment."""
    if len(element) == 0:  # a leaf (most values): its one text node, without a generator
        return element.text or ""
    return "".join(str(part) for part in element.itertext())


def has_comment(element: etree._Element) -> bool:
    """True when a comment or processing instruction sits inside the element's text."""
    return any(
        isinstance(node, etree._Comment | etree._ProcessingInstruction)
        for node in element.iterdescendants()
    )


def path_of(element: etree._Element) -> str:
    """A readable location such as `/Response/Assertion[1]/Subject/NameID`."""
    if not isinstance(element.tag, str):
        return "/"
    parent = element.getparent()
    if parent is None:
        return "/" + local_name(element)
    base = _PARENT_PATHS.get(parent)
    if base is None:
        base = path_of(parent)
        if len(_PARENT_PATHS) >= _KEPT_PATHS:  # the oldest goes
            _PARENT_PATHS.pop(next(iter(_PARENT_PATHS), parent), None)
        _PARENT_PATHS[parent] = base
    return f"{base}/{local_name(element)}{_sibling_index(parent, element)}"


_PARENT_PATHS: dict[etree._Element, str] = {}
"""The paths of the last parents located: siblings are usually located one after another, and
walking up from each of 100,000 AttributeValues again took 6 s; an Attribute and its values
alternate between two parents, so one remembered parent is not enough."""
_KEPT_PATHS = 16


_INDEXES: dict[etree._Element, dict[etree._Element, str]] = {}
"""'[n]' of each child, for the last few parents with many children (see _sibling_index)."""
_INDEXED_PARENTS = 8


def _sibling_index(parent: etree._Element, node: etree._Element) -> str:
    """'[n]' when `parent` has several children with `node`'s tag, else ''.

    Locating each of 20,000 AttributeValues by scanning its siblings took 90 s; for a parent with
    many children the indexes are computed once and kept (samlcheck never edits a tree in place
    once it has located elements in it; len(parent) is no check: lxml counts by walking).
    """
    try:
        parent[64]  # constant time, unlike len()
    except IndexError:
        same = [c for c in parent if isinstance(c.tag, str) and c.tag == node.tag]
        return f"[{same.index(node) + 1}]" if len(same) > 1 else ""
    known = _INDEXES.get(parent)
    if known is None or node not in known:
        counts: dict[str, int] = {}
        for child in parent:
            if isinstance(child.tag, str):
                counts[child.tag] = counts.get(child.tag, 0) + 1
        seen: dict[str, int] = {}
        labels: dict[etree._Element, str] = {}
        for child in parent:
            if isinstance(child.tag, str):
                seen[child.tag] = seen.get(child.tag, 0) + 1
                labels[child] = f"[{seen[child.tag]}]" if counts[child.tag] > 1 else ""
        while len(_INDEXES) >= _INDEXED_PARENTS:
            del _INDEXES[next(iter(_INDEXES))]
        known = _INDEXES[parent] = labels
    return known[node]


def located_children(
    parent: etree._Element, path: str, tag: str
) -> list[tuple[etree._Element, str]]:
    """The children of `parent` named `tag` (Clark notation), each with its location, `path`
    being the parent's: what path_of gives them, in one pass instead of one walk each."""
    same = [child for child in parent if child.tag == tag]
    name = "/" + tag.rpartition("}")[2]
    if len(same) == 1:
        return [(same[0], path + name)]
    return [(child, f"{path}{name}[{n}]") for n, child in enumerate(same, 1)]


def located_at(
    element: etree._Element, location: str, path: str
) -> list[tuple[etree._Element, str]]:
    """`children_at(element, path)`, each with its location, `location` being the element's:
    what path_of gives them, without walking up from each."""
    found = [(element, location)]
    for tag in _steps(path):
        found = [pair for node, where in found for pair in located_children(node, where, tag)]
    return found


def children_at(element: etree._Element, path: str) -> list[etree._Element]:
    """`element.findall(path, NS)` for a path of child steps such as 'saml:Subject/saml:NameID',
    without ElementPath, which parses and walks the path in Python code (3 to 8 µs a call,
    a tenth of a check's reading of its claims)."""
    found = [element]
    for tag in _steps(path):
        found = [child for node in found for child in node.iterchildren(tag)]
    return found


def child_at(element: etree._Element, path: str) -> etree._Element | None:
    """`element.find(path, NS)` for a path of child steps (see children_at)."""
    steps = _steps(path)
    if len(steps) == 1:  # most calls: the first such child, without a list
        return next(element.iterchildren(steps[0]), None)
    found = children_at(element, path)
    return found[0] if found else None


@functools.lru_cache(maxsize=64)
def _steps(path: str) -> tuple[str, ...]:
    """'saml:Subject/saml:NameID' as Clark-notation tags."""
    return tuple(qname(*step.split(":")) for step in path.split("/"))


def find_all(element: etree._Element, path: str) -> list[etree._Element]:
    """Elements matching an XPath over the known namespace prefixes."""
    found = element.xpath(path, namespaces=NS)
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []
