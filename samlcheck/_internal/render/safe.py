"""Output that cannot attack the reader: control characters from the input are shown, not obeyed.

A capture can carry ESC, OSC and BEL sequences (clear the screen, retitle the window, print a
fake "signature valid"), C1 controls and bidirectional overrides that reorder what is read.
Every output passes what it prints through `visible` (or `clean`, `json_visible`), which shows
them as escapes such as \\x1b or \\u202e.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from typing import Any, TypeVar

T = TypeVar("T")

# DEL, C1, bidi embeddings, overrides and isolates, and lone surrogates (undecodable bytes, which
# no stream can encode); with them C0, where \n is kept only for output whose layout it is.
_WIDE = "\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_ANY = re.compile(f"[\x00-\x1f{_WIDE}]")
_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f{_WIDE}]")
_JSON = re.compile(f"[{_WIDE}]")  # json.dumps escapes C0 itself


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, newlines: bool = False) -> str:
    """`text` with every control character as a visible escape; `newlines` keeps \\n as is (for
    output whose line breaks are its layout, such as indented XML)."""
    return (_BUT_NEWLINE if newlines else _ANY).sub(_escape, text)


def json_visible(document: str) -> str:
    """JSON text with DEL, C1, bidi and lone surrogates as \\u escapes: the same data, and safe
    on a terminal (these can only occur inside strings)."""
    return _JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", document)


def clean(value: T) -> T:
    """A copy of `value` (dataclasses, tuples, lists, dicts, strings) with every string visible,
    newlines included: the renderer adds its own line breaks afterwards."""
    cleaned: T = _clean(value)
    return cleaned


def _clean(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return visible(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return dataclasses.replace(
            value, **{f.name: _clean(getattr(value, f.name)) for f in fields if f.init}
        )
    if isinstance(value, tuple):
        return tuple(_clean(v) for v in value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value
