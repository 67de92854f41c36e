"""Every response rule: a fixture that triggers it; the passing fixtures trigger nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
from functools import cache
from pathlib import Path

import fixtures_responses
import pytest
import testidp

from samlcheck._internal import aws
from samlcheck._internal.aws import Evidence
from samlcheck._internal.checks.response import check_response
from samlcheck._internal.findings import Rule, Severity
from samlcheck._internal.inputs.capture import Message
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.report import Result
from samlcheck._internal.rules import all_rules

UTC = dt.timezone.utc
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = fixtures_responses.CASES


def options_for(case: fixtures_responses.Case) -> CheckOptions:
    fields = dict(case.options)
    at = str(fields.pop("at", testidp.CHECK_AT))
    paths = {}
    for name in ("metadata", "certs", "sp_keys", "idp_metadata"):
        default = (fixtures_responses.METADATA,) if name == "metadata" else ()
        value = fields.pop(name, default)
        paths[name] = tuple(FIXTURES / str(p) for p in value)  # type: ignore[attr-defined]
    return CheckOptions(
        at=dt.datetime.fromisoformat(at.replace("Z", "+00:00")),
        **paths,  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


def _message(name: str, rule: str) -> str:
    """The message of the first `rule` finding on fixture response `name`."""
    return next(f.message for f in run(name).findings if f.rule.name == rule)


@cache
def run(name: str) -> Result:
    data = (FIXTURES / "responses" / f"{name}.xml").read_bytes()
    return check_response(Message(source=name, data=data), options_for(CASES[name]))


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.rule is not None])
def test_violation_fixture_triggers_its_rule(name: str) -> None:
    result = run(name)
    fired = {f.rule.name for f in result.findings}
    assert CASES[name].rule in fired, [f.message for f in result.findings]


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.rule is None])
def test_passing_fixture_is_accepted_without_warnings(name: str) -> None:
    result = run(name)
    assert result.verdict.accepted, [f.message for f in result.findings if f.rejects]
    loud = [f for f in result.findings if f.severity is not Severity.INFO]
    assert not loud, [f.message for f in loud]
    assert result.signature.status == "valid"


def test_every_violation_rule_is_absent_from_the_passing_response() -> None:
    fired = {f.rule.name for f in run("valid").findings}
    expected = {c.rule for c in CASES.values() if c.rule is not None}
    assert not fired & expected


RULE_MODULES = ("response", "attributes", "signature")
NO_FIXTURE_FIRES = {
    "signature-misplaced": "test_xsw.py",
    "duplicate-id": "test_xsw.py",
    "unsigned-content-ignored": "test_xsw.py",
    "comment-injection": "test_xsw.py",
    "issuers-differ": "test_xsw.py",
    "response-signature-covers-ciphertext": "test_encryption.py",
    "too-many-signatures": "test_signature_bounds.py",
    "examination-limit": "test_signature_bounds.py",
}
"""Response rules no fixture fires, and the test file that asserts each instead."""


def _response_rules() -> set[str]:
    modules = [importlib.import_module(f"samlcheck._internal.rules.{m}") for m in RULE_MODULES]
    return {
        rule.name
        for module in modules
        for rule in vars(module).values()
        if isinstance(rule, Rule) and rule in all_rules()
    }


def _fired_by_fixtures() -> set[str]:
    return {c.rule for c in CASES.values() if c.rule is not None} | {
        f.rule.name for name in CASES for f in run(name).findings
    }


def test_every_response_rule_is_fired_by_a_fixture_or_asserted_elsewhere() -> None:
    missing = _response_rules() - _fired_by_fixtures() - NO_FIXTURE_FIRES.keys()
    assert not missing


def test_every_exemption_is_a_rule_no_fixture_fires_that_its_test_file_asserts() -> None:
    assert NO_FIXTURE_FIRES.keys() <= _response_rules(), "exempt rule does not exist"
    assert not NO_FIXTURE_FIRES.keys() & _fired_by_fixtures(), "a fixture fires it now: unexempt"
    ids = {rule.name: rule.id for rule in all_rules()}
    for name, test_file in NO_FIXTURE_FIRES.items():
        text = (Path(__file__).parent / test_file).read_text()
        assert f'"{name}"' in text or f'"{ids[name]}"' in text, (name, test_file)


def test_verdict_names_the_first_error_in_aws_order() -> None:
    result = run("expired")
    assert result.verdict.aws_error is not None
    assert result.verdict.aws_error.key == "response-expired"


def test_unsigned_response_fails_at_the_signature_stage_before_attribute_errors() -> None:
    data = testidp.response_xml(
        testidp.ResponseSpec(sign_response=False, sign_assertion=False, role_session_name=None)
    )
    result = check_response(Message("x", data), options_for(CASES["valid"]))
    assert result.verdict.finding is not None
    assert result.verdict.finding.rule.name == "response-unsigned"
    assert "role-session-name-missing" in {f.rule.name for f in result.findings}
    assert result.claims is None


def test_role_space_after_comma_says_what_is_wrong() -> None:
    message = _message("role-space-after-comma", "role-value-invalid")
    assert "whitespace around the comma" in message


def test_role_invalid_character_names_the_character() -> None:
    message = _message("role-invalid-character", "role-value-invalid")
    assert "'é'" in message


def test_session_name_with_a_space_names_the_character() -> None:
    message = _message("session-name-space", "role-session-name-invalid")
    assert "' '" in message


def test_session_name_too_long_gives_the_length() -> None:
    message = _message("session-name-too-long", "role-session-name-invalid")
    assert "65 characters" in message


def test_expired_capture_says_which_at_would_have_passed() -> None:
    message = _message("expired", "time-window")
    assert "--at 2026-01-15T12:00:00Z" in message
    again = check_response(
        Message("x", (FIXTURES / "responses" / "expired.xml").read_bytes()),
        CheckOptions(
            metadata=(FIXTURES / fixtures_responses.METADATA,),
            at=dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.timezone.utc),
        ),
    )
    assert again.verdict.accepted


def test_redeem_window_alone_when_the_assertion_lives_longer() -> None:
    names = {f.rule.name for f in run("redeem-window").findings if f.rejects}
    assert names == {"redeem-window-passed"}


def test_issuer_trailing_slash_is_pointed_out() -> None:
    message = _message("assertion-issuer-trailing-slash", "issuer-not-provider-idp")
    assert "trailing slash" in message


def test_issuer_is_not_checked_with_a_bare_certificate() -> None:
    data = (FIXTURES / "responses" / "issuer-mismatch.xml").read_bytes()
    result = check_response(
        Message("x", data),
        CheckOptions(
            certs=(FIXTURES / fixtures_responses.SIGNING_CERT,),
            at=dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc),
        ),
    )
    assert "issuer-not-in-provider" not in {f.rule.name for f in result.findings}
    assert result.signature.status == "valid"


def test_encrypted_response_decrypts_and_verifies_the_inner_signature() -> None:
    result = run("valid-encrypted")
    assert result.claims is not None
    assert result.claims.name_id == "alice@example.test"
    assert result.signature.signed == ("Response", "Assertion")
    coverage = next(f for f in result.findings if f.rule.name == "signature-coverage")
    assert "/Response/Assertion (decrypted)" in coverage.message


def test_encrypted_response_without_key_shows_no_claims() -> None:
    result = run("encrypted-no-key")
    assert result.claims is None
    assert result.signature.status == "valid"  # the Response signature covers the ciphertext


def test_session_tags_note_the_trust_policy_permission() -> None:
    names = {f.rule.name for f in run("valid-tags-and-source-identity").findings}
    assert {"session-tags-need-permission", "source-identity-needs-permission"} <= names


def test_second_audience_restriction_naming_only_another_sp_is_rejected() -> None:
    result = run("audience-second-restriction")
    found = [f for f in result.findings if f.rule.name == "audience-missing"]
    assert len(found) == 1
    assert "AudienceRestriction 2 of 2 names 'https://sp.example.test/metadata'" in found[0].message
    assert found[0].location.endswith("/Conditions/AudienceRestriction[2]/Audience")
    assert result.claims is not None
    assert result.claims.audiences == ("urn:amazon:webservices", "https://sp.example.test/metadata")


_NOT_DOCUMENTED_BY_THE_GUIDE = (
    *(f"SC-SIG-{n:03d}" for n in (1, 2, 4, 8, 10, 11, 12, 13, 14, 15)),
    "SC-RESP-040",
    *(f"SC-INPUT-{n:03d}" for n in (1, 2, 3, 4)),
)


@pytest.mark.parametrize("rule_id", _NOT_DOCUMENTED_BY_THE_GUIDE)
def test_aws_error_the_guide_does_not_document_is_marked_inferred(rule_id: str) -> None:
    from samlcheck._internal.rules import rule_by_id

    rule = rule_by_id(rule_id)
    assert rule is not None and rule.aws_error is not None
    assert rule.evidence is Evidence.INFERRED
    if rule_id.startswith("SC-SIG"):
        assert aws.SEED not in rule.source  # the guide names only a metadata mismatch
        assert rule.seed_section is None


def test_every_response_area_rule_with_an_aws_error_cites_the_guide_or_says_inferred() -> None:
    modules = ("input", "response", "signature", "attributes", "encryption")
    for module in modules:
        for rule in vars(importlib.import_module(f"samlcheck._internal.rules.{module}")).values():
            if not isinstance(rule, Rule) or rule.aws_error is None:
                continue
            cited = aws.SEED in rule.source and rule.seed_section is not None
            assert cited or rule.evidence is Evidence.INFERRED, rule.id


def test_signature_invalid_causes_beyond_the_guide_are_marked_inferred() -> None:
    causes = aws.ERRORS["signature-invalid"].causes
    documented, _, beyond = causes.partition("Inferred, not in the guide:")
    assert "not in the metadata uploaded to IAM" in documented
    assert "changed after signing" in beyond and "not signed" in beyond


def _string_constants(source: str) -> list[str]:
    """Every string literal of a module, adjacent literals joined (f-strings: their fixed parts)."""
    import ast

    return [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


@pytest.mark.parametrize("module", ["input", "response", "signature", "attributes", "encryption"])
def test_rule_module_never_spells_an_aws_message(module: str) -> None:
    source = (FIXTURES.parent / "samlcheck" / "_internal" / "rules" / f"{module}.py").read_text()
    texts = _string_constants(source)
    for error in aws.ERRORS.values():
        for message in {error.message, error.heading.removeprefix("Error: ")}:
            assert not any(message in text for text in texts), (error.key, message)


def test_summary_leaves_claim_coverage_to_the_finding_and_names_the_anchor_flat() -> None:
    result = run("valid")
    rows = dict(result.summary)
    assert "claims" not in rows
    assert any(f.rule.name == "signature-coverage" for f in result.findings)
    anchor = rows["trust anchor"]
    assert anchor.startswith("CN=idp.example.test, from ")
    assert anchor.endswith(f"metadata.xml, entity {testidp.ENTITY_ID}, signing certificate 1")
    assert "(" not in anchor


def test_summary_says_why_claims_are_not_shown() -> None:
    assert dict(run("unsigned").summary)["claims"] == (
        "none verified: no valid signature covers them (see unverified claims)"
    )


def test_a_response_too_long_for_assume_role_with_saml_is_a_warning() -> None:
    groups = tuple(f"group-{i:05d}-with-a-long-descriptive-name" for i in range(2000))
    spec = testidp.ResponseSpec(extra_attributes=(("memberOf", groups),))
    big = check_response(Message("big", testidp.response_xml(spec)), options_for(CASES["valid"]))
    (finding,) = [f for f in big.findings if f.rule.name == "saml-assertion-parameter-too-long"]
    assert "over the 100,000 that AssumeRoleWithSAML" in finding.message
    assert big.verdict.accepted  # the console path's limit is not documented: a warning only
    small = run("valid")
    assert "saml-assertion-parameter-too-long" not in {f.rule.name for f in small.findings}


def _later(spec: testidp.ResponseSpec, at: str = "2026-02-15T12:00:00Z") -> Result:
    options = dataclasses.replace(
        options_for(CASES["valid"]), at=dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
    )
    return check_response(Message("x", testidp.response_xml(spec)), options)


def test_one_expiry_is_one_finding_naming_every_element_it_was_read_from() -> None:
    """Conditions and SubjectConfirmationData NotOnOrAfter and the redeem window: one cause."""
    result = _later(testidp.ResponseSpec())
    timed = [f for f in result.findings if f.rule.stage == "time" and f.rejects]
    assert [f.rule.name for f in timed] == ["response-expired"]
    message = timed[0].message
    assert (
        "Conditions NotOnOrAfter is 2026-01-15T12:05:00Z (at /Response/Assertion/Conditions)"
        in (message)
    )
    assert "SubjectConfirmationData NotOnOrAfter" in message
    assert "/Response/Assertion/@IssueInstant" in message and "redeem window" in message


@pytest.mark.parametrize("sign_assertion", [True, False])
def test_locations_are_not_doubled_whatever_is_signed(sign_assertion: bool) -> None:
    result = _later(testidp.ResponseSpec(sign_assertion=sign_assertion))
    expired = next(f for f in result.findings if f.rule.name == "response-expired")
    assert expired.location == "/Response/Assertion/Conditions"
    assert all("/Response/Response" not in f.location for f in result.findings)


def test_issue_instant_at_the_end_of_the_calendar_is_a_finding() -> None:
    """9999-12-31T23:59:59Z plus the 5-minute redeem window raised OverflowError."""
    end = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    spec = testidp.ResponseSpec(issue_instant=end, lifetime=dt.timedelta(0))
    result = _later(spec)
    unreadable = [f for f in result.findings if f.rule.name == "time-unreadable"]
    assert unreadable and "9999-12-31T23:59:59Z" in unreadable[0].message
