"""Renderers: one report model, several output formats."""

from __future__ import annotations

from samlcheck._internal.report import Report


def render(
    report: Report, fmt: str, *, color: bool = False, verbose: bool = False, quiet: bool = False
) -> str:
    """The report as text (for people; `verbose` adds background findings and details) or JSON
    (for tools, everything; `quiet` text shows only rejections and the counts), with every
    control character from the input shown as an escape
    (samlcheck._internal.render.safe)."""
    from samlcheck._internal.render.safe import clean, json_visible

    if fmt == "json":
        from samlcheck._internal.render.json import render_json

        return json_visible(render_json(report))
    from samlcheck._internal.render.text import render_text

    return render_text(clean(report), color=color, verbose=verbose, quiet=quiet)
