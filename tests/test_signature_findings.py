"""Signature verdicts and messages (issue 8): empty values, a foreign Issuer, short SC-SIG-003."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import fixtures_responses
import pytest
import testidp
from lxml import etree

from samlcheck.capture import Message
from samlcheck.options import CheckOptions
from samlcheck.response import check_response
from samlcheck.xml import NS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AT = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)
METADATA = FIXTURES / fixtures_responses.METADATA
CERT = FIXTURES / fixtures_responses.SIGNING_CERT
ANCHORS = {
    "none": CheckOptions(at=AT),
    "metadata": CheckOptions(metadata=(METADATA,), at=AT),
    "cert": CheckOptions(certs=(CERT,), at=AT),
}


def _emptied(name: str, path: str, remove: bool, key_info: bool = True) -> bytes:
    root = etree.fromstring((FIXTURES / "responses" / f"{name}.xml").read_bytes())
    for node in root.iterfind(path, NS):
        if remove:
            node.getparent().remove(node)
        else:
            node.text = ""
    if not key_info:
        for node in root.iterfind(".//ds:KeyInfo", NS):
            node.getparent().remove(node)
    return etree.tostring(root)


@pytest.mark.parametrize("anchor", ANCHORS)
@pytest.mark.parametrize(
    ("path", "remove"),
    [
        (".//ds:SignatureValue", False),
        (".//ds:SignatureValue", True),
        (".//ds:DigestValue", False),
        (".//ds:DigestValue", True),
    ],
)
@pytest.mark.parametrize("key_info", [True, False])
def test_an_empty_or_absent_value_is_invalid_under_any_key(
    anchor: str, path: str, remove: bool, key_info: bool
) -> None:
    data = _emptied("valid-response-signed-only", path, remove, key_info)
    result = check_response(Message("x", data), ANCHORS[anchor])
    assert result.signature.status == "invalid"
    assert result.verdict.aws_error is not None
    assert result.verdict.aws_error.key == "signature-invalid"
    assert result.verdict.finding is not None
    message = result.verdict.finding.message
    assert "invalid under any key" in message
    assert "NoneType" not in message and "Error" not in message


def test_metadata_with_an_empty_signature_value_is_a_finding_not_a_type_error() -> None:
    from samlcheck.metadata_check import check_metadata

    idp = testidp.idp()
    signed = testidp.sign(etree.fromstring(testidp.metadata(idp)), idp)
    (value,) = signed.iterfind(".//ds:SignatureValue", NS)
    value.text = ""
    result = check_metadata(etree.tostring(signed), "md.xml", at=AT, cert=idp.cert)
    assert result.signature.status == "invalid"
    assert any("invalid under any key" in f.message for f in result.findings)
