"""The text report: the predicted AWS answer first, then the evidence, then every finding."""

from __future__ import annotations

import re
import textwrap

from samlcheck._internal.aws import AwsError
from samlcheck._internal.findings import Finding, Severity
from samlcheck._internal.render.safe import clean
from samlcheck._internal.report import Claims, Report, Result, Tally

_COLORS = {"red": "31", "green": "32", "yellow": "33", "dim": "2", "bold": "1"}
_SEVERITY_COLOR = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
_WIDTH = 100


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, name: str) -> str:
        return f"\033[{_COLORS[name]}m{text}\033[0m" if self.color else text


_QUOTED = re.compile(r"(?<!\w)'[^'\n]*'(?!\w)")
_KEEP = "\ue000"  # a private-use character stands for a space that must not become a line break


def wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    """Wrap prose, never inside a quoted value or a long word (an ARN, a fingerprint, a command
    option): a space in a value may be the very evidence. `first` prefixes the first line."""
    kept = _QUOTED.sub(lambda m: m.group(0).replace(" ", _KEEP), text)
    lines = textwrap.wrap(
        kept,
        _WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return [line.replace(_KEEP, " ") for line in lines] or [indent]


def _rejected(result: Result) -> bool:
    return not result.verdict.accepted and not result.unreadable


def _verdict_lines(result: Result, style: _Style) -> list[str]:
    verdict = result.verdict
    if result.unreadable:
        return ["  " + style("not judged: samlcheck could not read a SAML message in it", "yellow")]
    if verdict.accepted and verdict.unjudged:
        lines = [
            "  "
            + style("samlcheck found no error AWS would return, but it could not judge:", "yellow")
        ]
        return lines + [f"    - {what}" for what in verdict.unjudged]
    if verdict.accepted:
        return ["  " + style("AWS would accept this.", "green")]
    lines = []
    error, finding = verdict.aws_error, verdict.finding
    if error is not None:
        lines.append("  " + style(f"AWS would answer: {error.text}", "red"))
        lines.append(f"    {describe_code(error)}")
    else:
        lines.append("  " + style("AWS would reject this.", "red"))
    if finding is not None:
        lines += wrap(f"because {finding.rule.id} {finding.rule.name}: {finding.message}", "  ")
        lines += wrap(f"fix: {finding.fix}", "  ")
    return lines


def describe_code(error: AwsError) -> str:
    """'InvalidIdentityToken (HTTP 400, code documented), AWS STS ...' or the lack of a code."""
    if error.code is None or error.code_source is None:
        status = f"HTTP {error.http_status}; " if error.http_status else ""
        return f"{error.service}; {status}no error code is documented"
    status = f"HTTP {error.http_status}, " if error.http_status else ""
    return f"{error.code} ({status}code {error.code_source.value}), {error.service}"


def _claims_lines(claims: Claims, heading: str) -> list[str]:
    rows: list[tuple[str, str]] = [
        ("issuer", claims.issuer or "-"),
        ("name_id", claims.name_id or "-"),
        ("audiences", ", ".join(claims.audiences) or "-"),
        ("recipient", claims.recipient or "-"),
    ]
    roles = [("role", f"{r.role_arn}  (provider {r.provider_arn})") for r in claims.roles]
    rows += _at_most(roles, "role")
    rows.append(("role_session_name", claims.role_session_name or "-"))
    if claims.source_identity is not None:
        rows.append(("source_identity", claims.source_identity))
    if claims.session_duration is not None:
        rows.append(("session_duration", str(claims.session_duration)))
    rows += _at_most([(f"tag {k}", v) for k, v in claims.principal_tags.items()], "tag")
    return [f"  {heading}"] + [f"    {k:<18} {v}" for k, v in rows]


LISTED_CLAIMS = 20
"""Role and tag rows the text shows; the JSON lists every value."""


def _at_most(rows: list[tuple[str, str]], name: str) -> list[tuple[str, str]]:
    if len(rows) <= LISTED_CLAIMS:
        return rows
    more = f"... and {len(rows) - LISTED_CLAIMS:,} more (every value in --format json)"
    return [*rows[:LISTED_CLAIMS], (name, more)]


def _signed_heading(signature: str) -> str:
    if signature == "unverifiable":
        return "claims (signed, but by a key samlcheck could not check: no trust anchor):"
    return "claims (read from the signed content):"


def _unverified_heading(beside_signed: bool) -> str:
    if beside_signed:  # a wrapping attack's copy, outside what the signature covers
        return "unverified claims (an unsigned look-alike assertion; no signature vouches for it):"
    return (
        "unverified claims (what the unsigned or failed content says; no signature vouches for it):"
    )


def _finding_lines(
    finding: Finding, style: _Style, *, decisive: bool = False, verbose: bool = False
) -> list[str]:
    severity = finding.severity
    head = f"{severity.value:<7} {finding.rule.id} {finding.rule.name}"
    lines = ["    " + style(head, _SEVERITY_COLOR[severity])]
    if finding.location:
        lines.append(f"            at {finding.location}")
    if decisive:  # its message, fix and AWS error stand in the verdict above
        if verbose and finding.detail:
            lines += wrap(f"detail: {finding.detail}", "            ")
        return [*lines, "            (the verdict above)"]
    lines += wrap(finding.message, "            ")
    if severity is not Severity.INFO:
        lines += wrap(f"fix: {finding.fix}", "            ")
    if finding.aws_error is not None and severity is Severity.ERROR:
        lines += wrap(f"AWS: {finding.aws_error.text}", "            ")
    if verbose and finding.detail:
        lines += wrap(f"detail: {finding.detail}", "            ")
    return lines


def background(finding: Finding) -> bool:
    """A fact on every input (which elements the signature covers): text shows it with --verbose."""
    from samlcheck._internal.rules.signature import ASSERTION_COVERED

    return finding.rule.id == ASSERTION_COVERED.id


def _result_lines(result: Result, style: _Style, verbose: bool = False) -> list[str]:
    lines = [style(f"{result.source} [{result.kind}]", "bold")]
    lines += _verdict_lines(result, style)
    if result.summary:
        width = max(len(label) for label, _ in result.summary)
        lines += [f"  {label:<{width}}  {value}" for label, value in result.summary]
    if result.kind == "response":
        signed = ", ".join(result.signature.signed) or "nothing"
        lines.append(f"  signature: {result.signature.status} (signed: {signed})")
    if result.claims is not None:
        lines += _claims_lines(result.claims, _signed_heading(result.signature.status))
    if result.unverified_claims is not None:
        heading = _unverified_heading(result.claims is not None)
        lines += _claims_lines(result.unverified_claims, heading)
    shown = [f for f in result.findings if verbose or not background(f)]
    if shown:
        counts = {s: sum(f.severity is s for f in shown) for s in Severity}
        tally = ", ".join(f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
        lines.append(f"  findings ({tally}):")
        decisive = result.verdict.finding
        for finding in shown:
            lines += _finding_lines(finding, style, decisive=finding is decisive, verbose=verbose)
    return lines


def result_text(result: Result, *, color: bool = False, verbose: bool = False) -> str:
    """One input's block of the text report: the verdict, the evidence and every finding."""
    return "\n".join(_result_lines(result, _Style(color), verbose))


def text_block(
    result: Result, *, color: bool = False, verbose: bool = False, quiet: bool = False
) -> str:
    """One result's block and the blank line after it, control characters visible ('' when
    `quiet` leaves it out: it is not a rejection)."""
    if quiet and not _rejected(result):
        return ""
    return result_text(clean(result), color=color, verbose=verbose) + "\n\n"


def render_text(
    report: Report, *, color: bool = False, verbose: bool = False, quiet: bool = False
) -> str:
    """Every result (`quiet`: the rejections only), then the counts."""
    blocks = (text_block(r, color=color, verbose=verbose, quiet=quiet) for r in report.results)
    return "".join(blocks) + tally_line(report.tally()) + "\n"


def tally_line(tally: Tally) -> str:
    """'3 inputs: 1 accepted, 2 rejected' (unjudged and unreadable only when there are some)."""
    noun = "input" if tally.inputs == 1 else "inputs"
    line = f"{tally.inputs} {noun}: {tally.accepted} accepted, {tally.rejected} rejected"
    line += f", {tally.unjudged} unjudged" if tally.unjudged else ""
    return line + (f", {tally.unreadable} unreadable" if tally.unreadable else "")
