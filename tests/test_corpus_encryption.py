"""Decryption against python3-saml's encrypted responses (third-party data, not written by us)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from lxml import etree

from samlcheck._internal.inputs.xml import parse, qname
from samlcheck._internal.rules import encryption as rules
from samlcheck._internal.stages import decrypt

VALID = "data/responses/valid_encrypted_assertion.xml.base64"
SAME_KEY = ["data/customPath/certs/sp.key", "data/misc/sp2.key", "data/misc/sp3.key"]
"""One SP key in three encodings (PKCS#1, PKCS#8, PKCS#1 with a wrong CRT coefficient)."""
OTHER_KEY = "data/misc/sp4.key"


def _response(corpus: Path, name: str) -> bytes:
    data = (corpus / name).read_bytes()
    return base64.b64decode(data) if name.endswith(".base64") else data


@pytest.mark.parametrize("key", SAME_KEY)
def test_valid_encrypted_assertion_decrypts_with_each_encoding_of_the_sp_key(
    corpus: Path, key: str
) -> None:
    result = decrypt.decrypt(parse(_response(corpus, VALID)), (corpus / key,))
    assert result.key_used == str(corpus / key)
    assert result.document is not None
    assertion = result.document.root.find(qname("saml", "Assertion"))
    assert assertion is not None
    ids = [f.rule.id for f in rules.decryption_findings(result)]
    assert ids == [rules.DECRYPTED.id, rules.RSA_15.id]  # the corpus uses RSA 1.5 key transport
    expected = parse(
        (corpus / "data/responses/decrypted_valid_encrypted_assertion.xml").read_bytes()
    )
    wanted = expected.root.find(qname("saml", "Assertion"))
    assert wanted is not None
    c14n = {"method": "c14n", "exclusive": True}
    assert etree.tostring(assertion, **c14n) == etree.tostring(wanted, **c14n)  # type: ignore[call-overload]


def test_valid_encrypted_assertion_fails_cleanly_with_another_key(corpus: Path) -> None:
    result = decrypt.decrypt(parse(_response(corpus, VALID)), (corpus / OTHER_KEY,))
    assert result.encrypted
    assert result.document is None
    assert result.key_used is None
    assert [f.rule.id for f in rules.decryption_findings(result)] == [rules.WRONG_KEY.id]
    assert "1024-bit" in rules.decryption_findings(result)[0].message


def test_every_encrypted_corpus_response_decrypts(corpus: Path) -> None:
    names = sorted(p.name for p in (corpus / "data/responses").glob("*encrypted_assertion*.base64"))
    assert len(names) >= 6
    for name in names:
        result = decrypt.decrypt(
            parse(_response(corpus, f"data/responses/{name}")), (corpus / SAME_KEY[1],)
        )
        assert result.document is not None, (
            name,
            [f.message for f in rules.decryption_findings(result)],
        )
        assert result.document.root.find(qname("saml", "EncryptedAssertion")) is None, name
