"""`samlcheck explain`: what causes an AWS error, which rules detect it, and the fix."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from samlcheck._internal.aws import AwsError, Evidence
from samlcheck._internal.errors import InputError
from samlcheck.cli import app
from samlcheck.cli.common import EXIT_CODES, DataFormat, DataFormatOption, DebugOption, guarded

if TYPE_CHECKING:
    from samlcheck._internal.findings import Rule

_EVIDENCE = {
    Evidence.DOCUMENTED: "documented (by AWS, or by the standard the source names)",
    Evidence.REPORTED: "reported (seen in AWS answers, not documented by AWS)",
    Evidence.INFERRED: "inferred (not documented by AWS)",
}


def _block(label: str, value: str) -> str:
    from samlcheck._internal.render.text import wrap

    return "\n".join(wrap(value, " " * 15, first=f"  {label:<12} "))


def _rule_text(rule: Rule) -> str:
    from samlcheck._internal.aws import ERRORS

    lines = [
        f"{rule.id} {rule.name} ({rule.severity.value}, stage {rule.stage})",
        _block("checks", rule.summary),
        _block("fix", rule.fix),
    ]
    if rule.aws_error:
        lines.append(_block("AWS error", ERRORS[rule.aws_error].text))
    lines += [_block("source", rule.source), _block("evidence", _EVIDENCE[rule.evidence])]
    if rule.seed_section:
        lines.append(_block("seed section", rule.seed_section))
    if rule.url:
        lines.append(_block("url", rule.url))
    return "\n".join(lines)


@app.command(epilog=EXIT_CODES)
@guarded
def explain(
    query: Annotated[
        str | None,
        typer.Argument(
            help="An AWS error message (whole or in part), an error code such as "
            "InvalidIdentityToken, or a rule ID/name.",
            show_default=False,
        ),
    ] = None,
    list_rules: Annotated[bool, typer.Option("--list", help="List every rule.")] = False,
    fmt: DataFormatOption = DataFormat.text,
    debug: DebugOption = False,
) -> None:
    """Explain an AWS error message or code, or a samlcheck rule."""
    from samlcheck._internal.explain import explain as look_up
    from samlcheck._internal.render.json import explanation_json
    from samlcheck._internal.render.safe import json_visible
    from samlcheck._internal.rules import all_rules

    as_json = DataFormat(fmt) is DataFormat.json
    if list_rules:
        if as_json:
            sys.stdout.write(json_visible(explanation_json(None, (), tuple(all_rules()))))
            return
        for rule in all_rules():
            sys.stdout.write(f"{rule.id:<14} {rule.severity.value:<8} {rule.name}\n")
        return
    if not query:
        raise InputError(
            "explain", "nothing to explain", "Pass an AWS error message or code, or a rule ID."
        )
    found = look_up(query)
    if found.rule is None and not found.errors:
        raise InputError(
            "explain",
            f"no AWS error or rule matches {query!r}",
            "Paste the error text as AWS shows it, or see `samlcheck explain --list`.",
        )
    if as_json:
        rules = (found.rule,) if found.rule is not None else ()
        sys.stdout.write(json_visible(explanation_json(query, found.errors, rules)))
    elif found.rule is not None:
        sys.stdout.write(_rule_text(found.rule) + "\n")
    else:
        sys.stdout.write("\n\n".join(_error_text(e, r) for e, r in found.errors) + "\n")


def _error_text(error: AwsError, rules: tuple[Rule, ...]) -> str:
    from samlcheck._internal.render import text

    lines = [
        error.heading,
        _block("AWS prints", error.text),
        _block("code", text.describe_code(error)),
        _block("documented", error.source),
        _block("causes", error.causes),
        _block("fix", error.remediation),
    ]
    detected = ", ".join(f"{r.id} {r.name}" for r in rules) or "none yet"
    return "\n".join([*lines, _block("detected by", detected)])
