"""The result model every command reports through: one Result per message, key or document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from samlcheck._internal.aws import EVALUATION_ORDER, AwsError
from samlcheck._internal.evaluation import PolicyEvaluation
from samlcheck._internal.findings import Finding

INPUT_KIND = "input"
"""The kind of a result for a batch input that holds no SAML message samlcheck can read."""


@dataclass(frozen=True)
class RoleClaim:
    """One value of the AWS Role attribute, split into its two ARNs."""

    role_arn: str
    provider_arn: str


@dataclass(frozen=True)
class Claims:
    """What a SAML response asserts: the nine values of the JSON contract."""

    issuer: str | None = None
    name_id: str | None = None
    audiences: tuple[str, ...] = ()
    recipient: str | None = None
    roles: tuple[RoleClaim, ...] = ()
    role_session_name: str | None = None
    source_identity: str | None = None
    session_duration: int | str | None = None
    """An integer when the value is one; otherwise the raw text (a finding says why)."""
    principal_tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SignatureSummary:
    """status: valid, invalid, unsigned, unverifiable or not-checked; signed: what is covered."""

    status: str = "not-checked"
    signed: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckTime:
    """The instant a message was judged at, and where it came from."""

    at: dt.datetime
    source: str
    """option (an --at instant), now, capture (the HAR or SAML-tracer timestamp of the entry that
    carried it) or issued (its IssueInstant + 1 s)."""
    note: str = ""
    """Why it is not what was asked for (a capture without a timestamp), when it is not."""


@dataclass(frozen=True)
class Verdict:
    """AWS's answer: accepted, or the first error in AWS's evaluation order."""

    accepted: bool
    aws_error: AwsError | None = None
    finding: Finding | None = None
    """The finding that leads to the error (None when accepted)."""
    unjudged: tuple[str, ...] = ()
    """What samlcheck could not judge (no trust anchor, an assertion it could not decrypt)."""


@dataclass(frozen=True)
class Result:
    """Everything samlcheck found about one input (a SAML message, a metadata file, a key)."""

    source: str
    kind: str
    findings: tuple[Finding, ...] = ()
    signature: SignatureSummary = SignatureSummary()
    claims: Claims | None = None
    """What the signed content says; None when no valid signature covers the assertion."""
    unverified_claims: Claims | None = None
    """What content no valid signature covers says: the assertion when nothing verifies, or the
    unsigned look-alike a wrapping attack inserted. Never vouched for by any signature."""
    summary: tuple[tuple[str, str], ...] = ()
    """Label/value pairs a person reads at a glance (entity ID, certificates, ...)."""
    commands: tuple[str, ...] = ()
    """The commands that carry out an accepted provider plan, in order."""
    policy: tuple[PolicyEvaluation, ...] = ()
    """The trust policies evaluated for the request (--role, --trust-policy), one per role."""
    checked_at: CheckTime | None = None
    """When a SAML message was judged (None for metadata, keys and plans)."""

    @property
    def verdict(self) -> Verdict:
        """AWS's predicted answer: the first rejecting finding in AWS's evaluation order (never
        'accepted' for an input samlcheck could not read: nothing was judged)."""
        verdict = verdict_of(self.findings)
        return Verdict(False, unjudged=verdict.unjudged) if self.unreadable else verdict

    @property
    def unreadable(self) -> bool:
        """True for a batch input samlcheck could not read (kind 'input'): not judged at all."""
        return self.kind == INPUT_KIND


@dataclass(frozen=True)
class Tally:
    """How a run's inputs fared: every input counts once, in exactly one of the four."""

    inputs: int
    accepted: int
    """Accepted, and judged in full."""
    rejected: int
    unjudged: int
    """Accepted as far as samlcheck can tell, but some part could not be judged."""
    unreadable: int
    """Not read at all (kind "input"): no verdict."""


@dataclass(frozen=True)
class Report:
    """The results of one command run, in input order."""

    results: tuple[Result, ...]

    @property
    def accepted(self) -> bool:
        """True when AWS accepts every input samlcheck could read."""
        return all(r.verdict.accepted for r in self.results if not r.unreadable)

    @property
    def fully_judged(self) -> bool:
        """False when some verdict could not judge part of its input (see Verdict.unjudged)."""
        return not any(r.verdict.unjudged for r in self.results)

    def tally(self) -> Tally:
        """The counts of the JSON `summary` and the text's last line."""
        return Totals.of(self.results).tally()

    def exit_code(self, strict: bool = False) -> int:
        """See Totals.exit_code."""
        return Totals.of(self.results).exit_code(strict)


@dataclass
class Totals:
    """What a report's counts and exit code need, gathered one result at a time (a batch
    streams its results instead of holding them)."""

    inputs: int = 0
    rejected: int = 0
    unjudged: int = 0
    unreadable: int = 0
    fully_judged: bool = True

    @classmethod
    def of(cls, results: Iterable[Result]) -> Totals:
        totals = cls()
        for result in results:
            totals.add(result)
        return totals

    def add(self, result: Result) -> None:
        verdict = result.verdict
        self.inputs += 1
        self.unreadable += result.unreadable
        self.rejected += not result.unreadable and not verdict.accepted
        self.unjudged += not result.unreadable and verdict.accepted and bool(verdict.unjudged)
        self.fully_judged = self.fully_judged and not verdict.unjudged

    def tally(self) -> Tally:
        """The counts of the JSON `summary` and the text's last line."""
        accepted = self.inputs - self.unreadable - self.rejected - self.unjudged
        return Tally(self.inputs, accepted, self.rejected, self.unjudged, self.unreadable)

    def exit_code(self, strict: bool = False) -> int:
        """0 when AWS accepts everything, 1 when it rejects anything (or, strict, when
        samlcheck could not judge everything, an unreadable input included), 2 when no input
        could be read at all."""
        if self.inputs and self.unreadable == self.inputs:
            return 2
        return 0 if not self.rejected and (self.fully_judged or not strict) else 1


def _stage_rank(finding: Finding) -> int:
    stage = finding.rule.stage
    return EVALUATION_ORDER.index(stage) if stage in EVALUATION_ORDER else -1


def verdict_of(findings: tuple[Finding, ...]) -> Verdict:
    """The first rejecting finding in AWS's evaluation order decides; ties keep finding order."""
    unjudged = tuple(dict.fromkeys(f.rule.unjudged for f in findings if f.rule.unjudged))
    rejecting = [f for f in findings if f.rejects]
    if not rejecting:
        return Verdict(accepted=True, unjudged=unjudged)
    first = min(rejecting, key=_stage_rank)  # min is stable: the earliest of a stage wins
    return Verdict(accepted=False, aws_error=first.aws_error, finding=first, unjudged=unjudged)
