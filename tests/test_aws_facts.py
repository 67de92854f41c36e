"""Each AWS fact is defined once, in samlcheck/aws.py; everything else imports it."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from samlcheck._internal import aws
from samlcheck._internal.rules import all_rules

PACKAGE = Path(aws.__file__).resolve().parent.parent


def _is_len_against_two(node: ast.AST) -> bool:
    """`len(keys) > 2` and the like: the two-key limit written out."""
    return (
        isinstance(node, ast.Compare)
        and isinstance(node.left, ast.Call)
        and getattr(node.left.func, "id", None) == "len"
        and "key" in ast.unparse(node.left.args[0]).lower()
        and any(isinstance(c, ast.Constant) and c.value == 2 for c in node.comparators)
    )


def _is_modes(node: ast.AST) -> bool:
    """The AssertionEncryptionMode values spelled as a tuple or as an enum member."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        values = {e.value for e in node.elts if isinstance(e, ast.Constant)}
        return {"Required", "Allowed"} <= values
    return (
        isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and node.value.value in ("Required", "Allowed")
        and any(getattr(t, "id", None) == node.value.value for t in node.targets)
    )


FACTS: dict[str, Callable[[ast.AST], bool]] = {
    "the session-duration maximum 43200": lambda n: (
        isinstance(n, ast.Constant) and n.value == 43200
    ),
    "an IAM ARN pattern": lambda n: (
        isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and ":iam::" in n.value
        and "\\d" in n.value
    ),
    "the encryption modes": _is_modes,
    "the two-key limit": _is_len_against_two,
    "MAX_PRIVATE_KEYS = ...": lambda n: (
        isinstance(n, ast.Assign)
        and any(getattr(t, "id", None) == "MAX_PRIVATE_KEYS" for t in n.targets)
    ),
}


def test_aws_facts_are_defined_only_in_aws_py() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == Path(aws.__file__).resolve():
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            found += [
                f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', '?')}: {name}"
                for name, matches in FACTS.items()
                if matches(node)
            ]
    assert found == []


def test_aws_py_holds_each_fact() -> None:
    assert aws.ENCRYPTION_MODES == ("Required", "Allowed")
    assert aws.MAX_PRIVATE_KEYS == 2
    assert aws.SESSION_DURATION_RANGE == (900, 43200)
    assert aws.ROLE_ARN.fullmatch("arn:aws:iam::123456789012:role/path/Name")
    assert aws.PROVIDER_ARN.fullmatch("arn:aws-us-gov:iam::123456789012:saml-provider/Idp")
    assert not aws.PROVIDER_ARN.fullmatch("arn:aws:iam::123456789012:role/Name")


def test_one_rule_holds_the_private_key_limit() -> None:
    """SC-KEY-007 and SC-PROV-004 said the same; SC-KEY-007 is kept for both commands."""
    limit = [r.id for r in all_rules() if r.aws_error == "private-key-limit"]
    assert limit == ["SC-KEY-007"]
