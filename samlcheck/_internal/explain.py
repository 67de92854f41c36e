"""Look up an AWS error message (whole or in part) or a rule, for `samlcheck explain`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from samlcheck._internal.aws import ERRORS, AwsError
from samlcheck._internal.findings import Rule
from samlcheck._internal.rules import all_rules, rule_by_id


@dataclass(frozen=True)
class Explanation:
    """What `explain` found: AWS errors with the rules that detect them, or a single rule."""

    errors: tuple[tuple[AwsError, tuple[Rule, ...]], ...] = ()
    rule: Rule | None = None


def _normal(value: str) -> str:
    """Lower case, one space between words, no trailing full stop: how pasted text varies."""
    return re.sub(r"\s+", " ", value).strip().strip(".").lower()


def _texts(error: AwsError) -> set[str]:
    texts = {_normal(t) for t in (error.message, error.heading, error.text, *error.aliases)}
    return texts | {t.removeprefix("error: ") for t in texts}


def _matching_errors(query: str) -> list[AwsError]:
    """Errors whose text contains the query (a fragment) or lies inside it (a pasted message).

    When the query is longer than some matching text (the user pasted a whole API answer), only
    the errors with the longest text inside it are kept: "Invalid private key. Key is
    encrypted." is the encrypted-key error, not the generic one.
    """
    found: list[AwsError] = []
    inside: dict[str, int] = {}
    for error in ERRORS.values():
        texts = _texts(error)
        lengths = [len(t) for t in texts if len(t) >= 12 and t in query]
        if lengths:
            inside[error.key] = max(lengths)
        if lengths or any(query in t for t in texts):
            found.append(error)
    if any(length < len(query) for length in inside.values()):
        best = max(inside.values())
        found = [e for e in found if inside.get(e.key) == best]
    return found


def explain(query: str) -> Explanation:
    """A rule by ID or name; every catalogue error with that code, for an error code
    (InvalidIdentityToken); else every catalogue error whose text matches `query`."""
    rule = rule_by_id(query)
    if rule is not None:
        return Explanation(rule=rule)
    wanted = _normal(query)
    if len(wanted) < 3:
        return Explanation()
    coded = [e for e in ERRORS.values() if e.code is not None and e.code.lower() == wanted]
    rules = all_rules()
    return Explanation(
        errors=tuple(
            (error, tuple(r for r in rules if r.aws_error == error.key))
            for error in coded or _matching_errors(wanted)
        )
    )
