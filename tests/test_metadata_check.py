"""check_metadata details: size bounds, dates, Issuer selection, signatures, repair and diff."""

from __future__ import annotations

import codecs
import datetime as dt
from functools import cache

import fixtures_metadata
import pytest
import testidp
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from samlcheck._internal.checks.metadata import check_metadata, compare
from samlcheck._internal.checks.metadata_repair import fix_encoding
from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs import xml
from samlcheck._internal.inputs.encoding import read_bytes
from samlcheck._internal.instants import parse_duration
from samlcheck._internal.rules import metadata as rules
from samlcheck._internal.stages.metadata_signature import verify_signature
from samlcheck._internal.trust.metadata import idp_entities

AT = dt.datetime(2026, 1, 15, 12, tzinfo=dt.timezone.utc)


@cache
def fixture(name: str) -> bytes:
    return fixtures_metadata.fixtures()[f"metadata/{name}"]


def _rules(data: bytes, **options: object) -> list[object]:
    return [f.rule for f in check_metadata(data, "t.xml", at=AT, **options).findings]  # type: ignore[arg-type]


# --- size -----------------------------------------------------------------------------------------


def _padded(characters: int) -> bytes:
    """The passing metadata grown with a comment to exactly `characters` characters."""
    base = fixture("passing.xml")
    filler = characters - len(base.decode()) - len("<!---->\n")
    assert filler >= 0
    return base + b"<!--" + b"x" * filler + b"-->\n"


def test_size_bounds_are_inclusive() -> None:
    assert rules.size_findings(1000) == []
    assert rules.size_findings(10_000_000) == []
    assert [f.rule for f in rules.size_findings(999)] == [rules.TOO_SHORT]
    assert [f.rule for f in rules.size_findings(10_000_001)] == [rules.TOO_LONG]


def test_size_counts_characters_not_bytes() -> None:
    data = fixture("passing.xml").replace(b"Example IdP", "Ex\u00e4mple IdP".encode())
    assert len(read_bytes(data).text) == len(data.decode())
    assert len(read_bytes(data).text) < len(data)


def test_document_over_ten_million_characters_is_refused() -> None:
    found = _rules(_padded(10_000_001))
    assert rules.TOO_LONG in found
    assert rules.TOO_LONG not in _rules(_padded(10_000_000))


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PT24H", (False, False)),
        ("P1DT0.5S", (False, False)),
        ("-P1D", (True, False)),
        ("PT0S", (False, True)),
        ("P", None),
        ("PT", None),
        ("24h", None),
        ("P1H", None),
    ],
)
def test_cache_duration_parsing(value: str, expected: tuple[bool, bool] | None) -> None:
    assert parse_duration(value) == expected


def test_valid_until_is_judged_at_the_given_instant() -> None:
    data = fixture("expired-valid-until.xml")
    before = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)
    assert rules.VALID_UNTIL in _rules(data)
    findings = check_metadata(data, "t.xml", at=before).findings
    assert rules.VALID_UNTIL not in [f.rule for f in findings]


def test_malformed_valid_until_and_negative_cache_duration_are_warnings() -> None:
    root = fixtures_metadata.idp_metadata(valid_until="next week", cache_duration="-PT1H")
    res = check_metadata(fixtures_metadata.xml_bytes(root), "t.xml", at=AT)
    messages = {f.rule.name: f.message for f in res.findings}
    assert "not an xs:dateTime" in messages["metadata-valid-until"]
    assert "negative" in messages["metadata-cache-duration"]
    assert res.verdict.accepted


# --- several IdPs and the Issuer ------------------------------------------------------------------


def test_issuer_selects_one_idp_of_an_aggregate() -> None:
    res = check_metadata(
        fixture("aggregate.xml"), "t.xml", at=AT, issuer="https://b.example.test/idp"
    )
    (selected,) = [f for f in res.findings if f.rule is rules.ISSUER_SELECTS]
    assert "selects IdP 2 of 2" in selected.message


def test_issuer_matching_no_idp_is_reported_with_the_near_miss() -> None:
    res = check_metadata(
        fixture("aggregate.xml"), "t.xml", at=AT, issuer="https://b.example.test/idp/"
    )
    (missing,) = [f for f in res.findings if f.rule is rules.ISSUER_NOT_IN_METADATA]
    assert "nearly equal: 'https://b.example.test/idp'" in missing.message
    assert missing.aws_error is not None and missing.aws_error.key == "issuer-not-in-provider"
    assert res.verdict.accepted  # the upload itself succeeds; sign-ins would fail


def test_single_idp_selected_by_its_issuer() -> None:
    found = _rules(fixture("passing.xml"), issuer=testidp.ENTITY_ID)
    assert rules.ISSUER_SELECTS in found and rules.SEVERAL_IDPS not in found


# --- metadata signature ---------------------------------------------------------------------------


def test_signature_verifies_with_the_given_certificate() -> None:
    res = check_metadata(fixture("signed.xml"), "t.xml", at=AT, cert=testidp.idp().cert)
    assert res.signature.status == "valid"
    (finding,) = [f for f in res.findings if f.rule is rules.SIGNATURE_VERIFIED]
    assert "given with --cert" in finding.message


def test_signature_fails_with_a_wrong_given_certificate() -> None:
    other = testidp.idp("metadata-other").cert
    res = check_metadata(fixture("signed.xml"), "t.xml", at=AT, cert=other)
    assert res.signature.status == "invalid"
    assert rules.SIGNATURE_INVALID in [f.rule for f in res.findings]


def test_tampered_signed_metadata_reports_the_digest_mismatch() -> None:
    res = check_metadata(fixture("signed-tampered.xml"), "t.xml", at=AT)
    (finding,) = [f for f in res.findings if f.rule is rules.SIGNATURE_INVALID]
    assert "Digest mismatch" in finding.message


def test_signature_without_key_info_verifies_with_the_idp_certificate() -> None:
    res = check_metadata(fixture("signed-no-keyinfo.xml"), "t.xml", at=AT)
    assert res.signature.status == "valid"
    assert "IdP's signing certificate" in res.findings[-1].message


def test_signature_without_any_certificate_is_unverifiable() -> None:
    doc = xml.parse(fixture("signed-no-keyinfo.xml"))
    check = verify_signature(doc, None, ())
    assert check.status == "unverifiable"
    finding = rules.signature_finding(check.status, check.detail, check.location)
    assert finding is not None and finding.rule is rules.SIGNATURE_UNVERIFIABLE


def test_unsigned_metadata_gives_no_signature_finding() -> None:
    doc = xml.parse(fixture("passing.xml"))
    assert verify_signature(doc, None, idp_entities(doc)).status == "unsigned"
    assert rules.signature_finding("unsigned", "", "") is None


# --- summary --------------------------------------------------------------------------------------


def test_summary_shows_entity_certificate_endpoints_and_signature() -> None:
    summary = dict(check_metadata(fixture("signed.xml"), "t.xml", at=AT).summary)
    assert summary["entity ID"] == testidp.ENTITY_ID
    assert summary["certificate 1"].startswith("signing: CN=idp.example.test, RSA 2048, SHA-256 ")
    assert "valid 2025-01-01 to 2035-01-01" in summary["certificate 1"]
    assert summary["SSO endpoints"].startswith("HTTP-POST https://idp.example.test/saml/sso")
    assert summary["metadata signature"].startswith("valid")


# --- repair ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["bom.xml", "utf16.xml", "utf16-no-bom.xml", "latin1-declared.xml",
             "declared-encoding-mismatch.xml"],
)  # fmt: skip
def test_encoding_only_problems_are_fixed_into_accepted_utf8(name: str) -> None:
    original = fixture(name)
    fix = fix_encoding(original, name, at=AT)
    assert fix.data is not None, fix.reason
    assert not fix.data.startswith(codecs.BOM_UTF8)
    assert fix.data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    fixed = check_metadata(fix.data, name, at=AT)
    assert fixed.verdict.accepted
    assert etree.tostring(etree.fromstring(fix.data), method="c14n") == etree.tostring(
        etree.fromstring(original), method="c14n"
    )
    assert fixture(name) == original  # the input bytes are untouched


def test_bom_removal_gives_exactly_the_plain_file() -> None:
    assert fix_encoding(fixture("bom.xml"), "bom.xml").data == fixture("passing.xml")


def test_repair_refuses_when_another_error_remains() -> None:
    fix = fix_encoding(codecs.BOM_UTF8 + fixture("key-512.xml"), "t.xml", at=AT)
    assert fix.data is None
    assert "SC-MD-018 certificate-key-too-small" in fix.reason


def test_repair_refuses_undeclared_foreign_bytes() -> None:
    fix = fix_encoding(fixture("invalid-utf8.xml"), "t.xml", at=AT)
    assert fix.data is None and "real encoding" in fix.reason


def test_repair_has_nothing_to_do_on_clean_utf8() -> None:
    fix = fix_encoding(fixture("passing.xml"), "t.xml", at=AT)
    assert fix.data is None and fix.reason.startswith("nothing to fix")


def test_signed_metadata_still_verifies_after_encoding_repair() -> None:
    converted = fixture("signed.xml").decode().encode("utf-16")
    fix = fix_encoding(converted, "t.xml", at=AT)
    assert fix.data is not None
    assert check_metadata(fix.data, "t.xml", at=AT).signature.status == "valid"


# --- comparison -----------------------------------------------------------------------------------


def test_rotation_says_the_idp_signs_with_a_new_certificate_iam_does_not_hold() -> None:
    res = compare(fixture("passing.xml"), fixture("rotated.xml"), at=AT)
    verdict = res.verdict
    assert verdict.finding is not None
    assert verdict.finding.rule is rules.SIGNING_CERTIFICATE_ROTATED
    assert (
        verdict.aws_error is not None and verdict.aws_error.message == "Response signature invalid"
    )
    assert "CN=idp-next.example.test" in verdict.finding.message
    assert "IAM still holds the old certificate (CN=idp.example.test" in verdict.finding.message
    assert verdict.aws_error.message not in verdict.finding.message  # the verdict says it once
    labels = [label for label, _ in res.summary]
    assert labels.count("signing certificate added") == 1
    assert labels.count("signing certificate removed") == 1


def test_rollover_with_both_certificates_is_a_warning() -> None:
    res = compare(fixture("passing.xml"), fixture("rollover.xml"), at=AT)
    assert res.verdict.accepted
    assert [f.rule for f in res.findings] == [rules.SIGNING_CERTIFICATE_ADDED]


def test_retired_certificate_is_information() -> None:
    res = compare(fixture("rollover.xml"), fixture("rotated.xml"), at=AT)
    assert [f.rule for f in res.findings] == [rules.SIGNING_CERTIFICATE_RETIRED]


def test_entity_id_and_endpoint_changes_are_reported() -> None:
    new = fixtures_metadata.xml_bytes(
        fixtures_metadata.idp_metadata(
            "https://idp.example.test/saml2", sso_url="https://x.test/sso"
        )
    )
    res = compare(fixture("passing.xml"), new, at=AT)
    found = [f.rule for f in res.findings]
    assert found == [rules.ENTITY_ID_CHANGED, rules.ENDPOINTS_CHANGED]
    assert res.verdict.aws_error is not None
    assert res.verdict.aws_error.key == "issuer-not-in-provider"


def test_identical_metadata_has_no_changes() -> None:
    res = compare(fixture("passing.xml"), fixture("signed.xml"), at=AT)
    assert res.findings == () and ("changes", "none") in res.summary


def test_comparison_checks_the_new_file_as_an_upload_first() -> None:
    res = compare(fixture("passing.xml"), fixture("bom.xml"), at=AT, new_source="bom.xml")
    assert [f.rule for f in res.findings] == [rules.BYTE_ORDER_MARK]
    assert res.findings[0].message.startswith("bom.xml: ")
    assert (
        not res.verdict.accepted and ("bom.xml as an upload", "IAM would refuse it") in res.summary
    )


def test_aggregate_comparison_picks_the_same_idp_or_needs_an_issuer() -> None:
    single = fixtures_metadata.xml_bytes(
        fixtures_metadata.idp_metadata(
            "https://a.example.test/idp", [("signing", testidp.idp().cert)]
        )
    )
    res = compare(single, fixture("aggregate.xml"), at=AT)
    assert [f.rule for f in res.findings] == [rules.SEVERAL_IDPS, rules.SIGNING_CERTIFICATE_ROTATED]
    with pytest.raises(InputError, match="holds 2 IdPs"):
        compare(fixture("aggregate.xml"), single)
    chosen = compare(fixture("aggregate.xml"), single, issuer="https://a.example.test/idp")
    assert chosen.findings[0].rule is rules.SIGNING_CERTIFICATE_ROTATED


def test_unreadable_side_of_a_comparison_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not readable metadata"):
        compare(b"<oops", fixture("passing.xml"), old_source="old.xml")
    with pytest.raises(InputError, match="holds no IdP"):
        compare(fixture("sp-only.xml"), fixture("passing.xml"))
    refused = compare(fixture("passing.xml"), fixture("sp-only.xml"))  # its upload check says why
    assert refused.verdict.finding is not None
    assert refused.verdict.finding.rule is rules.NO_IDP_DESCRIPTOR


# --- robustness -----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0), st.binary(min_size=1, max_size=4))
def test_corrupted_metadata_gives_a_result_never_a_crash(position: int, junk: bytes) -> None:
    data = fixture("signed.xml")
    at = position % len(data)
    result = check_metadata(data[:at] + junk + data[at + len(junk) :], "fuzz.xml", at=AT)
    assert result.kind == "metadata"
    assert result.verdict.accepted or result.verdict.finding is not None


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_a_result_never_a_crash(data: bytes) -> None:
    assert check_metadata(data, "fuzz.xml", at=AT).kind == "metadata"


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be", "utf-16-be"])
def test_utf32_and_big_endian_utf16_are_reported_and_converted_back(codec: str) -> None:
    plain = fixture("passing.xml")
    declared = plain.decode().replace("encoding='UTF-8'", f"encoding='{codec.upper()}'")
    data = declared.encode(codec)
    res = check_metadata(data, "t.xml", at=AT)
    assert res.findings[0].rule is rules.NOT_UTF8
    assert codec.upper().replace("-LE", "").replace("-BE", "")[:6] in res.findings[0].message
    assert fix_encoding(data, "t.xml", at=AT).data == plain


def test_other_json_and_broken_json_are_told_apart() -> None:
    other = check_metadata(b'{"metadata": "https://idp.example.test/metadata"}', "x.json")
    messages = [f.message for f in other.findings if f.rule is rules.WRONG_DOCUMENT]
    assert messages == ["this is a JSON document, not SAML metadata XML"]
    broken = check_metadata(b"{not json", "x.json")
    assert rules.NOT_WELL_FORMED in [f.rule for f in broken.findings]


def test_schema_validation_is_skipped_when_iam_refuses_the_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from samlcheck._internal.trust import schema

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validated a document IAM refuses for its size")

    monkeypatch.setattr(schema, "validate", refuse)
    assert rules.TOO_LONG in _rules(_padded(10_000_001))


def test_certificate_description_says_expired_or_not_yet_valid() -> None:
    from samlcheck._internal.trust.certs import describe, describe_facts

    facts = describe(testidp.idp().cert)  # valid 2025-01-01 to 2035-01-01
    early = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)
    late = dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc)
    assert describe_facts(facts, early).endswith("(not valid before 2025-01-01)")
    assert describe_facts(facts, late).endswith("(expired 365 days before 2036-01-01)")
    assert describe_facts(facts, AT).endswith("valid 2025-01-01 to 2035-01-01")
