"""`samlcheck explain`: what causes an AWS error, which rules detect it, and the fix."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from samlcheck.cli import app
from samlcheck.cli.common import EXIT_CODES, DebugOption, guarded
from samlcheck.errors import InputError
from samlcheck.findings import Rule
from samlcheck.render.text import describe_code, wrap


def _block(label: str, value: str) -> str:
    return "\n".join(wrap(value, " " * 15, first=f"  {label:<12} "))


def _rule_text(rule: Rule) -> str:
    from samlcheck.aws import ERRORS

    lines = [
        f"{rule.id} {rule.name} ({rule.severity.value}, stage {rule.stage})",
        _block("checks", rule.summary),
        _block("fix", rule.fix),
    ]
    if rule.aws_error:
        lines.append(_block("AWS error", ERRORS[rule.aws_error].text))
    if rule.source:
        lines.append(_block("source", rule.source))
    return "\n".join(lines)


@app.command(epilog=EXIT_CODES)
@guarded
def explain(
    query: Annotated[
        str | None,
        typer.Argument(
            help="An AWS error message (whole or in part) or a rule ID/name.", show_default=False
        ),
    ] = None,
    list_rules: Annotated[bool, typer.Option("--list", help="List every rule.")] = False,
    debug: DebugOption = False,
) -> None:
    """Explain an AWS error message or a samlcheck rule."""
    from samlcheck.explain import explain as look_up
    from samlcheck.rules import all_rules

    if list_rules:
        for rule in all_rules():
            sys.stdout.write(f"{rule.id:<14} {rule.severity.value:<8} {rule.name}\n")
        return
    if not query:
        raise InputError("explain", "nothing to explain", "Pass an AWS error message or a rule ID.")
    found = look_up(query)
    if found.rule is not None:
        sys.stdout.write(_rule_text(found.rule) + "\n")
        return
    if not found.errors:
        raise InputError(
            "explain",
            f"no AWS error or rule matches {query!r}",
            "Paste the error text as AWS shows it, or see `samlcheck explain --list`.",
        )
    blocks = []
    for error, rules in found.errors:
        lines = [
            error.heading,
            _block("AWS prints", error.text),
            _block("code", describe_code(error)),
            _block("documented", error.source),
            _block("causes", error.causes),
            _block("fix", error.remediation),
        ]
        detected = ", ".join(f"{r.id} {r.name}" for r in rules) or "none yet"
        lines.append(_block("detected by", detected))
        blocks.append("\n".join(lines))
    sys.stdout.write("\n\n".join(blocks) + "\n")
