"""Encoding facts about raw bytes, before any XML parsing: BOM, declaration, first bad UTF-8.

The byte-level sniffing itself is `xml.sniff_encoding` (one sniffer for parse, captures and
metadata); this adds what the metadata rules judge and the text decoded as well as possible.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from samlcheck._internal.inputs.xml import Encoding, sniff_encoding


@dataclass(frozen=True)
class Bytes(Encoding):
    """What the raw bytes say: the encoding facts, the first invalid UTF-8, the text."""

    bad_utf8: tuple[int, int, str] | None
    text: str
    """The document decoded as well as possible (BOM removed), for counting characters."""


def codec(name: str) -> str | None:
    """Python's name for the codec `name` (an XML declaration's encoding), None if unknown."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def read_bytes(data: bytes) -> Bytes:
    """Encoding facts about `data`: byte order mark, first bytes, declaration, bad UTF-8."""
    sniffed = sniff_encoding(data)
    bad: tuple[int, int, str] | None = None
    if sniffed.family == "UTF-8":
        start = 3 if sniffed.bom else 0
        try:
            content = data[start:].decode("utf-8")
        except UnicodeDecodeError as error:
            offset = start + error.start
            sample = data[offset : offset + 4].hex(" ").upper()
            bad = (offset, data[:offset].count(b"\n") + 1, sample)
            fallback = codec(sniffed.declared or "") or "cp1252"
            content = data[start:].decode(fallback, errors="replace")
    else:
        content = data.decode(sniffed.codec, errors="replace").lstrip("\ufeff")
    return Bytes(sniffed.family, sniffed.bom, sniffed.declared, bad, content)
