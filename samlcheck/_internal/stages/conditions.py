"""IAM condition operators, as the IAM policy reference defines them (facts, never findings).

`check_condition` compares one key of one operator with the request context: several policy values
match if any does (OR); the caller ANDs keys and operators. A negated operator (StringNotEquals ...)
holds when no value matches. A key absent from the request fails every operator except the
negated ones, `Null: true`, `...IfExists` and `ForAllValues:` (IAM policy reference, "Condition
operators" and "Multivalued context keys").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

from samlcheck._internal.evaluation import ConditionCheck

Compare = Callable[[str, str], bool]


def glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM's wildcard match: `*` any run of characters, `?` one character, nothing else special."""
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(expression, value, re.DOTALL | (re.I if ignore_case else 0)) is not None


def _arn(pattern: str, value: str) -> bool:
    """ArnEquals/ArnLike: each of the six colon-separated parts matched on its own."""
    parts, wanted = value.split(":", 5), pattern.split(":", 5)
    return len(parts) == len(wanted) == 6 and all(map(glob, wanted, parts))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _date(text: str) -> dt.datetime | None:
    """An ISO 8601 date or an epoch second count, as IAM accepts in Date conditions."""
    if re.fullmatch(r"-?\d+", text):
        return dt.datetime.fromtimestamp(int(text), dt.timezone.utc)
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _ordered(read: Callable[[str], object], test: Callable[[object, object], bool]) -> Compare:
    def compare(policy: str, value: str) -> bool:
        a, b = read(value), read(policy)
        return a is not None and b is not None and test(a, b)

    return compare


_ORDER: dict[str, Callable[[object, object], bool]] = {
    "Equals": lambda a, b: a == b,
    "NotEquals": lambda a, b: a == b,  # negated below
    "LessThan": lambda a, b: a < b,  # type: ignore[operator]
    "LessThanEquals": lambda a, b: a <= b,  # type: ignore[operator]
    "GreaterThan": lambda a, b: a > b,  # type: ignore[operator]
    "GreaterThanEquals": lambda a, b: a >= b,  # type: ignore[operator]
}

OPERATORS: dict[str, tuple[Compare, bool]] = {
    "StringEquals": (lambda p, v: p == v, False),
    "StringNotEquals": (lambda p, v: p == v, True),
    "StringEqualsIgnoreCase": (lambda p, v: p.casefold() == v.casefold(), False),
    "StringNotEqualsIgnoreCase": (lambda p, v: p.casefold() == v.casefold(), True),
    "StringLike": (glob, False),
    "StringNotLike": (glob, True),
    "ArnEquals": (_arn, False),
    "ArnLike": (_arn, False),
    "ArnNotEquals": (_arn, True),
    "ArnNotLike": (_arn, True),
    "Bool": (lambda p, v: p.lower() == v.lower(), False),
    **{
        f"{kind}{name}": (_ordered(read, test), name == "NotEquals")
        for kind, read in (("Numeric", _number), ("Date", _date))
        for name, test in _ORDER.items()
    },
}
"""Operator name -> (does a policy value match a request value, is the operator negated)."""

VARIABLE_OPERATORS = ("String", "Arn")
"""Operators whose values may hold policy variables (${saml:sub}): IAM allows them in String and
ARN conditions only."""


def split_operator(name: str) -> tuple[str | None, str, bool]:
    """'ForAnyValue:StringLikeIfExists' -> ('ForAnyValue', 'StringLike', True)."""
    qualifier, _, base = name.rpartition(":")
    if_exists = base.endswith("IfExists") and base != "IfExists"
    base = base.removesuffix("IfExists") if if_exists else base
    return (qualifier or None), base, if_exists


def known_operator(name: str) -> bool:
    qualifier, base, _ = split_operator(name)
    return qualifier in (None, "ForAnyValue", "ForAllValues") and (
        base in OPERATORS or base == "Null"
    )


def check_condition(
    operator: str,
    key: str,
    values: tuple[str, ...],
    context: tuple[str, ...] | None,
    variables: Mapping[str, tuple[str, ...]],
) -> ConditionCheck:
    """One key of one operator: is it met by `context` (None: the key is absent)?"""
    qualifier, base, if_exists = split_operator(operator)
    if base.startswith(VARIABLE_OPERATORS):
        values = tuple(v for v in (substitute(v, variables) for v in values) if v is not None)
    result = ConditionCheck(operator, key, context, values, met=False)
    if base == "Null":
        absent = not context
        return _with(result, any((v.lower() == "true") == absent for v in values))
    if not context:
        return _with(result, if_exists or qualifier == "ForAllValues" or _negated(base))
    compare, negated = OPERATORS[base]

    def matches(value: str) -> bool:
        return any(compare(policy, value) for policy in values) != negated

    if qualifier == "ForAllValues":
        return _with(result, all(matches(v) for v in context))
    if qualifier == "ForAnyValue" or not negated:
        return _with(result, any(matches(v) for v in context))
    return _with(result, all(matches(v) for v in context))


def _negated(base: str) -> bool:
    return OPERATORS[base][1]


def _with(check: ConditionCheck, met: bool) -> ConditionCheck:
    return ConditionCheck(check.operator, check.key, check.context, check.values, met)


_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


def substitute(value: str, variables: Mapping[str, tuple[str, ...]]) -> str | None:
    """`value` with each ${key} (or ${key, 'default'}) replaced by the request's value; None when
    a key is absent or multi-valued and has no default (IAM: the value then matches nothing).
    Not modelled: a `*` or `?` that ${*}, ${?} or a request value brings into a Like operator
    stays a wildcard here, where IAM matches it literally."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        inner = match.group(1).strip()
        if inner in _ESCAPES:
            return inner
        key, _, default = inner.partition(",")
        found = variables.get(key.strip().lower())
        if found and len(found) == 1:
            return found[0]
        default = default.strip()
        if len(default) >= 2 and default[0] == default[-1] == "'":
            return default[1:-1]
        missing = True
        return ""

    result = _VARIABLE.sub(replace, value)
    return None if missing else result
