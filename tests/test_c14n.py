"""Canonicalisation of a signature's document subset, as the W3C specs say (no xmlsec1 needed).

The expected canonical forms are written out by hand from C14N 1.0 / exc-C14N 1.0; xmlsec1
computes the same ones (tests/test_xmlsec_differential.py checks that on many more layouts).
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import testidp
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from samlcheck._internal.inputs.xml import parse
from samlcheck._internal.stages import signature
from samlcheck._internal.stages.digests import C14N, EXC_C14N, canonicalise
from samlcheck._internal.trust.anchors import load_trust

ROOT = Path(__file__).resolve().parent.parent
P = "urn:oasis:names:tc:SAML:2.0:protocol"
DS = "http://www.w3.org/2000/09/xmldsig#"
SIGNED_INFO = (
    f'<CanonicalizationMethod Algorithm="{C14N}"></CanonicalizationMethod>'
    '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256">'
    '</SignatureMethod><Reference URI="#_r"><Transforms>'
    f'<Transform Algorithm="{DS}enveloped-signature"></Transform>'
    f'<Transform Algorithm="{EXC_C14N}"></Transform></Transforms>'
    '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></DigestMethod>'
    "<DigestValue>{digest}</DigestValue></Reference>"
)
STATUS = '<Status><StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></Status>'


def _key() -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(
        (ROOT / "fixtures" / "keys" / "rsa-pkcs1.pem").read_bytes(), password=None
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _signed(tamper: bool = False) -> bytes:
    """A Response with a default namespace whose Signature redeclares it (issue 8), SignedInfo
    in inclusive C14N 1.0, signed over the canonical form the spec gives (written out here)."""
    unsigned = f'<Response xmlns="{P}" ID="_r" Version="2.0">{STATUS}</Response>'
    canonical = etree.tostring(etree.fromstring(unsigned), method="c14n", exclusive=True)
    digest = base64.b64encode(hashlib.sha256(canonical).digest()).decode()
    signed_info = SIGNED_INFO.format(digest=digest)
    spec_form = f'<SignedInfo xmlns="{DS}">{signed_info}</SignedInfo>'.encode()
    value = base64.b64encode(_key().sign(spec_form, padding.PKCS1v15(), hashes.SHA256()))
    status = STATUS.replace("Success", "Succesz") if tamper else STATUS
    return (
        f'<Response xmlns="{P}" ID="_r" Version="2.0"><Signature xmlns="{DS}">'
        f"<SignedInfo>{signed_info}</SignedInfo><SignatureValue>{value.decode()}</SignatureValue>"
        f"</Signature>{status}</Response>"
    ).encode()


def _check(xml: bytes, tmp_path: Path) -> signature.SignatureCheck:
    cert = tmp_path / "cert.pem"
    cert.write_bytes(testidp.pem(testidp.certificate(_key(), "c14n.example.test")))
    (check,) = signature.analyse(parse(xml), load_trust((), (cert,))).signatures
    return check


def test_signature_redeclaring_the_default_namespace_verifies(tmp_path: Path) -> None:
    check = _check(_signed(), tmp_path)
    assert check.outcome == signature.Outcome.VALID, check.detail


def test_changed_content_in_that_layout_is_still_a_digest_mismatch_naming_it(
    tmp_path: Path,
) -> None:
    check = _check(_signed(tamper=True), tmp_path)
    assert check.outcome == signature.Outcome.DIGEST_MISMATCH
    assert [d.target for d in check.digests if not d.matches] == ["/Response"]


def test_no_spurious_empty_default_namespace_below_a_redeclared_default() -> None:
    doc = etree.fromstring(f'<r xmlns="urn:r"><s xmlns="{DS}"><i><a><b/></a></i></s></r>')
    assert canonicalise(doc[0][0], C14N) == f'<i xmlns="{DS}"><a><b></b></a></i>'.encode()


def test_inclusive_c14n_inherits_xml_attributes_and_every_namespace_in_scope() -> None:
    doc = etree.fromstring('<r xmlns:u="urn:u" xml:lang="en"><s xml:space="keep"><i/></s></r>')
    expected = b'<i xmlns:u="urn:u" xml:lang="en" xml:space="keep"></i>'
    assert canonicalise(doc[0][0], C14N) == expected
    assert canonicalise(doc[0][0], EXC_C14N) == b"<i></i>"


def test_exclusive_prefix_list_default_token_declares_the_default_namespace() -> None:
    doc = etree.fromstring('<r xmlns="urn:r" xmlns:s="urn:s"><s:i/></r>')
    assert canonicalise(doc[0], EXC_C14N, ["#default"]) == (
        b'<s:i xmlns="urn:r" xmlns:s="urn:s"></s:i>'
    )
    assert canonicalise(doc[0], EXC_C14N) == b'<s:i xmlns:s="urn:s"></s:i>'


def test_comments_are_kept_only_when_asked() -> None:
    doc = etree.fromstring("<r><i><!--c--></i></r>")
    assert canonicalise(doc[0], C14N + "#WithComments") == b"<i><!--c--></i>"
    assert canonicalise(doc[0], C14N + "#WithComments", comments=False) == b"<i></i>"
