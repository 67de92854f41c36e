"""The OASIS SAML 2.0 metadata schema, validated with lxml (libxml2), its findings in samlcheck's
words (trust.schema_messages).

lxml builds the schema from the vendored XSDs in about 2 ms (every import is a local file), so it
is built at most once per run and never cached on disk. libxml2 skips characters outside the
base64 alphabet in xs:base64Binary values; samlcheck checks those itself (`_schema_errors`).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, cast

from lxml import etree

XSD_DIR = Path(__file__).parents[2] / "schemas" / "xsd"
"""The vendored OASIS and W3C XSDs: package data at samlcheck/schemas/xsd."""
METADATA_XSD = XSD_DIR / "saml-schema-metadata-2.0.xsd"
_XS = "{http://www.w3.org/2001/XMLSchema}"


@dataclass(frozen=True)
class SchemaError:
    """One schema violation, with where it is, in samlcheck's words."""

    line: int | None
    path: str
    reason: str
    base64: str = ""
    """The element's local name when its base64 content is wrong (its fix depends on it)."""


class _LogEntry(Protocol):
    """What samlcheck reads of an entry of lxml's error log (its stubs leave the log untyped)."""

    path: str
    message: str


@functools.cache
def metadata_schema() -> etree.XMLSchema:
    """The schema, built at most once per run from the vendored XSDs (no network)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(METADATA_XSD), parser))


@functools.cache
def base64_elements() -> frozenset[str]:
    """The {namespace}names the vendored XSDs give xs:base64Binary content or a type derived from
    it (ds:X509Certificate, ds:SignatureValue, ds:Modulus, xenc:CipherValue ...)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    trees = [etree.parse(str(path), parser).getroot() for path in sorted(XSD_DIR.glob("*.xsd"))]
    types = {"base64Binary"}
    while True:  # types derived from a base64 type, to a fixed point
        derived = {
            str(kind.get("name"))
            for root in trees
            for kind in root.iter(f"{_XS}simpleType", f"{_XS}complexType")
            if kind.get("name")
            and any(
                str(step.get("base", "")).rpartition(":")[2] in types
                for step in kind.iter(f"{_XS}restriction", f"{_XS}extension")
            )
        }
        if derived <= types:
            break
        types |= derived
    return frozenset(
        f"{{{root.get('targetNamespace')}}}{element.get('name')}"
        for root in trees
        for element in root.iter(f"{_XS}element")
        if element.get("name") and str(element.get("type", "")).rpartition(":")[2] in types
    )


MAX_VALIDATED_ELEMENTS = 2_000
"""Most elements validated: an IdP's metadata has a few hundred. Beyond it the content of
md:Extensions, then the entities of an aggregate after the first that fit, are left out (both are
optional to the schema, so leaving them out adds no violation); a document still larger is not
validated. `Validation.skipped` counts what was left out. libxml2 validates a few microseconds an
element; the bound keeps the errors located and the report the same on any input."""

EXTENSIONS = "{urn:oasis:names:tc:SAML:2.0:metadata}Extensions"
_ENTITIES = "{urn:oasis:names:tc:SAML:2.0:metadata}EntitiesDescriptor"
_MEMBERS = (_ENTITIES, "{urn:oasis:names:tc:SAML:2.0:metadata}EntityDescriptor")


@dataclass(frozen=True)
class Validation:
    """The first schema violations, and how many elements were not validated (to bound work)."""

    errors: tuple[SchemaError, ...]
    skipped: int = 0
    total: int = 0
    """Elements in the document."""


def validate(root: etree._Element, limit: int = 5) -> tuple[SchemaError, ...]:
    """The first `limit` schema violations of the document rooted at `root` (see `check`)."""
    return check(root, limit).errors


def check(root: etree._Element, limit: int = 5) -> Validation:
    """The first `limit` schema violations of the document rooted at `root`, in document order,
    validating at most MAX_VALIDATED_ELEMENTS elements (the rest is left out and counted, see
    there). xsi:schemaLocation hints in the document are never followed."""
    total = _size(root)
    detached = _detach_beyond_budget(root, total)
    try:
        kept = _size(root)
        if kept > MAX_VALIDATED_ELEMENTS:
            return Validation((), skipped=total, total=total)
        errors = _schema_errors(root, limit)
    finally:
        for parent, previous, child in reversed(detached):
            if previous is None:
                parent.insert(0, child)
            else:
                previous.addnext(child)
    return Validation(tuple(errors), skipped=total - kept, total=total)


def _schema_errors(root: etree._Element, limit: int) -> list[SchemaError]:
    """The first `limit` violations in document order: libxml2's first `limit`, and the first
    `limit` base64 texts holding characters libxml2 skips (a message of None)."""
    schema = metadata_schema()
    schema.validate(root)
    entries = cast("Iterable[_LogEntry]", schema.error_log)
    if entries:
        from samlcheck._internal.trust import schema_messages  # its patterns: only on errors

        entries = (e for e in entries if not schema_messages.beyond_range(e.message))
    found: list[tuple[etree._Element, str | None]] = [
        (_element_at(root, entry.path), entry.message) for entry in itertools.islice(entries, limit)
    ]
    found += itertools.islice(
        ((e, None) for e in root.iter(*base64_elements()) if not _BASE64.fullmatch(e.text or "")),
        limit,
    )
    if not found:
        return []
    characters = {element for element, message in found if message is None}
    found = [  # text with other characters: libxml2's length error on it says less
        (element, message)
        for element, message in found
        if message is None or element not in characters or "base64Binary" not in message
    ]
    order = {element: number for number, element in enumerate(root.iter())}
    found.sort(key=lambda pair: order.get(pair[0], 0))  # stable: libxml2's order on one element
    return [_error(element, message) for element, message in found[:limit]]


_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")


def _error(element: etree._Element, message: str | None) -> SchemaError:
    """The violation `message` reports at `element`; None: base64 text with other characters."""
    from samlcheck._internal.trust import schema_messages  # its patterns: only on errors

    if message is None:
        reason, base64 = schema_messages.base64_characters(element), True
    else:
        reason, base64 = schema_messages.reworded(message, element)
    return SchemaError(
        getattr(element, "sourceline", None),
        schema_path(element),
        reason,
        etree.QName(element).localname if base64 else "",
    )


_STEP = re.compile(r"(?P<name>[^/\[]+)(?:\[(?P<index>\d+)\])?")


def _element_at(root: etree._Element, path: str) -> etree._Element:
    """The element libxml2's `path` names (/md:A/md:B[2], /*/*[3] under a default namespace),
    `root` being its first step; the deepest element reached when a step names no element."""
    element = root
    for step in path.strip("/").split("/")[1:]:
        match = _STEP.fullmatch(step)
        if match is None:
            break
        wanted = match["name"]
        children = [
            child
            for child in element
            if isinstance(child.tag, str) and (wanted == "*" or wanted == written(child))
        ]
        index = int(match["index"] or 1) - 1
        if index >= len(children):
            break
        element = children[index]
    return element


def written(element: etree._Element) -> str:
    """The element's name as the document writes it: prefix:local, or local."""
    local = etree.QName(element).localname
    return f"{element.prefix}:{local}" if element.prefix else local


def schema_path(element: etree._Element) -> str:
    """/md:EntityDescriptor/md:IDPSSODescriptor/md:SingleSignOnService[1]: names as written, an
    index where siblings share the name."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        parent = node.getparent()
        step = written(node)
        if parent is not None:
            same = [child for child in parent if child.tag == node.tag]
            if len(same) > 1:
                step += f"[{same.index(node) + 1}]"
        steps.append(step)
        node = parent
    return "/" + "/".join(reversed(steps))


def _size(element: etree._Element) -> int:
    """Elements in the subtree (comments and processing instructions not counted), in C."""
    count = element.xpath("count(descendant-or-self::*)")
    return int(count) if isinstance(count, float) else 0


Detached = list[tuple[etree._Element, etree._Element | None, etree._Element]]
"""(parent, previous sibling, element) in detaching order: put back in reverse order."""


def _detach_beyond_budget(root: etree._Element, total: int) -> Detached:
    """Detach Extensions, then aggregate members, until the document fits the budget."""
    detached: Detached = []
    if total <= MAX_VALIDATED_ELEMENTS:
        return detached

    def detach(child: etree._Element) -> int:
        parent = child.getparent()
        assert parent is not None
        detached.append((parent, child.getprevious(), child))
        parent.remove(child)  # lxml keeps the tail with the element: putting it back restores it
        return _size(child)

    remaining = total
    for extensions in list(root.iter(EXTENSIONS)):
        if extensions is not root and _within(extensions, root):
            remaining -= detach(extensions)
    if remaining > MAX_VALIDATED_ELEMENTS and root.tag == _ENTITIES:
        members = [(c, _size(c)) for c in root if c.tag in _MEMBERS]
        used = remaining - sum(size for _, size in members)
        for number, (member, size) in enumerate(members):
            if number and used + size > MAX_VALIDATED_ELEMENTS:
                detach(member)
            else:
                used += size
    return detached


def _within(element: etree._Element, root: etree._Element) -> bool:
    """True while `element` is still attached under `root` (not inside a detached subtree)."""
    node = element.getparent()
    while node is not None and node is not root:
        node = node.getparent()
    return node is root
