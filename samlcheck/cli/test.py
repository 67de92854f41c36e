"""`samlcheck test SUITE.toml`: does AWS still answer what each case of a suite expects?"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from samlcheck.cli import app
from samlcheck.cli.common import DebugOption, FormatOption, OutputFormat, guarded, reading

Suites = Annotated[
    list[Path],
    typer.Argument(
        metavar="SUITE...",
        help="Suite files (TOML: [defaults] and [[case]] tables with name, capture, expect).",
        show_default=False,
    ),
]
TEST_EXIT_CODES = (
    "Exit codes: 0 every case holds; 1 a case does not; 2 a suite file or a capture cannot be "
    "read (the line names the file, the case and the key); 3 samlcheck failed (a bug)."
)


@app.command(epilog=TEST_EXIT_CODES)
@guarded
def test(suites: Suites, fmt: FormatOption = OutputFormat.text, debug: DebugOption = False) -> None:
    """Run regression suites: each case's capture must get the answer it expects from AWS."""
    from samlcheck._internal.checks.suite import load_suite, run_case
    from samlcheck._internal.render.suite import case_lines, render_suite, summary_line

    cases = [case for suite in suites for case in load_suite(suite)]  # every file read first
    text = OutputFormat(fmt) is OutputFormat.text
    outcomes = []
    for case in cases:
        with reading(f"{case.suite}: case {case.name!r}"):
            outcomes.append(run_case(case))
        if text:  # each line as soon as its case is judged
            sys.stdout.write(case_lines(outcomes[-1]))
    if text:
        sys.stdout.write(f"\n{summary_line(outcomes)}\n")
    else:
        sys.stdout.write(render_suite(outcomes, OutputFormat(fmt).value))
    raise typer.Exit(0 if all(outcome.passed for outcome in outcomes) else 1)
