"""What the page asks for, answered by the library calls the CLI makes, rendered as its JSON.

Each request is a JSON object whose files are `{"name": ..., "data": base64}`: the page sends
bytes, never a path, and nothing is written to disk (`Upload`s are read like files, with the
same limits). Every answer carries `report` (render/json.py's document) and `json` (its text,
for the download).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import TYPE_CHECKING, Any

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.files import SMALL_FILE, Upload, read_file
from samlcheck._internal.inputs.xml import MAX_XML_BYTES

if TYPE_CHECKING:
    from cryptography.x509 import Certificate
    from lxml import etree

    from samlcheck._internal.inputs.capture import Capture, Message
    from samlcheck._internal.report import Report, Result

MAX_FILES = 8
"""Most files of one kind in a request (an IAM provider holds at most two keys)."""


def uploads(body: dict[str, Any], field: str, what: str, limit: int) -> tuple[Upload, ...]:
    """The files of `field`, each decoded and bounded like a file of `what` on the CLI."""
    items = body.get(field) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InputError(field, "is not a list of files", "Reload the page and try again.")
    if len(items) > MAX_FILES:
        raise InputError(field, f"has {len(items)} files; at most {MAX_FILES} are checked")
    found = []
    for number, item in enumerate(items, start=1):
        name = str(item.get("name") or f"{what} {number}")[:200]
        try:
            data = base64.b64decode(str(item.get("data", "")), validate=True)
        except (binascii.Error, ValueError):
            raise InputError(name, "did not arrive as base64", "Reload the page.") from None
        found.append(Upload(name, read_file(Upload(name, data), what, limit)))
    return tuple(found)


def one(body: dict[str, Any], field: str, what: str, limit: int) -> Upload | None:
    """The single file of `field`, or None."""
    found = uploads(body, field, what, limit)
    if len(found) > 1:
        raise InputError(field, f"has {len(found)} files; give one {what}")
    return found[0] if found else None


def check_instant(body: dict[str, Any], message: Message | None = None) -> tuple[Any, str]:
    """The check instant and where it came from: given, the capture's time, or now."""
    from samlcheck._internal.instants import given_instant as instant

    given = str(body.get("at") or "").strip()
    if given:
        return instant(given), "given"
    if message is not None and message.timestamp:
        try:
            return instant(message.timestamp), "capture"
        except InputError:
            pass  # an unreadable capture time: now, as the CLI would
    return None, "now"


def _answer(report: Report, **extra: Any) -> dict[str, Any]:
    from samlcheck._internal.render.json import render_json, report_dict

    return {"report": report_dict(report), "json": render_json(report), **extra}


def check(body: dict[str, Any]) -> dict[str, Any]:
    """A capture: its messages (as `decode` lists them), the chosen one checked as `check` does,
    and that message pretty-printed with each finding's element located."""
    from samlcheck._internal.checks.capture import Checker, responses
    from samlcheck._internal.inputs.capture import MAX_CAPTURE_BYTES, decode_capture
    from samlcheck._internal.inputs.outline import outline
    from samlcheck._internal.options import CheckOptions
    from samlcheck._internal.render.decode import listing_json
    from samlcheck._internal.report import Report

    capture_file = one(body, "capture", "capture", MAX_CAPTURE_BYTES)
    if capture_file is None or not capture_file.data.strip():
        raise InputError("capture", "is empty", "Paste a SAMLResponse or choose a capture file.")
    capture = decode_capture(capture_file.data, capture_file.name)
    index = _chosen(body, capture, responses(capture)[0])
    message = capture.messages[index]
    at, at_source = check_instant(body, message)
    options = CheckOptions(
        metadata=uploads(body, "metadata", "metadata", MAX_XML_BYTES),
        certs=uploads(body, "certs", "certificate", MAX_XML_BYTES),
        sp_keys=uploads(body, "sp_keys", "private key", SMALL_FILE),
        at=at,
    )
    outlines = [outline(m) for m in capture.messages]
    result = Checker(options).check_message(message)
    return _answer(
        Report((result,)),
        capture=listing_json(capture, outlines),
        selected=index,
        at=(at or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        at_source=at_source,
        xml=xml_view(message.data, result),
    )


def _chosen(body: dict[str, Any], capture: Capture, first: Message) -> int:
    """The message the page picked, else the first one AWS would check."""
    picked = body.get("message")
    if picked is None:
        return capture.messages.index(first)
    if not isinstance(picked, int) or not 0 <= picked < len(capture.messages):
        last = len(capture.messages) - 1
        raise InputError(capture.source, f"has no message {picked} (indexes run 0..{last})")
    return picked


def metadata(body: dict[str, Any]) -> dict[str, Any]:
    """IAM's answer to uploading each metadata document, as `samlcheck metadata` gives it."""
    from samlcheck._internal.checks.metadata import MAX_READ_BYTES, check_metadata
    from samlcheck._internal.report import Report

    documents = uploads(body, "metadata", "metadata", MAX_READ_BYTES)
    if not documents:
        raise InputError("metadata", "no document given", "Choose or paste the IdP metadata.")
    at, _ = check_instant(body)
    anchor = _certificate(body)
    results = tuple(check_metadata(d.data, d.name, at=at, cert=anchor) for d in documents)
    return _answer(Report(results))


def keys(body: dict[str, Any]) -> dict[str, Any]:
    """IAM's answer to AddPrivateKey for each key, as `samlcheck keys` gives it."""
    from samlcheck._internal.checks.keys import check_keys
    from samlcheck._internal.report import Report

    found = uploads(body, "keys", "private key", SMALL_FILE)
    if not found:
        raise InputError("keys", "no key given", "Choose or paste the SP private key(s).")
    return _answer(Report(check_keys([(k.name, k.data) for k in found], _certificate(body))))


def _certificate(body: dict[str, Any]) -> Certificate | None:
    """The certificate the page was given beside the metadata or keys, if any."""
    from samlcheck._internal.trust.certs import load_certificate

    cert = one(body, "cert", "certificate", MAX_XML_BYTES)
    return load_certificate(cert.data, cert.name) if cert else None


# --- the decoded XML, with each finding's element located -----------------------------------------


def xml_view(data: bytes, result: Result) -> dict[str, Any] | None:
    """The message re-indented as lines, the line range of each finding's element (by its
    location) and of the signed elements; None when the message is not XML samlcheck reads."""
    from lxml import etree

    from samlcheck._internal.inputs.xml import XmlRefused, parse, path_of
    from samlcheck._internal.render.safe import visible

    try:
        root = parse(data).root
        etree.indent(root, space="  ")
        text = etree.tostring(root, encoding="unicode")
        pretty = parse(text.encode()).root  # the same tree, its line numbers those of `text`
    except XmlRefused:
        return None
    spans: dict[str, tuple[int, int]] = {}
    _spans(pretty, spans, path_of)
    return {
        "lines": visible(text, newlines=True).split("\n"),
        "findings": [_span_of(f.location, spans) for f in result.findings],
        "signed": [spans[p] for p in _signed_paths(pretty, result, path_of)],
    }


def _spans(element: etree._Element, spans: dict[str, tuple[int, int]], path_of: Any) -> int:
    """Record each element's (first, last) line, 1-based; return the last line of `element`."""
    from lxml import etree

    line = element.sourceline
    start = line if isinstance(line, int) else 1
    end = start + etree.tostring(element, encoding="unicode", with_tail=False).count("\n")
    children = [c for c in element if isinstance(c.tag, str)]
    for child in children:
        end = _spans(child, spans, path_of) + 1  # indent puts the closing tag on its own line
    spans[path_of(element)] = (start, end)
    return end


_AFTER = ("", "/", " ", "@")
"""What may follow an element's path in a location that names it (or something inside it)."""


def _span_of(location: str, spans: dict[str, tuple[int, int]]) -> tuple[int, int] | None:
    """The lines of the deepest element a finding's location names (it may go on with
    /@Attribute or words)."""
    best = None
    for path, span in spans.items():
        named = location.startswith(path) and location[len(path) : len(path) + 1] in _AFTER
        if named and (best is None or len(path) > len(best[0])):
            best = (path, span)
    return best[1] if best else None


def _signed_paths(root: etree._Element, result: Result, path_of: Any) -> list[str]:
    """The elements the verified signatures cover: of the kinds the report says are signed, the
    one that carries an enveloped ds:Signature referring to its own ID. When the kind occurs with
    a signature more than once (a wrapping attempt), nothing of it is marked: the page never
    shows an unsigned look-alike as signed."""
    from samlcheck._internal.inputs.xml import NS, find_all, local_name

    if result.signature.status != "valid":
        return []
    found = []
    for kind in result.signature.signed:
        carriers = [
            parent
            for signature in find_all(root, "//ds:Signature")
            if (parent := signature.getparent()) is not None
            and local_name(parent) == kind
            and _refers_to(signature, parent.get("ID"), NS["ds"])
        ]
        if len(carriers) == 1:
            found.append(path_of(carriers[0]))
    return found


def _refers_to(signature: etree._Element, element_id: str | None, ds: str) -> bool:
    references = signature.findall(f"{{{ds}}}SignedInfo/{{{ds}}}Reference")
    return element_id is not None and [r.get("URI") for r in references] == [f"#{element_id}"]
