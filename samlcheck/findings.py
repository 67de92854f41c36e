"""Rules and findings: what samlcheck reports about the user's input."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from samlcheck.aws import ERRORS, EVALUATION_ORDER, AwsError


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
    aws_error: str | None = None
    """Key of the AWS error catalogue entry a violation leads to."""
    stage: str = "input"
    """Where in AWS's evaluation order the violation is met (see aws.EVALUATION_ORDER)."""
    source: str = ""
    """The documentation the rule is built from."""
    unjudged: str = ""
    """What the verdict could not judge when this rule fires (e.g. 'the signature: no trust
    anchor was given'); such a verdict of 'accepted' is only as far as samlcheck can tell."""

    def __post_init__(self) -> None:
        if self.aws_error is not None and self.aws_error not in ERRORS:
            raise ValueError(f"{self.id}: unknown AWS error {self.aws_error!r}")
        if self.stage not in EVALUATION_ORDER and self.stage not in ("metadata", "key", "provider"):
            raise ValueError(f"{self.id}: unknown stage {self.stage!r}")

    def finding(
        self, message: str, location: str = "", fix: str | None = None, detail: str | None = None
    ) -> Finding:
        """A finding of this rule about a concrete value."""
        return Finding(
            rule=self, message=message, location=location, fix=fix or self.fix, detail=detail
        )


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
