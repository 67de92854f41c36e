"""How `samlcheck decode` shows what it found."""

from __future__ import annotations

from typing import Any

from lxml import etree

from samlcheck._internal.inputs.capture import Capture
from samlcheck._internal.inputs.outline import Outline
from samlcheck._internal.inputs.xml import parse
from samlcheck._internal.render.safe import clean, visible


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def listing_text(capture: Capture, outlines: list[Outline]) -> str:
    capture, outlines = clean(capture), clean(outlines)
    count = len(capture.messages)
    lines = [f"{capture.source}: {capture.container}, {count} SAML message{'s' * (count != 1)}"]
    for index, (message, facts) in enumerate(zip(capture.messages, outlines, strict=True)):
        lines.append(f"[{index}] {facts.message_type}  from {message.source}")
        if facts.problem:
            lines.append(f"    cannot be read: {facts.problem}")
            continue
        if not facts.saml:
            lines.append("    not a SAML 2.0 protocol message")
        lines.append(f"    ID {facts.id or '-'}   IssueInstant {facts.issue_instant or '-'}")
        lines.append(f"    Issuer {facts.issuer or '-'}")
        lines.append(f"    Destination {facts.destination or '-'}")
        signed = ", ".join(facts.signed) if facts.signed else "no"
        lines.append(f"    signed: {signed}   encrypted assertion: {_yes_no(facts.encrypted)}")
        carried = message.encoding + (f" in {message.parameter}" if message.parameter else "")
        when = f"   at {message.timestamp}" if message.timestamp else ""
        lines.append(f"    carried as {carried}, {len(message.data):,} bytes{when}")
    return "\n".join(lines) + "\n"


def listing_json(capture: Capture, outlines: list[Outline]) -> dict[str, Any]:
    return {
        "source": capture.source,
        "container": capture.container,
        "messages": [
            {
                "index": index,
                "source": message.source,
                "encoding": message.encoding,
                "parameter": message.parameter,
                "entry": message.entry,
                "url": message.url,
                "timestamp": message.timestamp,
                "bytes": len(message.data),
                "type": facts.message_type,
                "id": facts.id,
                "issuer": facts.issuer,
                "issue_instant": facts.issue_instant,
                "destination": facts.destination,
                "signed": list(facts.signed),
                "encrypted": facts.encrypted,
                "problem": facts.problem,
            }
            for index, (message, facts) in enumerate(zip(capture.messages, outlines, strict=True))
        ],
    }


def pretty_xml(data: bytes) -> str:
    """The document re-indented for reading (signatures will not verify on this copy)."""
    root = parse(data).root
    etree.indent(root, space="  ")
    return visible(etree.tostring(root, encoding="unicode"), newlines=True) + "\n"
