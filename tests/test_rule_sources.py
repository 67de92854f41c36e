"""Where the provider, key and metadata rules come from: one spelling of the guide's title."""

from __future__ import annotations

from pathlib import Path

import pytest

from samlcheck._internal import aws
from samlcheck._internal.aws import Evidence
from samlcheck._internal.findings import Rule
from samlcheck._internal.rules import keys, metadata, provider

MODULES = (provider, keys, metadata)


def _rules() -> list[Rule]:
    return [value for m in MODULES for value in vars(m).values() if isinstance(value, Rule)]


def test_rules_cite_the_troubleshooting_guide_through_aws_seed() -> None:
    for module in MODULES:
        text = Path(str(module.__file__)).read_text()
        assert "Troubleshoot SAML federation with IAM" not in text, module.__name__
    cited = [rule for rule in _rules() if "Troubleshoot SAML" in rule.source]
    assert len(cited) > 20
    assert all(rule.source.startswith(aws.SEED) for rule in cited)


@pytest.mark.parametrize(
    "rule",
    [
        provider.MODE_UNCHANGED,
        keys.CERT_MISMATCH,
        metadata.WRONG_DOCUMENT,
        metadata.WEAK_SIGNATURE_HASH,
        metadata.ISSUER_SELECTS,
        metadata.CERTIFICATE_FACTS,
    ],
    ids=lambda rule: rule.id,
)
def test_rules_that_read_iam_behaviour_into_the_guide_say_it_is_inferred(rule: Rule) -> None:
    assert rule.evidence is Evidence.INFERRED
