"""What a SAML message is at a glance: type, ID, Issuer, instants, signed and encrypted parts.

Structural facts only: "signed" means a ds:Signature is present, not that it verifies.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from samlcheck._internal.inputs.capture import Message
from samlcheck._internal.inputs.xml import NS, XmlRefused, find_all, local_name, parse, text


@dataclass(frozen=True)
class Outline:
    message_type: str
    """The root element's name (Response, AuthnRequest, ...), or '-' when it does not parse."""
    saml: bool
    """True when the root is in the SAML 2.0 protocol namespace."""
    id: str | None = None
    issuer: str | None = None
    issue_instant: str | None = None
    destination: str | None = None
    signed: tuple[str, ...] = ()
    """The elements that carry a ds:Signature (Response, Assertion)."""
    encrypted: bool = False
    problem: str | None = None
    """Why the XML cannot be read, when it cannot."""


def outline(message: Message) -> Outline:
    """The outline of one message; a message that does not parse says why."""
    try:
        root = parse(message.data).root
    except XmlRefused as error:
        return Outline(message_type="-", saml=False, problem=error.message)
    issuer = root.find(f"{{{NS['saml']}}}Issuer")
    signed = [
        local_name(parent)
        for signature in find_all(root, "//ds:Signature")
        if (parent := signature.getparent()) is not None
    ]
    return Outline(
        message_type=local_name(root),
        saml=etree.QName(root).namespace == NS["samlp"],
        id=root.get("ID"),
        issuer=text(issuer).strip() if issuer is not None else None,
        issue_instant=root.get("IssueInstant"),
        destination=root.get("Destination"),
        signed=tuple(signed),
        encrypted=bool(find_all(root, "//saml:EncryptedAssertion")),
    )
