"""Every metadata file of the python3-saml corpus: processed without a crash, verdict pinned.

Most of these files are service provider metadata or deliberately broken (python3-saml tests its
SP settings parser with them), so IAM, which needs IdP metadata, refuses most of them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from samlcheck._internal.checks.metadata import check_metadata

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "python3-saml"
METADATA = CORPUS / "data" / "metadata"
AT = dt.datetime(2026, 1, 15, 12, tzinfo=dt.timezone.utc)

pytestmark = pytest.mark.skipif(
    not METADATA.is_dir(), reason=f"corpus not present at {METADATA} (../shared/corpus)"
)

_WEAK_IDP = ("certificate-weak-signature-hash", "certificate-validity")
_WEAK_IDP_SERIAL = (*_WEAK_IDP, "certificate-serial-not-positive")  # a second cert, serial 0
_SP_SHORT = ("metadata-too-short", "metadata-no-idp-descriptor")

# file: (rule deciding the verdict or None when IAM accepts, distinct rules fired, signature)
EXPECTED: dict[str, tuple[str | None, tuple[str, ...], str]] = {
    "entities_metadata.xml": (
        "metadata-no-idp-descriptor", ("metadata-no-idp-descriptor",), "unsigned"
    ),
    "expired_metadata_settings1.xml": (
        "metadata-no-idp-descriptor",
        ("metadata-no-idp-descriptor", "metadata-valid-until"),
        "unsigned",
    ),
    "idp_metadata.xml": (None, _WEAK_IDP, "unsigned"),
    "idp_metadata2.xml": (None, ("certificate-weak-signature-hash",), "unsigned"),  # valid at AT
    "idp_metadata_different_sign_and_encrypt_cert.xml": (None, _WEAK_IDP, "unsigned"),
    "idp_metadata_multi_certs.xml": (None, _WEAK_IDP_SERIAL, "unsigned"),
    "idp_metadata_multi_signing_certs.xml": (None, _WEAK_IDP_SERIAL, "unsigned"),
    "idp_metadata_same_sign_and_encrypt_cert.xml": (None, _WEAK_IDP, "unsigned"),
    "idp_multiple_descriptors.xml": (
        "certificate-base64-of-pem",
        (
            "certificate-base64-of-pem",
            "metadata-valid-until",
            "metadata-several-idps",
        ),
        "unsigned",
    ),
    "metadata_bad_order_settings1.xml": (
        "metadata-too-short",
        (
            "metadata-too-short",
            "metadata-schema-invalid",
            "metadata-no-idp-descriptor",
            "metadata-valid-until",
        ),
        "unsigned",
    ),
    "metadata_settings1.xml": ("metadata-too-short", _SP_SHORT, "unsigned"),
    "no_expiration_mark_metadata.xml": ("metadata-too-short", _SP_SHORT, "unsigned"),
    "noentity_metadata_settings1.xml": (
        "metadata-wrong-document", ("metadata-wrong-document",), "not-checked"
    ),
    "signed_metadata_settings1.xml": (
        "metadata-no-idp-descriptor",
        ("metadata-no-idp-descriptor", "metadata-valid-until", "metadata-signature-verified"),
        "valid",
    ),
    "signed_metadata_settings2.xml": (
        "metadata-no-idp-descriptor",
        (
            "metadata-schema-invalid",
            "metadata-no-idp-descriptor",
            "metadata-valid-until",
            "metadata-signature-unverifiable",
        ),
        "unverifiable",
    ),
    "testshib-providers.xml": (None, (), "unsigned"),
    "unparsed_metadata.xml": (
        "metadata-too-short", ("metadata-too-short", "metadata-not-well-formed"), "not-checked"
    ),
}  # fmt: skip


def test_every_corpus_file_is_pinned() -> None:
    assert sorted(p.name for p in METADATA.glob("*.xml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_metadata_verdict_and_findings(name: str) -> None:
    decisive, fired, signature = EXPECTED[name]
    result = check_metadata((METADATA / name).read_bytes(), name, at=AT)
    verdict = result.verdict
    assert (verdict.finding.rule.name if verdict.finding else None) == decisive
    assert tuple(dict.fromkeys(f.rule.name for f in result.findings)) == fired
    assert result.signature.status == signature


def test_aggregate_valid_until_is_reported_once_on_the_element_carrying_it() -> None:
    data = (METADATA / "idp_multiple_descriptors.xml").read_bytes()
    (expired,) = [
        f
        for f in check_metadata(data, "x", at=AT).findings
        if f.rule.name == "metadata-valid-until"
    ]
    assert expired.location == "/EntitiesDescriptor"
    assert "2014-04-17T18:02:33.910Z" in expired.message


def test_base64_of_pem_certificates_in_the_corpus_are_recognised() -> None:
    result = check_metadata((METADATA / "idp_multiple_descriptors.xml").read_bytes(), "x", at=AT)
    pem = [f for f in result.findings if f.rule.name == "certificate-base64-of-pem"]
    assert len(pem) == 4  # two IdPs, each with a signing and an encryption certificate
    summary = dict(result.summary)
    assert summary["IdP 1 entity ID"] == "https://foo.example.com/access/saml/idp.xml"
    assert summary["IdP 2 entity ID"] == "https://bar.example.com/access/saml/idp.xml"


def test_testshib_aggregate_selects_its_idp_by_issuer() -> None:
    data = (METADATA / "testshib-providers.xml").read_bytes()
    result = check_metadata(
        data, "testshib", at=AT, issuer="https://idp.testshib.org/idp/shibboleth"
    )
    assert "issuer-selects-idp" in [f.rule.name for f in result.findings]


def test_signed_sp_metadata_verifies_with_the_corpus_certificate() -> None:
    from samlcheck._internal.trust.certs import load_certificate

    data = (METADATA / "signed_metadata_settings1.xml").read_bytes()
    assert check_metadata(data, "signed", at=AT).signature.status == "valid"
    for name, status in (("settings1-idp.pem", "valid"), ("certificate1", "invalid")):
        path = CORPUS / "certs" / name
        cert = load_certificate(path.read_bytes(), str(path))
        assert check_metadata(data, "signed", at=AT, cert=cert).signature.status == status
