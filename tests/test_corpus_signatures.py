"""samlcheck agrees with every row of the python3-saml corpus manifest (third-party test data).

The corpus responses are not AWS-shaped, so the rows score the signature, structure, wrapping and
decryption verdicts; the AWS-attribute findings are expected to fire and are not scored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from samlcheck._internal.checks.response import check_loaded
from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.capture import read_capture
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.report import Result
from samlcheck._internal.trust.anchors import load_trust

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "python3-saml"
MANIFEST = CORPUS / "manifest.json"
pytestmark = [
    pytest.mark.skipif(not MANIFEST.is_file(), reason=f"corpus not present at {CORPUS}"),
    pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning"),
]
AT = dt.datetime(2014, 2, 19, 13, 37, tzinfo=dt.timezone.utc)
"""Inside the validity of the corpus responses that carry times (their own tests mock it)."""
IDP_ENTITY_ID = "http://idp.example.com/"
"""settings/settings1.json idp.entityId: the metadata entity the issuer rows are judged against."""


def rows() -> list[dict[str, Any]]:
    if not MANIFEST.is_file():
        return []
    return list(json.loads(MANIFEST.read_text()))


def check(file: str, anchor: str, keys: tuple[str, ...] = (), at: dt.datetime = AT) -> Result:
    trust = load_trust((), (CORPUS / anchor,))
    trust = dataclasses.replace(trust, entity_ids=(IDP_ENTITY_ID,))
    capture = read_capture(str(CORPUS / file))
    assert len(capture.messages) == 1
    options = CheckOptions(at=at, sp_keys=tuple(CORPUS / k for k in keys))
    return check_loaded(capture.messages[0], options, trust)


def fired(result: Result) -> set[str]:
    return {f.rule.name for f in result.findings}


def expect(row: dict[str, Any]) -> None:
    """Score one manifest row: its `expected` column in samlcheck's terms."""
    file, anchor, expected = row["file"], row["trust_anchor"], row["expected"]
    if expected.startswith("VALID with cert2"):
        assert check(file, anchor).signature.status == "valid"
        assert check(file, "certs/settings1-idp.pem").signature.status == "invalid"
        return
    if expected.startswith("decrypts with"):
        for key in ("data/customPath/certs/sp.key", "data/misc/sp2.key", "data/misc/sp3.key"):
            result = check(file, anchor, (key,))
            assert "assertion-decrypted" in fired(result), key
            assert result.signature.status == "unsigned"  # decrypted, and nothing signs it
        assert "decryption-key-mismatch" in fired(check(file, anchor, ("data/misc/sp4.key",)))
        return
    result = check(file, anchor)
    status, names = result.signature.status, fired(result)
    if expected.startswith("VALID"):
        assert status == "valid"
    elif expected.startswith("INVALID digest"):
        assert status == "invalid"
        assert names & {"signed-content-changed", "signing-key-not-trusted"}
        assert result.claims is None
    elif expected.startswith("INVALID malformed"):
        assert status == "invalid" and "signature-malformed" in names
    elif expected.startswith("UNSIGNED"):
        assert status == "unsigned" and "response-unsigned" in names
    elif expected.startswith("REJECT"):
        assert status == "invalid" and not result.verdict.accepted
        assert result.verdict.aws_error is not None
        assert result.verdict.aws_error.key == "signature-invalid"
        assert names & {
            "duplicate-id",
            "assertion-count",
            "signature-misplaced",
            "signature-reference-uri",
        }
    elif expected.startswith("text extraction"):
        values = [f.message for f in result.findings if f.rule.name == "comment-injection"]
        assert any("'support@onelogin.com'" in v for v in values)
        assert any("'smith'" in v for v in values)
    elif expected.startswith("signature VALID; duplicate attribute"):
        assert status == "valid" and "attribute-repeated" in names
    elif expected == "audience mismatch":
        assert "audience-missing" in names
    elif expected == "issuer mismatch":  # SC-RESP-010, or SC-SIG-023 with one-entity metadata
        assert result.verdict.finding is not None
        assert result.verdict.finding.rule.aws_error == "issuer-not-in-provider"
    elif expected == '"Unsupported SAML version"' or expected == '"Missing ID attribute"':
        assert "response-malformed" in names
    elif expected == "non-success status":
        assert "status-not-success" in names
    elif expected == "expired":
        late = check(file, anchor, at=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc))
        assert "response-expired" in fired(late)
    elif expected == "no valid SubjectConfirmation":
        assert "recipient-not-aws" in names
    else:
        pytest.fail(f"manifest row not scored: {expected!r}")
    assert not result.verdict.accepted or status == "valid"


@pytest.mark.parametrize("row", rows(), ids=lambda r: r["file"].rsplit("/", 1)[-1])
def test_samlcheck_agrees_with_the_manifest_row(row: dict[str, Any]) -> None:
    expect(row)


def test_manifest_has_every_row_scored() -> None:
    assert len(rows()) == 26


def test_corpus_certificate_expiry_is_reported_not_failed() -> None:
    result = check("data/responses/signed_message_response.xml.base64", "certs/settings1-idp.pem")
    assert result.signature.status == "valid"
    assert "anchor-certificate-expired" in fired(result)


def test_unrelated_certificate_does_not_verify_the_corpus() -> None:
    result = check("data/responses/signed_message_response.xml.base64", "certs/certificate1")
    assert result.signature.status == "invalid"


def test_unreadable_anchor_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"not a certificate")
    with pytest.raises(InputError) as raised:
        load_trust((), (bad,))
    assert raised.value.source == str(bad)
    assert raised.value.problem.startswith("not a readable X.509 certificate")
    assert "PEM" in raised.value.hint
