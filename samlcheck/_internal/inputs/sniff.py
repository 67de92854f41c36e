"""What a file that is not XML is: the usual wrong files given as metadata."""

from __future__ import annotations

import base64
import binascii
import json
import re

_HTML = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]+$")


def not_xml_kind(content: str) -> str | None:
    """'html', 'iam-json', 'json' or 'base64' for the usual wrong files; None otherwise."""
    head = content[:4096]
    if _HTML.match(head):
        return "html"
    stripped = content.strip()
    if stripped.startswith(("{", "[")):
        try:
            value = json.loads(stripped)
        except (ValueError, RecursionError):  # not JSON, a 4,300+ digit number, or too deep
            return None
        return "iam-json" if isinstance(value, dict) and "SAMLMetadataDocument" in value else "json"
    if len(stripped) >= 100 and _BASE64.match(head):
        try:
            decoded = base64.b64decode("".join(stripped.split()), validate=True)
        except (binascii.Error, ValueError):
            return None
        if decoded.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            return "base64"
    return None
