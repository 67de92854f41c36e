"""exclusive C14N with '#default' in a PrefixList: lxml ignores the token, so samlcheck refuses
the subsets it cannot canonicalise right instead of guessing (found in review: a tampered
response, `<Foo>` moved out of the default namespace with xmlns="", was reported valid)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path

import testidp
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from samlcheck._internal.inputs.xml import parse
from samlcheck._internal.stages import signature
from samlcheck._internal.stages.digests import EXC_C14N
from samlcheck._internal.trust.anchors import load_trust

P, A = "urn:oasis:names:tc:SAML:2.0:protocol", "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
AT = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)


def _response(foo: str, sig: str) -> bytes:
    entity = testidp.ENTITY_ID
    return (
        f'<samlp:Response xmlns:samlp="{P}" xmlns:saml="{A}" xmlns="urn:X" ID="r1" '
        f'Version="2.0" IssueInstant="2026-01-15T12:00:00Z"><saml:Issuer>{entity}</saml:Issuer>'
        f'<saml:Assertion ID="a1" Version="2.0" IssueInstant="2026-01-15T12:00:00Z">'
        f"<saml:Issuer>{entity}</saml:Issuer>{sig}<saml:AttributeStatement>"
        f'<saml:Attribute Name="x"><saml:AttributeValue>{foo}</saml:AttributeValue>'
        "</saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"
    ).encode()


def _signed(foo: str) -> bytes:
    """The Assertion signed over its exc-C14N form with PrefixList '#default', written out by
    hand from the spec: the apex renders xmlns="urn:X", the unprefixed <Foo> in urn:X none."""
    idp = testidp.idp()
    entity = testidp.ENTITY_ID
    canonical = (
        f'<saml:Assertion xmlns="urn:X" xmlns:saml="{A}" ID="a1" '
        f'IssueInstant="2026-01-15T12:00:00Z" Version="2.0"><saml:Issuer>{entity}</saml:Issuer>'
        '<saml:AttributeStatement><saml:Attribute Name="x"><saml:AttributeValue><Foo>bar</Foo>'
        "</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion>"
    ).encode()
    digest = base64.b64encode(hashlib.sha256(canonical).digest()).decode()
    signed_info = (
        f'<ds:SignedInfo xmlns:ds="{DS}"><ds:CanonicalizationMethod Algorithm="{EXC_C14N}"/>'
        '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
        '<ds:Reference URI="#a1"><ds:Transforms><ds:Transform '
        'Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
        f'<ds:Transform Algorithm="{EXC_C14N}"><ec:InclusiveNamespaces xmlns:ec="{EXC_C14N}" '
        'PrefixList="#default"/></ds:Transform></ds:Transforms><ds:DigestMethod '
        'Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
        f"<ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>"
    )
    c14n = etree.tostring(etree.fromstring(signed_info), method="c14n", exclusive=True)
    value = base64.b64encode(idp.key.sign(c14n, padding.PKCS1v15(), hashes.SHA256())).decode()
    der = base64.b64encode(idp.cert.public_bytes(serialization.Encoding.DER)).decode()
    inner = signed_info.replace(" xmlns:ds=" + repr(DS).replace("'", '"'), "", 1)
    sig = (
        f'<ds:Signature xmlns:ds="{DS}">{inner}'
        f"<ds:SignatureValue>{value}</ds:SignatureValue><ds:KeyInfo><ds:X509Data>"
        f"<ds:X509Certificate>{der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
        "</ds:Signature>"
    )
    return _response(foo, sig)


def _status(data: bytes, tmp_path: Path) -> str:
    cert = tmp_path / "idp.pem"
    cert.write_bytes(testidp.idp().cert.public_bytes(serialization.Encoding.PEM))
    return signature.analyse(parse(data), load_trust((), (cert,))).status.value


def test_an_element_moved_out_of_the_default_namespace_is_never_valid(tmp_path: Path) -> None:
    assert _status(_signed('<Foo xmlns="">bar</Foo>'), tmp_path) != "valid"


def test_such_a_subset_is_refused_rather_than_guessed(tmp_path: Path) -> None:
    """A known limitation: samlcheck cannot verify this rare genuine layout (xmlsec1 can); it
    says so instead of risking a wrong 'valid' on a tampered twin."""
    assert _status(_signed("<Foo>bar</Foo>"), tmp_path) == "invalid"
