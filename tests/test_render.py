"""Renderers: the JSON matches its published schema; the text puts AWS's answer first."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from samlcheck._internal.aws import Evidence
from samlcheck._internal.findings import Rule, Severity
from samlcheck._internal.render import render
from samlcheck._internal.report import Claims, Report, Result, RoleClaim, SignatureSummary
from samlcheck._internal.rules.input import DOCTYPE, NOT_XML

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "samlcheck" / "schemas" / "report.schema.json").read_text()
)

WARNING = Rule(
    id="SC-TEST-001",
    name="test-warning",
    severity=Severity.WARNING,
    summary="A warning for the renderer tests.",
    fix="Nothing to fix.",
    evidence=Evidence.DOCUMENTED,
    source="the renderer tests",
)


def report() -> Report:
    claims = Claims(
        issuer="https://idp.example.test/saml",
        name_id="alice@example.test",
        audiences=("urn:amazon:webservices",),
        recipient="https://signin.aws.amazon.com/saml",
        roles=(
            RoleClaim(
                "arn:aws:iam::123456789012:role/R", "arn:aws:iam::123456789012:saml-provider/P"
            ),
        ),
        role_session_name="alice@example.test",
        principal_tags={"team": "blue"},
    )
    rejected = Result(
        source="trace.har entry 2",
        kind="response",
        findings=(WARNING.finding("odd but fine", "/Response"), DOCTYPE.finding("has a DOCTYPE")),
        signature=SignatureSummary("invalid", ("Response",)),
        claims=claims,
    )
    accepted = Result(source="b.xml", kind="metadata", summary=(("entity ID", "https://x"),))
    return Report((rejected, accepted))


def test_json_validates_against_the_schema() -> None:
    document = json.loads(render(report(), "json"))
    jsonschema.validate(document, SCHEMA)
    first = document["results"][0]
    assert first["verdict"]["accepted"] is False
    assert first["verdict"]["aws_error"]["message"].startswith("Your request included")
    assert first["claims"]["roles"][0]["role_arn"] == "arn:aws:iam::123456789012:role/R"
    assert [f["severity"] for f in first["findings"]] == ["warning", "error"]
    assert document["results"][1]["summary"] == [{"label": "entity ID", "value": "https://x"}]


def test_schema_rejects_a_malformed_report() -> None:
    document = json.loads(render(report(), "json"))
    document["results"][0]["verdict"]["accepted"] = "no"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)


def test_text_shows_the_predicted_aws_error_before_the_findings() -> None:
    text = render(report(), "text")
    answer = text.index("AWS would answer: Your request included an invalid SAML response.")
    assert answer < text.index("findings (1 error, 1 warning)")
    assert "because SC-INPUT-002 doctype-refused: has a DOCTYPE" in text
    assert "AWS would accept this." in text
    assert text.rstrip().endswith("2 inputs: 1 accepted, 1 rejected")
    assert "\033[" not in text


def test_colour_only_when_asked() -> None:
    assert "\033[31m" in render(report(), "text", color=True)


def test_verdict_is_the_first_error_in_aws_order() -> None:
    from samlcheck._internal.findings import Rule

    late = Rule(
        id="SC-TEST-002",
        name="late-stage",
        severity=Severity.ERROR,
        summary="s",
        fix="f",
        aws_error="role-session-name-required",
        stage="attributes",
        evidence=Evidence.DOCUMENTED,
        source="the renderer tests",
    )
    result = Result("x", "response", findings=(late.finding("late"), NOT_XML.finding("early")))
    assert result.verdict.aws_error is not None
    assert result.verdict.finding is not None and result.verdict.finding.rule is NOT_XML
    assert Report((result,)).exit_code() == 1


def test_text_never_breaks_a_line_inside_a_quoted_value() -> None:
    value = (
        "'arn:aws:iam::123456789012:role/SAMLDeveloper, arn:aws:iam::123456789012:saml-provider/X'"
    )
    result = Result("x", "response", findings=(NOT_XML.finding(f"the Role value {value} is bad"),))
    text = render(Report((result,)), "text")
    assert any(value in line for line in text.splitlines())


def test_the_deciding_finding_is_told_once() -> None:
    text = render(report(), "text")
    assert text.count("has a DOCTYPE") == 1
    assert "(the verdict above)" in text


def test_json_verdict_names_the_deciding_rule() -> None:
    first, second = json.loads(render(report(), "json"))["results"]
    assert first["verdict"]["rule"] == "SC-INPUT-002"
    assert second["verdict"]["rule"] is None


UNJUDGED = Rule(
    id="SC-TEST-003",
    name="nothing-to-verify-with",
    severity=Severity.WARNING,
    summary="s",
    fix="f",
    unjudged="the signature: no trust anchor was given",
    evidence=Evidence.DOCUMENTED,
    source="the renderer tests",
)


def test_an_accepted_verdict_says_what_it_could_not_judge() -> None:
    result = Result("x", "response", findings=(UNJUDGED.finding("no anchor"),))
    assert result.verdict.accepted
    text = render(Report((result,)), "text")
    assert "AWS would accept this." not in text
    assert "could not judge:\n    - the signature: no trust anchor was given" in text
    document = json.loads(render(Report((result,)), "json"))
    jsonschema.validate(document, SCHEMA)
    assert document["results"][0]["verdict"]["unjudged"] == [UNJUDGED.unjudged]


def test_claims_signed_by_an_unchecked_key_say_so() -> None:
    result = Result(
        "x",
        "response",
        signature=SignatureSummary("unverifiable", ("Response",)),
        claims=Claims(name_id="someone@example.test"),
    )
    text = render(Report((result,)), "text")
    assert "claims (signed, but by a key samlcheck could not check: no trust anchor):" in text
    assert "read from the signed content" not in text


def test_strict_exit_code_fails_what_could_not_be_judged() -> None:
    unjudged = Report((Result("x", "response", findings=(UNJUDGED.finding("no anchor"),)),))
    judged = Report((Result("y", "response"),))
    assert (unjudged.exit_code(), unjudged.exit_code(strict=True)) == (0, 1)
    assert (judged.exit_code(), judged.exit_code(strict=True)) == (0, 0)


def test_json_layout_is_json_dumps_with_an_indent_of_two_character_for_character() -> None:
    import enum

    from samlcheck._internal.render.json import dumps

    class Level(enum.IntEnum):
        HIGH = 3

    document = {
        "text": 'quote " backslash \\ tab \t nul \x00 del \x7f line sep \u2028 é 😀',
        "numbers": [0, -1, 10**30, 1.5, -0.0, 1e100, float("nan"), float("inf"), Level.HIGH],
        "literals": (True, False, None, [True, 1, False, 0]),
        "empty": [{}, [], (), {"inner": {}}],
        "nested": {"a": [{"b": [[], {"c": None}]}], "": ""},
        "keys": {1: "one", None: "none", False: "no", 2.5: [1, {}]},
    }
    assert dumps(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert dumps([]) == "[]\n" and dumps("x") == '"x"\n'
    with pytest.raises(TypeError):
        dumps({"not json": object()})
