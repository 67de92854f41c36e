"""Renderers: one report model, several output formats (one module each)."""

from __future__ import annotations

from samlcheck._internal.report import Report


def render(
    report: Report,
    fmt: str,
    *,
    color: bool = False,
    verbose: bool = False,
    quiet: bool = False,
    title: str = "samlcheck",
) -> str:
    """The report as text (for people; `verbose` adds background findings and details, `quiet`
    shows only rejections and the counts), JSON (for tools, everything), JUnit XML, SARIF or
    GitHub workflow commands (for CI; `title` names the command run), with every control
    character from the input shown as an escape
    (samlcheck._internal.render.safe)."""
    from samlcheck._internal.render.safe import json_visible

    if fmt == "json":
        from samlcheck._internal.render.json import render_json

        return json_visible(render_json(report))
    if fmt == "junit":
        from samlcheck._internal.render.junit import render_junit

        return render_junit(report, title)
    if fmt == "sarif":
        from samlcheck._internal.render.sarif import render_sarif

        return json_visible(render_sarif(report))
    if fmt == "github":
        from samlcheck._internal.render.github import render_github

        return render_github(report)
    from samlcheck._internal.render.text import render_text

    return render_text(report, color=color, verbose=verbose, quiet=quiet)
