"""Capture decoding: find every SAML message in whatever the user captured.

A capture is raw XML, base64 (standard or URL-safe, wrapped or not, DEFLATE-compressed or not),
a form body, a HAR file, a SAML-tracer export, an HTML auto-POST page or a SOAP envelope. Each
message keeps the exact decoded bytes (what the IdP signed) and where it came from.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
import re
import urllib.parse
import zlib
from dataclasses import dataclass
from typing import Any, TypeVar

from lxml import etree

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.files import read_file
from samlcheck._internal.inputs.xml import MAX_XML_BYTES, NS, XmlRefused, parse, sniff_encoding


@dataclass(frozen=True)
class Message:
    """One SAML protocol message found in a capture."""

    source: str
    """Where it came from, for people: 'trace.har entry 3 (POST https://...)'."""
    data: bytes
    """The exact decoded bytes of the XML document (what the IdP signed)."""
    encoding: str = "xml"
    """How it was carried: xml, base64, deflate+base64."""
    parameter: str | None = None
    """The form or query parameter it came from (SAMLResponse, SAMLRequest)."""
    entry: int | None = None
    """HAR entry / SAML-tracer request index (0-based), when it came from one."""
    url: str | None = None
    timestamp: str | None = None
    """When the HAR entry or SAML-tracer request that carried it started (ISO 8601), if known."""
    posted: bool = True
    """False for a value read from a page the browser received (an IdP's auto-POST form in a
    HAR): its timestamp is when the page came, not when the message was posted."""
    posted_at: str | None = None
    """When the entry that posted it started, if a later entry than `timestamp`'s did."""


@dataclass(frozen=True)
class Capture:
    """Everything found in one input."""

    source: str
    container: str
    """raw XML, base64, form body, query string, HAR, SAML-tracer, HTML form or SOAP."""
    messages: tuple[Message, ...]


MAX_CAPTURE_BYTES = 64 * 1024 * 1024
"""Largest capture read (a HAR with page bodies can be large; a SAMLResponse is kilobytes)."""

_PARAMETERS = ("SAMLResponse", "SAMLRequest")
_MARKS = tuple(f"{name}=" for name in _PARAMETERS)
_HINT = (
    "Give a SAMLResponse value (base64), a form body, the decoded XML, a HAR file, a SAML-tracer "
    "export, an HTML auto-POST page or a SOAP envelope"
)


_SPENT_HINT = "Give a capture of the sign-in alone (export only those requests from the browser)"

MAX_VALUES = 1_000
"""Most SAML values decoded from one capture: a form body of a million SAMLResponse values would
otherwise parse a million documents."""

T = TypeVar("T")
_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/_=\r\n-]{16,}")  # line breaks, but no spaces


_WHITESPACE = dict.fromkeys(c for c in range(0x3001) if chr(c).isspace())
"""Deleted from a base64 value: line breaks and spaces (split() and join made a string per word:
1 GB for 60 MB of 'QUFB ')."""


class _Undecodable(ValueError):
    """A payload value that is not base64 of (optionally DEFLATE-compressed) XML."""


def read_capture(path: str | None, *, text: str | None = None) -> Capture:
    """Read a capture from a file path, '-' for stdin, or a literal `text` value."""
    if text is not None:
        return decode_capture(text.encode("utf-8"), "--text")
    data = read_file(path or "-", "capture", MAX_CAPTURE_BYTES)
    return decode_capture(data, path if path and path != "-" else "stdin")


def decode_capture(data: bytes, source: str) -> Capture:
    """Find every SAML message in `data`; raise InputError when there is none."""
    head = _text_head(data)
    if not head:
        raise InputError(source, "is empty", _HINT + ".")
    try:
        container, messages = _messages(data, source, head, Budget())
    except _BudgetSpent as error:
        raise InputError(source, str(error), _SPENT_HINT) from None
    if not messages:
        raise InputError(source, f"has no SAML message in it (read as {container})", _HINT + ".")
    return Capture(source, container, tuple(_merge_duplicates(messages)))


def _messages(data: bytes, source: str, head: str, budget: Budget) -> tuple[str, list[Message]]:
    if head.startswith("{"):
        return _from_json(data, source, budget)
    if head.startswith("<"):
        return _from_markup(data, source, head, budget)
    if any(f"{name}=" in head for name in _PARAMETERS) or _has_parameter(data):
        container = "query string" if "?" in head.split("SAML", 1)[0] else "form body"
        return container, _from_form(data.decode("latin-1"), source, budget)
    try:
        payload, encoding = decode_payload(data.decode("ascii"), budget)
    except (UnicodeDecodeError, _Undecodable) as error:
        problem = "is not a recognised capture (not XML, JSON, HTML, a form body or base64)"
        if _BASE64_TEXT.fullmatch(head):  # it looks like base64: say what it decodes to
            problem = f"is base64, but {error}"
        raise InputError(source, problem, _HINT) from None
    return "base64", [Message(source, payload, encoding)]


def _text_head(data: bytes) -> str:
    """The first characters of the input, whatever its Unicode encoding, stripped."""
    return data[:4096].decode(sniff_encoding(data).codec, errors="replace").lstrip("\ufeff \t\r\n")


def _has_parameter(data: bytes) -> bool:
    return any(mark.encode() in data[:MAX_XML_BYTES] for mark in _MARKS)


# --- payload values -----------------------------------------------------------------------------


class Budget:
    """The work one capture may cost: bytes inflated and values decoded, across all its messages.

    A cap per message let a 4 MB HAR of 200 DEFLATE entries inflate 16 MiB each (2.6 GB and
    growing); one budget for the capture bounds the whole decode.
    """

    def __init__(self, inflated: int = MAX_XML_BYTES, values: int = MAX_VALUES) -> None:
        self.limit = inflated
        self.bytes_left = inflated
        self.values_left = values

    def inflate(self, raw: bytes) -> bytes:
        """`raw` inflated, never more than the budget left; raises zlib.error or _Undecodable."""
        inflater = zlib.decompressobj(-15)
        wanted = min(self.bytes_left, MAX_XML_BYTES)
        inflated = inflater.decompress(raw, wanted + 1)
        self.bytes_left -= min(len(inflated), self.bytes_left)
        if len(inflated) <= wanted and not inflater.unconsumed_tail:
            return inflated
        if wanted == MAX_XML_BYTES:
            raise _Undecodable(f"the DEFLATE payload inflates to more than {MAX_XML_BYTES:,} bytes")
        raise _BudgetSpent(
            f"its DEFLATE payloads inflate to more than {self.limit:,} bytes in all; samlcheck "
            "inflates no more per capture (a sign-in capture holds a few kilobytes)"
        )

    def take_value(self) -> None:
        """Count one SAMLResponse/SAMLRequest value about to be decoded."""
        if self.values_left == 0:
            raise _BudgetSpent(
                f"it holds more than {MAX_VALUES:,} SAMLResponse and SAMLRequest values; "
                "samlcheck decodes no more per capture (a sign-in has a few)"
            )
        self.values_left -= 1


class _BudgetSpent(Exception):
    """The capture's DEFLATE budget is spent: the whole capture is refused, never a value."""


def decode_payload(value: str, budget: Budget | None = None) -> tuple[bytes, str]:
    """Decode a binding value: base64 (standard or URL-safe, wrapped or not), maybe DEFLATE."""
    compact = value.translate(_WHITESPACE)
    if not compact:
        raise _Undecodable("the value is empty")
    alphabet = compact.translate(str.maketrans("-_", "+/")).rstrip("=")
    if len(alphabet) % 4 == 1:
        raise _Undecodable(f"{len(compact)} characters cannot be base64")
    try:
        raw = base64.b64decode(alphabet + "=" * (-len(alphabet) % 4), validate=True)
    except (binascii.Error, ValueError):  # ValueError: a non-ASCII character such as 'é'
        bad = next((c for c in alphabet if not ((c.isascii() and c.isalnum()) or c in "+/")), "?")
        raise _Undecodable(f"not base64 (character {bad!r} is outside the alphabet)") from None
    if _looks_like_xml(raw):
        return raw, "base64"
    try:
        inflated = (budget or Budget()).inflate(raw)
    except zlib.error:
        raise _Undecodable(
            f"base64 decodes to {len(raw)} bytes that are neither XML nor DEFLATE-compressed "
            f"XML (they start with {raw[:8].hex(' ')})"
        ) from None
    if not _looks_like_xml(inflated):
        raise _Undecodable("the DEFLATE payload does not inflate to XML")
    return inflated, "deflate+base64"


def _looks_like_xml(data: bytes) -> bool:
    return _text_head(data[:64]).startswith("<")


def _decode_first(candidates: list[str], budget: Budget) -> tuple[bytes, str]:
    """Decode the first spelling of a value that gives well-formed XML.

    A '+' read as a space still leaves decodable base64, but of garbage: only a parse tells.
    When no spelling parses, the first that decodes at all is kept (the checks say why it does
    not parse); when none decodes, the first one's error is raised.
    """
    budget.take_value()
    decoded: list[tuple[bytes, str]] = []
    errors: list[_Undecodable] = []
    for candidate in dict.fromkeys(candidates):
        try:
            payload = decode_payload(candidate, budget)
        except _Undecodable as error:
            errors.append(error)
            continue
        try:
            parse(payload[0])
        except XmlRefused:
            decoded.append(payload)
            continue
        return payload
    if decoded:
        return decoded[0]
    raise errors[0]


def _parameter_message(
    name: str, candidates: list[str], source: str, budget: Budget, **origin: Any
) -> Message:
    try:
        payload, encoding = _decode_first(candidates, budget)
    except _Undecodable as error:
        raise InputError(source, f"the {name} value cannot be decoded: {error}", _HINT) from None
    return Message(source, payload, encoding, parameter=name, **origin)


# --- form bodies and query strings -------------------------------------------------------------


_SAML_PAIR = re.compile(r"(SAMLResponse|SAMLRequest)[\s+]*=([^&]*)")
"""A SAML parameter of a form body or query: searched for by name, not by splitting 60 MB of '&'
into 60 million pairs (55 s)."""


def _starts_pair(query: str, at: int) -> bool:
    """True when only spaces or '+' stand between `at` and the start of its pair."""
    while at > 0 and query[at - 1] in " \t\r\n+":
        at -= 1
    return at == 0 or query[at - 1] == "&"


def _from_form(body: str, source: str, budget: Budget, **origin: Any) -> list[Message]:
    """SAMLResponse/SAMLRequest in a form body or URL: '+' as space first, then literal."""
    query = body.strip()
    if "?" in query.split("SAML", 1)[0]:
        query = query.split("?", 1)[1]
    messages = []
    for match in _SAML_PAIR.finditer(query):
        if not _starts_pair(query, match.start()):
            continue
        name, value = match.groups()
        candidates = [urllib.parse.unquote_plus(value), urllib.parse.unquote(value)]
        messages.append(_parameter_message(name, candidates, source, budget, **origin))
    return messages


# --- XML and HTML -----------------------------------------------------------------------------


def _from_markup(data: bytes, source: str, head: str, budget: Budget) -> tuple[str, list[Message]]:
    lowered = head[:2048].lower()
    if "<html" in lowered or "<!doctype html" in lowered or "<form" in lowered:
        return "HTML form", _from_html(data.decode("utf-8", errors="replace"), source, budget)
    try:
        root = parse(data).root
    except XmlRefused:
        return "raw XML", [Message(source, data)]  # the checks report why it is refused
    if etree.QName(root).namespace in (NS["soap"], NS["soap12"]):
        return "SOAP", _from_soap(root, source)
    if etree.QName(root).namespace == NS["md"]:
        raise InputError(
            source, "is SAML metadata, not a SAML message", "Check it with: samlcheck metadata FILE"
        )
    return "raw XML", [Message(source, data)]


def _from_soap(envelope: etree._Element, source: str) -> list[Message]:
    body = next(  # comments and processing instructions have no QName
        (c for c in envelope if isinstance(c.tag, str) and etree.QName(c).localname == "Body"),
        None,
    )
    messages = []
    for child in body if body is not None else ():
        if isinstance(child.tag, str) and etree.QName(child).namespace == NS["samlp"]:
            data = etree.tostring(child, encoding="UTF-8", xml_declaration=False)
            messages.append(Message(f"{source} (SOAP Body)", data, "soap"))
    return messages


_FORM_TAG = re.compile(r"""<(?:form|input)\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)
"""A form or input start tag: only these reach the HTML parser, which took 17 s for the 2 million
other tags of a 6 MB page."""


def _form_tags(page: str) -> str:
    """The page's form tags and its input tags that name a SAML parameter, as few as a page has."""
    tags: list[str] = []
    for match in _FORM_TAG.finditer(page):
        tag = match.group()
        if tag[1:5].lower() == "form" or any(name in tag for name in _PARAMETERS):
            tags.append(tag)
        if len(tags) > MAX_VALUES:
            raise _BudgetSpent(
                f"a page in it has more than {MAX_VALUES:,} form and SAML input tags; samlcheck "
                "reads no more (an auto-POST page has one form)"
            )
    return "".join(tags)


def _form_inputs(page: str) -> list[tuple[str, str, str | None]]:
    """The SAML inputs of the page's HTML forms as (name, value, form action); attribute names
    in any case, entities decoded."""
    from html.parser import HTMLParser  # only an HTML capture needs it

    found: list[tuple[str, str, str | None]] = []
    action: list[str | None] = [None]

    class FormInputs(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = {key: value or "" for key, value in attrs}
            if tag == "form":
                action[0] = values.get("action")
            elif tag == "input" and values.get("name") in _PARAMETERS:
                found.append((values["name"], values.get("value", ""), action[0]))

    parser = FormInputs(convert_charrefs=True)
    parser.feed(_form_tags(page))
    parser.close()
    return found


def _from_html(page: str, source: str, budget: Budget, **origin: Any) -> list[Message]:
    messages = []
    for name, value, action in _form_inputs(page):
        where = origin | ({"url": action} if action and "url" not in origin else {})
        messages.append(_parameter_message(name, [value], source, budget, **where))
    return messages


# --- HAR and SAML-tracer -----------------------------------------------------------------------


MAX_JSON_ITEMS = 1_000_000
"""Most JSON array items and object members read from a HAR or SAML-tracer export. A HAR of
thousands of requests has a few hundred thousand; 60 MB of empty arrays (20 million) took 77 s
and 1.6 GB to load, so the count is refused before json builds them."""

MAX_ENTRIES = 20_000
"""Most HAR entries or SAML-tracer requests walked: 330,000 empty entries took 4 s."""


def _from_json(data: bytes, source: str, budget: Budget) -> tuple[str, list[Message]]:
    items = _json_items(data)
    if items > MAX_JSON_ITEMS:
        raise InputError(
            source,
            f"is JSON of up to {items:,} array items and object members; samlcheck reads at "
            f"most {MAX_JSON_ITEMS:,}",
            _SPENT_HINT,
        )
    try:
        document = _mended(json.loads(data), data)
    except RecursionError:
        raise InputError(source, "is JSON nested too deeply to read", _HINT) from None
    except ValueError as error:  # a 4,300+ digit number is refused by int(), not by the parser
        readable = isinstance(error, json.JSONDecodeError | UnicodeDecodeError)
        problem = str(error) if readable else "a number in it is too long"
        raise InputError(source, f"looks like JSON but does not parse ({problem})", _HINT) from None
    if isinstance(document, dict) and isinstance(document.get("log"), dict):
        return "HAR", _from_har(document["log"], source, budget)
    if isinstance(document, dict) and isinstance(document.get("requests"), list):
        return "SAML-tracer export", _from_tracer(document["requests"], source, budget)
    raise InputError(source, "is JSON but neither a HAR file nor a SAML-tracer export", _HINT)


def _mended(document: Any, data: bytes) -> Any:
    """`document` with each lone surrogate (JavaScript strings allow them; json decodes bytes
    with 'surrogatepass') replaced by U+FFFD, so that it prints."""
    if data.isascii() and b"\\ud" not in data and b"\\uD" not in data:
        return document  # no surrogate escape, no encoded surrogate: nothing to mend
    text = json.dumps(document, ensure_ascii=False)
    return json.loads(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))


def _json_items(data: bytes) -> int:
    """An upper bound on the array items and object members of a JSON text, cheaply.

    Every item but an array's first follows a comma, every first one an opening bracket. Counting
    in the raw bytes is quick and usually enough; only past the cap are the strings (page bodies
    full of commas and braces) cut out to count the structure alone.
    """
    quick = data.count(b",") + data.count(b"[") + data.count(b"{")
    if quick <= MAX_JSON_ITEMS:
        return quick
    if b"\\" in data:  # drop escaped backslashes and quotes: every '"' left delimits a string
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = data.split(b'"')[::2]
    return sum(p.count(b",") + p.count(b"[") + p.count(b"{") for p in outside)


def _field(container: Any, name: str, kind: type[T], default: T) -> T:
    """container[name] when the JSON has that shape, else `default`: exports are not trusted."""
    value = container.get(name) if isinstance(container, dict) else None
    return value if isinstance(value, kind) else default


def _walked(items: list[Any], source: str, what: str) -> list[Any]:
    """`items`, when there are few enough to walk; a browser session's export has hundreds."""
    if len(items) > MAX_ENTRIES:
        raise InputError(
            source,
            f"holds {len(items):,} {what}; samlcheck reads at most {MAX_ENTRIES:,}",
            _SPENT_HINT,
        )
    return items


def _from_har(log: dict[str, Any], source: str, budget: Budget) -> list[Message]:
    messages: list[Message] = []
    entries = _walked(_field(log, "entries", list, []), source, "HAR entries")
    for index, entry in enumerate(entries):
        if isinstance(entry, dict):
            messages += _from_har_entry(entry, index, source, budget)
    return messages


def _from_har_entry(
    entry: dict[str, Any], index: int, source: str, budget: Budget
) -> list[Message]:
    """The messages of one HAR entry; what costs (names, decoding) only for one that has some."""
    request = _field(entry, "request", dict, {})
    url = _field(request, "url", str, "")
    post = _field(request, "postData", dict, {})
    params = [
        p for p in _field(post, "params", list, []) if _field(p, "name", str, "") in _PARAMETERS
    ]
    body = "" if params else _field(post, "text", str, "")
    page = _har_content_text(_field(_field(entry, "response", dict, {}), "content", dict, {}))
    in_url, in_body = "?" in url and _names_parameter(url), _names_parameter(body)
    in_page = any(name in page for name in _PARAMETERS) and "<form" in page.lower()
    if not (in_url or params or in_body or in_page):
        return []
    method = _field(request, "method", str, "?")
    started = _field(entry, "startedDateTime", str, "") or None
    origin: dict[str, Any] = {"entry": index, "url": url, "timestamp": started}
    where = f"{source} entry {index} ({method} {_short(url)})"
    messages = _from_form(url, where, budget, **origin) if in_url else []
    for param in params:
        value = _field(param, "value", str, "")
        candidates = [value, urllib.parse.unquote_plus(value), urllib.parse.unquote(value)]
        messages.append(_parameter_message(param["name"], candidates, where, budget, **origin))
    if in_body:
        messages += _from_form(body, where, budget, **origin)
    if in_page:
        messages += _from_html(page, f"{where} response page", budget, **origin, posted=False)
    return messages


def _names_parameter(text: str) -> bool:
    return any(mark in text for mark in _MARKS)


def _har_content_text(content: dict[str, Any]) -> str:
    page = _field(content, "text", str, "")
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(page).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return ""
    return page


def _from_tracer(requests: list[Any], source: str, budget: Budget) -> list[Message]:
    """SAML-tracer: unmasked post/get values give the exact bytes; else its decoded `saml`."""
    messages: list[Message] = []
    for index, request in enumerate(_walked(requests, source, "SAML-tracer requests")):
        method, url = _field(request, "method", str, "?"), _field(request, "url", str, "")
        stamp = request.get("timestamp") if isinstance(request, dict) else None
        origin: dict[str, Any] = {"entry": index, "url": url, "timestamp": _tracer_time(stamp)}
        where = f"{source} request {index} ({method} {_short(url)})"
        pairs = _field(request, "post", list, []) + _field(request, "get", list, [])
        found = False
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and pair[0] in _PARAMETERS):
                continue
            name, value = pair
            if not isinstance(value, str):
                continue
            candidates = [value, urllib.parse.unquote_plus(value), urllib.parse.unquote(value)]
            try:
                payload, encoding = _decode_first(candidates, budget)
            except _Undecodable:
                continue  # masked export: the value is a hash, the XML is in `saml`
            messages.append(Message(where, payload, encoding, parameter=name, **origin))
            found = True
        decoded = _field(request, "saml", str, "")
        if not found and decoded:
            note = " (SAML-tracer's decoded copy; re-encoded as UTF-8)"
            messages.append(Message(where + note, decoded.encode("utf-8"), "xml", **origin))
    return messages


def _tracer_time(value: Any) -> str | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        instant = dt.datetime.fromtimestamp(value / 1000, tz=dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _short(url: str, limit: int = 80) -> str:
    bare = url.split("?", 1)[0]
    return bare if len(bare) <= limit else bare[: limit - 3] + "..."


def _merge_duplicates(messages: list[Message]) -> list[Message]:
    """The same bytes seen twice (the IdP's auto-POST page, then the POST) are one message;
    it keeps when it was first seen and notes when it was posted."""
    first: dict[tuple[str | None, bytes], int] = {}
    merged: list[Message] = []
    for message in messages:
        key = (message.parameter, message.data)
        if key in first:
            kept = merged[first[key]]
            also = f"; also {message.source}"
            merged[first[key]] = dataclasses.replace(kept, source=kept.source + also)
            if message.posted and not kept.posted:  # when it was posted, not received
                merged[first[key]] = dataclasses.replace(
                    merged[first[key]], posted_at=message.timestamp, posted=True
                )
        else:
            first[key] = len(merged)
            merged.append(message)
    return merged
