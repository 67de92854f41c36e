"""`samlcheck test SUITE.toml`: does AWS still answer what each case of a suite expects?"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from samlcheck.cli import app
from samlcheck.cli.common import DebugOption, guarded, reading

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
def test(suites: Suites, debug: DebugOption = False) -> None:
    """Run regression suites: each case's capture must get the answer it expects from AWS."""
    from samlcheck._internal.checks.suite import load_suite, run_case
    from samlcheck._internal.render.safe import visible

    cases = [case for suite in suites for case in load_suite(suite)]  # every file read first
    failed = 0
    for case in cases:
        with reading(f"{case.suite}: case {case.name!r}"):
            outcome = run_case(case)
        failed += not outcome.passed
        mark = "pass" if outcome.passed else "FAIL"
        sys.stdout.write(visible(f"{mark}  {case.name}") + "\n")
        if not outcome.passed:
            sys.stdout.write(visible(f"      {outcome.explained()}") + "\n")
    noun = "case" if len(cases) == 1 else "cases"
    sys.stdout.write(f"\n{len(cases)} {noun}: {len(cases) - failed} passed, {failed} failed\n")
    raise typer.Exit(1 if failed else 0)
