"""The encoding repair behind `samlcheck metadata --write-fixed`: UTF-8 without a BOM, only when
the encoding is the one thing IAM would refuse (the repaired copy is checked again)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from samlcheck._internal.checks.metadata import check_metadata
from samlcheck._internal.findings import Severity
from samlcheck._internal.inputs.encoding import Bytes, codec, read_bytes
from samlcheck._internal.inputs.xml import DECLARED_ENCODING
from samlcheck._internal.rules import metadata as rules

_FIXABLE = {rules.BYTE_ORDER_MARK, rules.NOT_UTF8, rules.DECLARED_ENCODING, rules.INVALID_UTF8}


@dataclass(frozen=True)
class Fix:
    """The repaired bytes, or None with the reason nothing may be written."""

    data: bytes | None
    reason: str


def _utf8_declaration(match: re.Match[str]) -> str:
    return f"{match.group(1)}{match.group(2)}UTF-8{match.group(2)}"


def _as_utf8(data: bytes, raw: Bytes) -> bytes | None:
    if raw.family != "UTF-8":
        content = data.decode(raw.codec, errors="strict").lstrip("\ufeff")
    elif raw.bad_utf8 is not None:
        declared = codec(raw.declared or "")
        if declared is None or declared == "utf-8":
            return None  # the real encoding is unknown: converting would guess
        content = data.decode(declared)
    else:
        content = data.decode("utf-8-sig")
    content = DECLARED_ENCODING.sub(_utf8_declaration, content, count=1)
    return content.encode("utf-8")


def fix_encoding(data: bytes, source: str, at: dt.datetime | None = None) -> Fix:
    """A UTF-8, BOM-free copy of `data` when the encoding is the only thing IAM would refuse."""
    before = check_metadata(data, source, at=at)
    encoding_problems = [f for f in before.findings if f.rule in _FIXABLE]
    if not encoding_problems:
        return Fix(None, "nothing to fix: the file is already UTF-8 without a byte order mark")
    try:
        converted = _as_utf8(data, read_bytes(data))
    except (UnicodeDecodeError, LookupError) as error:
        return Fix(None, f"the bytes cannot be converted to UTF-8 ({error})")
    if converted is None:
        return Fix(
            None,
            "the file is not valid UTF-8 and its XML declaration does not name the encoding it "
            "is really in; "
            "convert it from its real encoding by hand",
        )
    after = check_metadata(converted, source, at=at)
    remaining = [f for f in after.findings if f.severity is Severity.ERROR]
    if remaining:
        listed = "; ".join(f"{f.rule.id} {f.rule.name}: {f.message}" for f in remaining)
        return Fix(None, f"problems remain that --write-fixed cannot fix: {listed}")
    fixed = ", ".join(sorted({f.rule.name for f in encoding_problems}))
    return Fix(converted, f"converted to UTF-8 without a byte order mark (fixed: {fixed})")
