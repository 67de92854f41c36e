"""GitHub Actions workflow commands: an annotation per finding (`::error file=…,line=…,title=…::…`),
escaped as the runner requires, then the one-line summary."""

from __future__ import annotations

from samlcheck._internal.findings import Finding, Severity
from samlcheck._internal.render.locations import LastFile, display_path, input_file
from samlcheck._internal.render.safe import visible
from samlcheck._internal.render.sarif import finding_text
from samlcheck._internal.render.text import background, tally_line
from samlcheck._internal.report import Report, Result, Tally

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A command's message: control characters visible, then GitHub's escapes (% first)."""
    parts = text.replace("%", "%25").split("\r")
    return "%0D".join(visible(part, newlines=True).replace("\n", "%0A") for part in parts)


def escape_property(text: str) -> str:
    """A property value (file, title): as a message, and ':' and ',' too (they delimit)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, result: Result, file: str | None, line: int | None) -> str:
    decisive = finding is result.verdict.finding
    properties = [("title", f"{finding.rule.id} {finding.rule.name}")]
    if file is not None:
        properties = [("file", file), *([("line", str(line))] if line else []), *properties]
    else:  # no file to point at: the message names the input
        properties[0] = ("title", f"{finding.rule.id} {finding.rule.name} ({result.source})")
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = escape_data(finding_text(finding, decisive))
    return f"::{COMMANDS[finding.severity]} {listed}::{message}"


def github_lines(result: Result, xml: LastFile) -> str:
    """One result's annotations, a line each."""
    return "".join(f"{line}\n" for line in _annotations(result, xml))


def _annotations(result: Result, xml: LastFile) -> list[str]:
    path = input_file(result.source)
    lines = xml(path)
    file = display_path(path) if path is not None else None
    found = []
    for finding in result.findings:
        if background(finding):
            continue
        line = lines.line(finding.location) if lines and finding.location else None
        found.append(annotation(finding, result, file, line))
    return found


def render_github(report: Report) -> str:
    xml = LastFile()
    lines = "".join(github_lines(result, xml) for result in report.results)
    return lines + github_end(report.tally())


def github_end(tally: Tally) -> str:
    """The summary line that ends the annotations."""
    return visible(tally_line(tally)) + "\n"
