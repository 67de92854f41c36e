"""The model of a trust-policy evaluation: which statements and conditions decided, with values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConditionCheck:
    """One key of one condition operator, as IAM compares it."""

    operator: str
    key: str
    context: tuple[str, ...] | None
    """The request's values for the key, from the signed claims; None when the key is absent."""
    values: tuple[str, ...]
    """The policy's values (policy variables replaced)."""
    met: bool | None
    """None: samlcheck cannot know the key's value (aws:SourceIp ...); it is not judged."""


@dataclass(frozen=True)
class StatementCheck:
    """One statement of a trust policy against one action of the request."""

    index: int
    sid: str | None
    effect: str
    action: str
    principal_matches: bool
    action_matches: bool
    conditions: tuple[ConditionCheck, ...]

    @property
    def failed(self) -> ConditionCheck | None:
        """The first condition that is not met (the one a report names)."""
        return next((c for c in self.conditions if c.met is False), None)

    @property
    def applies(self) -> bool:
        """Principal, action and every condition match (an unjudged condition counts as met)."""
        return self.principal_matches and self.action_matches and self.failed is None

    @property
    def name(self) -> str:
        """'statement 2 (Sid "AllowSaml")'."""
        return f"statement {self.index}" + (f" (Sid {self.sid!r})" if self.sid else "")


@dataclass(frozen=True)
class ActionDecision:
    """IAM's answer for one action the request needs: allowed, denied or not allowed."""

    action: str
    decision: str
    """'allowed', 'denied' (an explicit Deny applies) or 'not-allowed' (no Allow applies)."""
    deciding: StatementCheck | None
    """The Deny or Allow that decided; None when no statement applies."""


@dataclass(frozen=True)
class PolicyEvaluation:
    """A role's trust policy evaluated for one AssumeRoleWithSAML request."""

    role_arn: str
    provider_arn: str
    source: str
    """Where the policy came from (the --role or --trust-policy file)."""
    decisions: tuple[ActionDecision, ...]
    statements: tuple[StatementCheck, ...]

    @property
    def allowed(self) -> bool:
        return all(d.decision == "allowed" for d in self.decisions)
