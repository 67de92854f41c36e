"""Rules and findings: what samlcheck reports about the user's input."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from samlcheck._internal.aws import ERRORS, EVALUATION_ORDER, SEED_SECTIONS, AwsError, Evidence


class Severity(str, enum.Enum):
    """error: AWS rejects it; warning: works today but fragile or unsafe; info: a fact."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Rule:
    """One check, described as data: `samlcheck explain` and the docs read these fields."""

    id: str
    """Stable code such as SC-ATTR-004."""
    name: str
    """Readable slug such as role-session-name-invalid."""
    severity: Severity
    summary: str
    """What the rule checks, in one sentence."""
    fix: str
    """How to fix a violation, in general; a finding may give a more concrete fix."""
    evidence: Evidence
    """How what the rule claims about AWS is known; inferred when any part of it is (the source
    then says which)."""
    aws_error: str | None = None
    """Key of the AWS error catalogue entry a violation leads to."""
    stage: str = "input"
    """Where in AWS's evaluation order the violation is met (see aws.EVALUATION_ORDER)."""
    source: str = ""
    """The documentation the rule is built from, in a few words."""
    seed_section: str | None = None
    """The heading of the troubleshooting guide's section it comes from (aws.SEED_SECTIONS)."""
    url: str | None = None
    """An AWS documentation page for it, where one exists."""
    unjudged: str = ""
    """What the verdict could not judge when this rule fires (e.g. 'the signature: no trust
    anchor was given'); such a verdict of 'accepted' is only as far as samlcheck can tell."""

    def __post_init__(self) -> None:
        if self.aws_error is not None and self.aws_error not in ERRORS:
            raise ValueError(f"{self.id}: unknown AWS error {self.aws_error!r}")
        if self.stage not in EVALUATION_ORDER and self.stage not in (
            "metadata",
            "key",
            "provider",
            "role",
        ):
            raise ValueError(f"{self.id}: unknown stage {self.stage!r}")
        if not isinstance(self.evidence, Evidence):
            raise ValueError(f"{self.id}: evidence {self.evidence!r} is not an aws.Evidence")
        if not self.source:
            raise ValueError(f"{self.id}: no source")
        if self.seed_section is not None and self.seed_section not in SEED_SECTIONS:
            raise ValueError(f"{self.id}: {self.seed_section!r} is not a heading of the guide")
        if self.url is not None and not self.url.startswith("https://"):
            raise ValueError(f"{self.id}: url {self.url!r} is not https://")

    def finding(
        self, message: str, location: str = "", fix: str | None = None, detail: str | None = None
    ) -> Finding:
        """A finding of this rule about a concrete value."""
        return Finding(
            rule=self, message=message, location=location, fix=fix or self.fix, detail=detail
        )


def numbered_rule(code: str, number: int, stage: str, error: str | None, /, **fields: Any) -> Rule:
    """Rule `number` of an area whose IDs are `code`-NNN (SC-MD-004), met at `stage` unless
    `fields` say otherwise. An error leads to the AWS error `error` unless `fields` name another;
    a warning or an info leads to none unless they name one."""
    fields.setdefault("stage", stage)
    severity = fields.setdefault("severity", Severity.ERROR)
    fields.setdefault("aws_error", error if severity is Severity.ERROR else None)
    return Rule(id=f"{code}-{number:03d}", **fields)


@dataclass(frozen=True)
class Finding:
    """One thing wrong (or worth knowing) about a concrete value in the user's input."""

    rule: Rule
    message: str
    location: str = ""
    fix: str = ""
    detail: str | None = None
    """Longer evidence (full fingerprints, ...): always in JSON, in text only with --verbose."""

    @property
    def severity(self) -> Severity:
        """The rule's severity."""
        return self.rule.severity

    @property
    def aws_error(self) -> AwsError | None:
        """The AWS error this finding leads to, if any (from the rule)."""
        return ERRORS[self.rule.aws_error] if self.rule.aws_error else None

    @property
    def rejects(self) -> bool:
        """True when AWS refuses the input because of this finding."""
        return self.severity is Severity.ERROR
