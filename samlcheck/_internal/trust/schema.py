"""The OASIS SAML 2.0 metadata schema: built lazily, at most once per run, cached across runs.

Building the schema with xmlschema takes a few hundred milliseconds; loading a pickled copy takes a
few tens. The copy lives in $XDG_CACHE_HOME/samlcheck (default ~/.cache/samlcheck), under a name
derived from the xmlschema and Python versions and the hashes of the vendored XSDs, so any change
to them builds afresh. A corrupt, foreign or unwritable cache falls back silently to a fresh build.
Unpickling runs code, so the copy is loaded only when its directory and the file belong to the
current user and neither is writable by group or others (the directory is created 0700): a shared
CI cache or a loosened mode means a fresh build, never a load.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from samlcheck._internal.inputs.xml import path_of

XSD_DIR = Path(__file__).parents[2] / "schemas" / "xsd"
"""The vendored OASIS XSDs: package data at samlcheck/schemas/xsd."""
METADATA_XSD = XSD_DIR / "saml-schema-metadata-2.0.xsd"
CACHE_FORMAT = "1"

_BUNDLED = {
    "xmldsig-core-schema.xsd": ("DSIG", "xmldsig-core-schema.xsd"),
    "xenc-schema.xsd": ("XENC", "xenc-schema.xsd"),
    "xml.xsd": ("XML", "xml.xsd"),
}
"""Schemas the OASIS XSDs import by relative name, taken from the copies xmlschema ships."""


@dataclass(frozen=True)
class SchemaError:
    """One schema violation, with where it is."""

    line: int | None
    path: str
    reason: str


def cache_dir() -> Path:
    """Where the built schema is cached."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "samlcheck"


def cache_key() -> str:
    """A name that changes with xmlschema, Python, the cache format and every vendored XSD."""
    import xmlschema

    digest = hashlib.sha256()
    digest.update(f"{CACHE_FORMAT}/{xmlschema.__version__}/{sys.version}".encode())
    for path in sorted(XSD_DIR.glob("*.xsd")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"metadata-schema-{digest.hexdigest()[:32]}.pickle"


def _uri_mapper(url: str) -> str:
    import xmlschema

    name = url.rsplit("/", 1)[-1]
    if name in _BUNDLED and Path(url.removeprefix("file://")).parent == XSD_DIR:
        folder, file = _BUNDLED[name]
        return (Path(xmlschema.__file__).parent / "schemas" / folder / file).as_uri()
    return url


def build() -> Any:
    """Build the metadata schema from the vendored XSDs (no network: every import is local)."""
    import xmlschema

    return xmlschema.XMLSchema10(str(METADATA_XSD), uri_mapper=_uri_mapper)


def _private(status: os.stat_result) -> bool:
    """Owned by the current user, and no one else may write it."""
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read_private(path: Path) -> bytes | None:
    """The file's bytes when only the current user can have written it and its directory."""
    if not hasattr(os, "getuid"):  # no POSIX owners to check (Windows): never unpickle
        return None
    try:
        folder = os.stat(path.parent)
        if not stat.S_ISDIR(folder.st_mode) or not _private(folder):
            return None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        handle = os.open(path, flags)  # no symlink followed, no wait on a FIFO
        with os.fdopen(handle, "rb") as stream:
            status = os.fstat(stream.fileno())  # the file opened, not a name swapped since
            if not stat.S_ISREG(status.st_mode) or not _private(status):
                return None
            return stream.read()
    except OSError:
        return None


def _load_cached(path: Path) -> Any | None:
    import xmlschema

    data = _read_private(path)
    if data is None:
        return None
    try:
        schema = pickle.loads(data)
    except Exception:  # missing, truncated or foreign file: any failure means "build afresh"
        return None
    return schema if isinstance(schema, xmlschema.XMLSchema10) and schema.built else None


def _store(path: Path, schema: Any) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(schema, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        for stale in path.parent.glob("metadata-schema-*.pickle"):
            if stale != path:  # built by another xmlschema/Python version or older XSDs
                stale.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, RecursionError):
        return  # an unwritable cache only costs speed


@functools.cache
def metadata_schema() -> Any:
    """The schema, built at most once per run: from the cache when it is usable."""
    path = cache_dir() / cache_key()
    schema = _load_cached(path)
    if schema is None:
        schema = build()
        _store(path, schema)
    return schema


XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_XSI = {"xsi": "http://www.w3.org/2001/XMLSchema-instance"}


MAX_VALIDATED_ELEMENTS = 2_000
"""Most elements handed to xmlschema (about 150 microseconds each on this machine): an IdP's
metadata has a few hundred. Beyond it the content of md:Extensions, then the entities of an
aggregate after the first that fit, are left out (both are optional to the schema, so leaving them
out adds no violation); a document still larger is not validated. `Validation.skipped` counts
what was left out."""

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
    """The first `limit` schema violations of the document rooted at `root`, validating at most
    MAX_VALIDATED_ELEMENTS elements (the rest is left out and counted, see there).

    xmlschema raises on some documents the XSD allows or it cannot process: OverflowError on an
    xs:duration beyond 2**63 months or seconds (cacheDuration="P99999999999999999999Y"), its own
    exceptions on an xsi:type naming no type (xsi:type=""). Validation then stops there and the
    violations found so far are returned, with one saying validation stopped. Texts longer than
    MAX_VALIDATED_TEXT are validated as empty (see there).
    """
    errors = _xsi_type_errors(root, limit)
    total = _size(root)
    detached = _detach_beyond_budget(root, total)
    try:
        kept = _size(root)
        if kept > MAX_VALIDATED_ELEMENTS:
            return Validation(tuple(errors), skipped=total, total=total)
        errors += _schema_errors(root, limit - len(errors), explained=bool(errors))
    finally:
        for parent, previous, child in reversed(detached):
            if previous is None:
                parent.insert(0, child)
            else:
                previous.addnext(child)
    return Validation(tuple(errors[:limit]), skipped=total - kept, total=total)


def _schema_errors(root: etree._Element, limit: int, explained: bool) -> list[SchemaError]:
    """xmlschema's first `limit` violations; `explained`: a stop is already accounted for (the
    xsi:type errors found before validation cause it)."""
    from xmlschema.exceptions import XMLSchemaException

    errors: list[SchemaError] = []
    if limit <= 0:
        return errors
    target = _without_long_texts(root)
    # Never follow xsi:schemaLocation hints: a hostile document could name remote schemas.
    try:
        for error in metadata_schema().iter_errors(target, use_location_hints=False):
            element = error.elem
            line = getattr(element, "sourceline", None) if element is not None else None
            reason = error.reason or error.message or ""
            errors.append(SchemaError(line=line, path=error.path or "", reason=reason))
            if len(errors) >= limit:
                break
    except OverflowError:
        pass
    except XMLSchemaException as error:
        if explained:
            return errors
        reason = (
            "an xsi:type attribute that names a type the schema does not define (remove it)"
            if isinstance(error, KeyError)  # xmlschema's lookup of the named type failed
            else "a construct the validator cannot process"
        )
        errors.append(
            SchemaError(
                None,
                "",
                f"validation stopped at {reason}; the rest of the document was not validated",
            )
        )
    return errors


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


def _xsi_type_errors(root: etree._Element, limit: int) -> list[SchemaError]:
    """Every xsi:type that names no type (empty, or a prefix that is not declared)."""
    found: list[SchemaError] = []
    typed = root.xpath("descendant-or-self::*[@xsi:type]", namespaces=_XSI)  # in C
    for element in typed if isinstance(typed, list) else []:
        if not isinstance(element, etree._Element):
            continue
        value = element.get(XSI_TYPE, "")
        prefix = value.strip().partition(":")[0] if ":" in value else None
        if not value.strip() or (prefix is not None and prefix not in element.nsmap):
            name = etree.QName(element).localname
            found.append(
                SchemaError(
                    getattr(element, "sourceline", None),
                    path_of(element),
                    f"xsi:type {value!r} on {name} names no schema type; remove the attribute",
                )
            )
            if len(found) >= limit:
                break
    return found


MAX_VALIDATED_TEXT = 200_000
"""Longest element text handed to xmlschema. Its base64Binary check (X509Certificate,
SignatureValue ...) takes about 200 bytes of memory per character: a 9 MB certificate, within
IAM's size limit, would take 2 GB. Certificates are a few kilobytes; the rules that decode them
still judge the full text."""


def _without_long_texts(root: etree._Element) -> etree._Element:
    """`root`, or a copy of it with every text longer than MAX_VALIDATED_TEXT emptied."""
    if not any(len(e.text or "") > MAX_VALIDATED_TEXT for e in root.iter()):
        return root
    copy = deepcopy(root)
    for element in copy.iter():
        if len(element.text or "") > MAX_VALIDATED_TEXT:
            element.text = ""
    return copy
