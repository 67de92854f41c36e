"""Every metadata rule fires on the fixture built to trigger it, and not on the passing one."""

from __future__ import annotations

import datetime as dt
from functools import cache

import fixtures_metadata
import pytest

from samlcheck._internal.aws import Evidence
from samlcheck._internal.checks.metadata import check_metadata
from samlcheck._internal.findings import Severity
from samlcheck._internal.report import Result
from samlcheck._internal.rules import metadata as rules

AT = dt.datetime(2026, 1, 15, 12, tzinfo=dt.timezone.utc)


@cache
def _fixtures() -> dict[str, bytes]:
    return fixtures_metadata.fixtures()


@cache
def result(name: str) -> Result:
    return check_metadata(_fixtures()[f"metadata/{name}"], name, at=AT)


def _names(res: Result) -> list[str]:
    return [f.rule.name for f in res.findings]


# fixture, rule it triggers, the rule that decides the verdict (None: IAM accepts the file)
CASES = [
    ("bom.xml", rules.BYTE_ORDER_MARK, rules.BYTE_ORDER_MARK),
    ("utf16.xml", rules.NOT_UTF8, rules.NOT_UTF8),
    ("utf16-no-bom.xml", rules.NOT_UTF8, rules.NOT_UTF8),
    ("latin1-declared.xml", rules.INVALID_UTF8, rules.INVALID_UTF8),
    ("invalid-utf8.xml", rules.INVALID_UTF8, rules.INVALID_UTF8),
    ("declared-encoding-mismatch.xml", rules.DECLARED_ENCODING, None),
    ("tiny.xml", rules.TOO_SHORT, rules.TOO_SHORT),
    ("not-well-formed.xml", rules.NOT_WELL_FORMED, rules.NOT_WELL_FORMED),
    ("doctype.xml", rules.DOCTYPE, rules.DOCTYPE),
    ("html-page.xml", rules.WRONG_DOCUMENT, rules.WRONG_DOCUMENT),
    ("saml-response.xml", rules.WRONG_DOCUMENT, rules.WRONG_DOCUMENT),
    ("get-saml-provider.json", rules.WRONG_DOCUMENT, rules.WRONG_DOCUMENT),
    ("base64.txt", rules.WRONG_DOCUMENT, rules.WRONG_DOCUMENT),
    ("sp-only.xml", rules.NO_IDP_DESCRIPTOR, rules.NO_IDP_DESCRIPTOR),
    ("schema-invalid.xml", rules.SCHEMA_INVALID, None),
    ("saml11-only.xml", rules.NO_SAML2_PROTOCOL, rules.NO_SAML2_PROTOCOL),
    ("no-entity-id.xml", rules.NO_ENTITY_ID, rules.NO_ENTITY_ID),
    ("encryption-only.xml", rules.NO_SIGNING_CERTIFICATE, rules.NO_SIGNING_CERTIFICATE),
    ("tiny.xml", rules.NO_SSO_ENDPOINT, rules.TOO_SHORT),
    ("unreadable-certificate.xml", rules.CERTIFICATE_UNREADABLE, rules.NO_SIGNING_CERTIFICATE),
    ("base64-of-pem.xml", rules.CERTIFICATE_BASE64_OF_PEM, rules.CERTIFICATE_BASE64_OF_PEM),
    ("key-512.xml", rules.KEY_TOO_SMALL, rules.KEY_TOO_SMALL),
    ("repeated-extension.xml", rules.REPEATED_EXTENSION, rules.REPEATED_EXTENSION),
    ("sha1-certificate.xml", rules.WEAK_SIGNATURE_HASH, None),
    ("ec-certificate.xml", rules.KEY_NOT_RSA, None),
    ("expired-certificate.xml", rules.CERTIFICATE_FACTS, None),
    ("expired-valid-until.xml", rules.VALID_UNTIL, None),
    ("expired-valid-until.xml", rules.CACHE_DURATION, None),
    ("signed.xml", rules.SIGNATURE_VERIFIED, None),
    ("signed-tampered.xml", rules.SIGNATURE_INVALID, None),
    ("aggregate.xml", rules.SEVERAL_IDPS, None),
]


@pytest.mark.parametrize(
    ("name", "rule", "decisive"), CASES, ids=[f"{name}:{rule.name}" for name, rule, _ in CASES]
)
def test_fixture_triggers_its_rule_and_verdict(name: str, rule: object, decisive: object) -> None:
    res = result(name)
    assert rule in [f.rule for f in res.findings], _names(res)
    verdict = res.verdict
    if decisive is None:
        assert verdict.accepted, _names(res)
    else:
        assert verdict.finding is not None and verdict.finding.rule is decisive, _names(res)


def test_passing_metadata_is_accepted_without_findings() -> None:
    res = result("passing.xml")
    assert res.verdict.accepted
    assert _names(res) == []
    assert res.signature.status == "unsigned"


def test_iam_fatal_rules_lead_to_could_not_parse_metadata() -> None:
    for rule in (rules.BYTE_ORDER_MARK, rules.KEY_TOO_SMALL, rules.REPEATED_EXTENSION):
        assert rule.severity is Severity.ERROR
        assert rule.aws_error == "metadata-unparseable"
        assert rule.stage == "metadata"
    assert result("bom.xml").verdict.aws_error.message == "Could not parse metadata."  # type: ignore[union-attr]


def test_size_rules_name_the_iam_validation_error() -> None:
    assert rules.TOO_SHORT.aws_error == "metadata-too-short"
    assert rules.TOO_LONG.aws_error == "metadata-too-long"


def test_undocumented_refusals_say_they_are_inferred() -> None:
    for rule in (rules.NO_IDP_DESCRIPTOR, rules.SCHEMA_INVALID, rules.NO_SAML2_PROTOCOL,
                 rules.NO_SIGNING_CERTIFICATE, rules.CERTIFICATE_BASE64_OF_PEM):  # fmt: skip
        assert rule.evidence is Evidence.INFERRED
    assert rules.KEY_TOO_SMALL.evidence is Evidence.DOCUMENTED


def test_invalid_utf8_names_the_offset_and_line_of_the_first_bad_byte() -> None:
    data = _fixtures()["metadata/invalid-utf8.xml"]
    offset = data.index(b"\xff")
    (finding,) = [f for f in result("invalid-utf8.xml").findings if f.rule is rules.INVALID_UTF8]
    assert f"byte {offset} (line 2)" in finding.message
    assert "FF 3C" in finding.message


def test_utf16_is_reported_with_and_without_byte_order_mark() -> None:
    assert "with a byte order mark" in result("utf16.xml").findings[0].message
    assert "without a byte order mark" in result("utf16-no-bom.xml").findings[0].message


def test_wrong_document_messages_tell_the_cases_apart() -> None:
    html = result("html-page.xml").verdict.finding
    response = result("saml-response.xml").verdict.finding
    sp = result("sp-only.xml").verdict.finding
    assert html is not None and "HTML page" in html.message
    assert response is not None and "SAMLResponse" in response.message
    assert sp is not None and "service provider metadata" in sp.message
    iam_json = result("get-saml-provider.json").verdict.finding
    assert iam_json is not None and "--query SAMLMetadataDocument" in iam_json.fix
    b64 = result("base64.txt").verdict.finding
    assert b64 is not None and "base64" in b64.message


def test_schema_errors_carry_line_numbers() -> None:
    (finding,) = [
        f for f in result("schema-invalid.xml").findings if f.rule is rules.SCHEMA_INVALID
    ]
    assert finding.location.startswith("line 2")
    assert "md:Bogus" in finding.message


def test_repeated_extension_lists_oid_and_name() -> None:
    (finding,) = [
        f for f in result("repeated-extension.xml").findings if f.rule is rules.REPEATED_EXTENSION
    ]
    assert "2.5.29.19 (basicConstraints) 2 times" in finding.message


def test_expired_certificate_is_information_only() -> None:
    res = result("expired-certificate.xml")
    (facts,) = [f for f in res.findings if f.rule is rules.CERTIFICATE_FACTS]
    assert "expired" in facts.message and facts.severity is Severity.INFO
    assert res.verdict.accepted


def test_certificate_validity_finding_adds_to_the_summary_row_instead_of_repeating_it() -> None:
    res = result("expired-certificate.xml")
    (facts,) = [f for f in res.findings if f.rule is rules.CERTIFICATE_FACTS]
    row = dict(res.summary)["certificate 1"]
    fingerprint = row.split("SHA-256 ")[1].split(",")[0]
    assert fingerprint not in facts.message and row not in facts.message
    assert "expired on 2020-01-01" in facts.message
    assert "IAM does not act on certificate expiry" in facts.message


def test_certificate_not_yet_valid_is_information_marked_inferred() -> None:
    early = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)
    res = check_metadata(_fixtures()["metadata/passing.xml"], "passing.xml", at=early)
    (facts,) = [f for f in res.findings if f.rule is rules.CERTIFICATE_FACTS]
    assert "is not valid before 2025-01-01 (checked at 2024-06-01)" in facts.message
    assert "(inferred)" in facts.message and facts.severity is Severity.INFO
    assert res.verdict.accepted


def test_small_certificate_key_is_named_by_its_size_in_bits() -> None:
    (finding,) = [f for f in result("key-512.xml").findings if f.rule is rules.KEY_TOO_SMALL]
    assert "has a 512-bit RSA key (minimum 1024 bits)" in finding.message


def test_ec_key_is_reported_with_its_curve() -> None:
    (finding,) = [f for f in result("ec-certificate.xml").findings if f.rule is rules.KEY_NOT_RSA]
    assert "EC secp256r1" in finding.message


def test_each_idp_of_an_aggregate_is_summarised() -> None:
    labels = [label for label, _ in result("aggregate.xml").summary]
    assert "IdP 1 entity ID" in labels and "IdP 2 entity ID" in labels
    assert "IdP 2 certificate 1" in labels


def test_base64_of_pem_alone_is_not_also_a_missing_signing_certificate() -> None:
    found = [f.rule for f in result("base64-of-pem.xml").findings]
    assert rules.NO_SIGNING_CERTIFICATE not in found
    assert found.count(rules.CERTIFICATE_BASE64_OF_PEM) == 1
