"""One factory (findings.numbered_rule) builds the numbered rules of the metadata and signature
areas; each area's `_rule` only fixes its code, stage and AWS error."""

from __future__ import annotations

from typing import Any

from samlcheck._internal.aws import Evidence
from samlcheck._internal.findings import Severity, numbered_rule
from samlcheck._internal.rules import metadata, signature

EVIDENCE: dict[str, Any] = {"source": "a test", "evidence": Evidence.INFERRED}


def test_an_error_leads_to_the_areas_aws_error_and_a_warning_to_none() -> None:
    error = numbered_rule("SC-X", 4, "metadata", "metadata-unparseable", name="x", summary="s",
                          fix="f", **EVIDENCE)  # fmt: skip
    assert (error.id, error.severity, error.aws_error, error.stage) == (
        "SC-X-004", Severity.ERROR, "metadata-unparseable", "metadata"
    )  # fmt: skip
    warning = numbered_rule("SC-X", 5, "metadata", "metadata-unparseable", name="y", summary="s",
                            fix="f", severity=Severity.WARNING, **EVIDENCE)  # fmt: skip
    assert warning.aws_error is None


def test_fields_override_the_areas_defaults() -> None:
    rule = numbered_rule("SC-X", 6, "metadata", "metadata-unparseable", name="z", summary="s",
                         fix="f", severity=Severity.WARNING, aws_error="signature-invalid",
                         stage="signature", **EVIDENCE)  # fmt: skip
    assert (rule.aws_error, rule.stage) == ("signature-invalid", "signature")


def test_both_areas_build_their_rules_with_it() -> None:
    assert metadata.TOO_LONG.id.startswith("SC-MD-") and metadata.TOO_LONG.stage == "metadata"
    assert signature.UNSIGNED.aws_error == "signature-invalid"
    assert signature.SHA1.aws_error is None and signature.SHA1.stage == "signature"
    for module in (metadata, signature):
        assert module._rule.__code__.co_names.count("numbered_rule") == 1, module.__name__
        assert "Rule" not in module._rule.__code__.co_names, module.__name__
