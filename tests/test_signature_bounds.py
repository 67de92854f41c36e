"""Bounded work on hostile signature input (issue 9, section 2): caps and counts, never timings.

Each cap is checked three ways: the work stops at it, the rest is counted in a finding, and a
capped input is never valid. scripts/resources.py measures time and memory.
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
from typing import Any

import fixtures_responses
import pytest
import testidp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from samlcheck._internal.checks.response import check_response
from samlcheck._internal.inputs.capture import Message
from samlcheck._internal.inputs.xml import NS, parse
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.report import Result
from samlcheck._internal.stages import signature
from samlcheck._internal.stages.profile import MAX_LISTED, injected_text
from samlcheck._internal.trust.certs import MAX_KEYINFO_CERTS
from samlcheck._internal.trust.metadata import MAX_CERTIFICATES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AT = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)
METADATA = FIXTURES / fixtures_responses.METADATA
DS = "http://www.w3.org/2000/09/xmldsig#"


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every full verification samlcheck runs, by certificate."""
    calls: list[Any] = []
    real = signature._attempt

    def counted(parent: etree._Element, cert: x509.Certificate) -> Any:
        calls.append(cert)
        return real(parent, cert)

    monkeypatch.setattr(signature, "_attempt", counted)
    return calls


def _certs(count: int) -> list[x509.Certificate]:
    """`count` distinct certificates of one key none of the fixtures signs with."""
    key = testidp.rsa_key("bounds-foreign")
    return [testidp.certificate(key, f"foreign-{i}.example.test") for i in range(count)]


def _check(data: bytes, metadata: Path = METADATA) -> Result:
    return check_response(Message("x", data), CheckOptions(metadata=(metadata,), at=AT))


def _rules(result: Result) -> list[str]:
    return [f.rule.id for f in result.findings]


def _with_keyinfo_certs(provider: testidp.IdP, certs: list[x509.Certificate]) -> bytes:
    """A response signed by `provider` (Response only) whose KeyInfo carries `certs` first."""
    root = testidp.response_element(testidp.ResponseSpec(sign_assertion=False), provider)
    data = root.find("ds:Signature/ds:KeyInfo/ds:X509Data", NS)
    assert data is not None
    for index, cert in enumerate(certs):
        node = etree.Element(f"{{{DS}}}X509Certificate")
        node.text = base64.b64encode(cert.public_bytes(Encoding.DER)).decode()
        data.insert(index, node)
    return etree.tostring(root)


def _metadata(tmp_path: Path, certs: list[x509.Certificate]) -> Path:
    path = tmp_path / "many.xml"
    path.write_bytes(testidp.metadata(testidp.idp(), signing_certs=certs))
    return path


def test_keyinfo_certificates_past_the_cap_are_counted_not_read(attempts: list[Any]) -> None:
    extra = MAX_KEYINFO_CERTS + 20
    data = _with_keyinfo_certs(fixtures_responses.rotated_idp(), _certs(extra))
    result = _check(data)
    (check,) = signature.analyse(parse(data), _trust(METADATA)).signatures
    assert len(check.key_info) == MAX_KEYINFO_CERTS
    assert check.key_info_unread == extra + 1 - MAX_KEYINFO_CERTS
    assert result.signature.status == "invalid"
    assert result.verdict.finding is not None and result.verdict.finding.rule.id == "SC-SIG-003"
    (limit,) = [f for f in result.findings if f.rule.id == "SC-SIG-025"]
    assert f"carries {extra + 1} KeyInfo certificates" in limit.message
    # per check_response and per analyse: the anchor, then each KeyInfo certificate read
    assert len(attempts) == 2 * (1 + MAX_KEYINFO_CERTS)


def test_a_keyinfo_certificate_naming_an_anchor_is_verified_once(
    tmp_path: Path, attempts: list[Any]
) -> None:
    """The signer's anchor is the last the metadata holds: matched by public key, tried first."""
    metadata = _metadata(tmp_path, [*_certs(MAX_CERTIFICATES - 1), testidp.idp().cert])
    data = testidp.response_xml(testidp.ResponseSpec(), testidp.idp())
    result = _check(data, metadata)
    assert result.signature.status == "valid"
    assert len(attempts) == 2  # the Response and the Assertion signature, once each
    assert "SC-SIG-025" not in _rules(result)


def test_anchors_past_the_cap_are_not_tried_and_never_make_a_signature_valid(
    tmp_path: Path, attempts: list[Any]
) -> None:
    """No KeyInfo, the signer's certificate given after 40 others: not tried, so not valid.
    (Metadata holds at most MAX_CERTIFICATES per IdP; --cert files are not capped in number.)"""
    paths = []
    for index, cert in enumerate([*_certs(40), testidp.idp().cert]):
        paths.append(tmp_path / f"{index:02}.pem")
        paths[-1].write_bytes(cert.public_bytes(Encoding.PEM))
    root = testidp.response_element(testidp.ResponseSpec(sign_assertion=False), testidp.idp())
    for key_info in root.iterfind(".//ds:KeyInfo", NS):
        key_info.getparent().remove(key_info)  # type: ignore[union-attr]
    options = CheckOptions(certs=tuple(paths), at=AT)
    result = check_response(Message("x", etree.tostring(root)), options)
    assert len(attempts) == signature.MAX_ANCHORS_TRIED
    assert result.signature.status == "invalid"
    assert result.verdict.finding is not None and result.verdict.finding.rule.id == "SC-SIG-003"
    assert "and 38 more" in result.verdict.finding.message  # 41 anchors: 3 shown
    (limit,) = [f for f in result.findings if f.rule.id == "SC-SIG-025"]
    assert f"tried against {signature.MAX_ANCHORS_TRIED} of the 41" in limit.message
    assert "the 9 others were not tried" in limit.message


def test_signatures_past_the_cap_are_counted_and_reject(attempts: list[Any]) -> None:
    data = (FIXTURES / "responses" / "valid.xml").read_bytes()
    flood = b"<ds:Signature xmlns:ds='%s'/>" % DS.encode() * 30
    data = data.replace(b"</samlp:Response>", flood + b"</samlp:Response>")
    result = _check(data)
    assert result.signature.status == "invalid"
    (cap,) = [f for f in result.findings if f.rule.id == "SC-SIG-024"]
    assert "carries 32 ds:Signature elements" in cap.message and "the 24 others" in cap.message
    assert result.verdict.aws_error is not None
    assert result.verdict.aws_error.key == "signature-invalid"
    assert len(attempts) <= 2 * signature.MAX_VERIFIED_SIGNATURES


def test_many_lookalike_assertions_give_a_bounded_number_of_findings() -> None:
    data = (FIXTURES / "responses" / "valid.xml").read_bytes()
    extra = b"<saml:Assertion ID='_x'><saml:Issuer>evil</saml:Issuer></saml:Assertion>" * 500
    result = _check(data.replace(b"</samlp:Response>", extra + b"</samlp:Response>"))
    lookalikes = [f for f in result.findings if f.rule.id == "SC-SIG-016"]
    assert len(lookalikes) == MAX_LISTED
    assert "samlcheck lists the first" in lookalikes[-1].message
    (count,) = [f for f in result.findings if f.rule.id == "SC-SIG-015"]
    assert (
        "holds 501 Assertion" in count.message and f"and {501 - MAX_LISTED} more" in count.message
    )
    (duplicate,) = [f for f in result.findings if f.rule.id == "SC-SIG-014"]
    assert "occurs 500 times" in duplicate.message
    assert duplicate.message.count("/Response/Assertion[") == MAX_LISTED


def test_injected_text_is_listed_up_to_the_cap() -> None:
    root = parse(b"<a>" + b"<v>x<!-- c -->y</v>" * 50 + b"</a>").root
    assert len(injected_text(root)) == MAX_LISTED
    assert injected_text(parse(b"<a><v>xy</v></a>").root) == []


def _trust(metadata: Path) -> Any:
    from samlcheck._internal.trust.anchors import load_trust

    return load_trust((metadata,), ())
