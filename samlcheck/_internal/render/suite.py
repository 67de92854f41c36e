"""`samlcheck test` for tools and CI: a suite run's outcomes as JSON (samlcheck/schemas/
suite.schema.json), JUnit (a testcase per case), SARIF (a result per failed case, at its
`[[case]]` line) or GitHub annotations. The text lines are here too, so each is written once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from samlcheck import __version__
from samlcheck._internal.checks.suite import ACCEPTED, Outcome
from samlcheck._internal.render.json import dumps
from samlcheck._internal.render.safe import json_visible, visible

EXPECTATION = "suite-expectation"
"""The SARIF rule ID of a case whose expectation does not hold (not a rule of the catalogue)."""


def case_lines(outcome: Outcome) -> str:
    """'pass  NAME', or 'FAIL  NAME' and what was expected and what AWS would answer."""
    if outcome.passed:
        return visible(f"pass  {outcome.case.name}") + "\n"
    failed = visible(f"FAIL  {outcome.case.name}")
    return f"{failed}\n" + visible(f"      {outcome.explained()}") + "\n"


def summary_line(outcomes: Sequence[Outcome]) -> str:
    """'12 cases: 11 passed, 1 failed'."""
    failed = sum(not o.passed for o in outcomes)
    noun = "case" if len(outcomes) == 1 else "cases"
    return f"{len(outcomes)} {noun}: {len(outcomes) - failed} passed, {failed} failed"


def render_suite(outcomes: Sequence[Outcome], fmt: str) -> str:
    """The outcomes of a suite run in `fmt`: json, junit, sarif or github."""
    renderers = {"json": _json, "junit": _junit, "sarif": _sarif, "github": _github}
    return renderers[fmt](outcomes)


# --- JSON -----------------------------------------------------------------------------------------


def _answer(outcome: Outcome) -> dict[str, Any]:
    accepted = outcome.answer == ACCEPTED
    return {
        "accepted": accepted,
        "aws_error": None if accepted else outcome.answer,
        "rule": outcome.rule,
        "source": outcome.source or None,
    }


def case_dict(outcome: Outcome) -> dict[str, Any]:
    from samlcheck._internal.render.json import result_dict

    case = outcome.case
    return {
        "suite": str(case.suite),
        "line": case.line,
        "name": case.name,
        "capture": str(case.capture),
        "passed": outcome.passed,
        "expected": {"answer": case.expect, "rule": case.rule},
        "answer": _answer(outcome),
        "message": None if outcome.passed else outcome.explained(),
        "results": [result_dict(result) for result in outcome.results],
    }


def _json(outcomes: Sequence[Outcome]) -> str:
    failed = sum(not o.passed for o in outcomes)
    document = {
        "samlcheck": __version__,
        "summary": {"cases": len(outcomes), "passed": len(outcomes) - failed, "failed": failed},
        "cases": [case_dict(outcome) for outcome in outcomes],
    }
    return json_visible(dumps(document))


# --- JUnit ----------------------------------------------------------------------------------------


def _failure(outcome: Outcome) -> Any:
    from samlcheck._internal.render.junit import Failure
    from samlcheck._internal.render.text import result_text

    if outcome.passed:
        return None
    detail = "\n".join(result_text(result) for result in outcome.results)
    return Failure(f"case {outcome.case.name!r}: {outcome.explained()}", detail, type=EXPECTATION)


def _junit(outcomes: Sequence[Outcome]) -> str:
    """A testsuite per suite file (in the order given), a testcase per case."""
    from samlcheck._internal.render.junit import junit_document, junit_suite

    files: dict[Path, list[Outcome]] = {}
    for outcome in outcomes:
        files.setdefault(outcome.case.suite, []).append(outcome)
    suites = [
        junit_suite(str(path), [(o.case.name, _failure(o)) for o in cases])
        for path, cases in files.items()
    ]
    return junit_document(suites)


# --- SARIF and GitHub -----------------------------------------------------------------------------


def _descriptor() -> dict[str, Any]:
    return {
        "id": EXPECTATION,
        "name": "suite-expectation-broken",
        "shortDescription": {"text": "A suite case's capture no longer gets the answer expected."},
        "fullDescription": {
            "text": "samlcheck test: AWS would answer a case's capture otherwise than the case "
            "expects (accepted, or a rejection with the expected message and rule)."
        },
        "help": {
            "text": "Fix: find what changed at the IdP or in IAM (the message says what AWS "
            "would answer), or correct the expectation if the new answer is the right one."
        },
        "defaultConfiguration": {"level": "error"},
    }


def _sarif_result(outcome: Outcome) -> dict[str, Any]:
    from samlcheck._internal.render.locations import uri

    case = outcome.case
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri(case.suite)}}
    if case.line is not None:
        physical["region"] = {"startLine": case.line}
    return {
        "ruleId": EXPECTATION,
        "level": "error",
        "message": {"text": visible(f"Case {case.name!r}: {outcome.explained()}.")},
        "locations": [{"physicalLocation": physical}],
        "relatedLocations": [
            {"id": 1, "physicalLocation": {"artifactLocation": {"uri": uri(case.capture)}}}
        ],
        "properties": {"case": case.name, "expected": case.expect, "answer": _answer(outcome)},
    }


def _sarif(outcomes: Sequence[Outcome]) -> str:
    from samlcheck._internal.render.sarif import driver, log

    failed = [o for o in outcomes if not o.passed]
    run = {
        "tool": {"driver": driver(_descriptor())},
        "results": [_sarif_result(outcome) for outcome in failed],
        "properties": {"summary": summary_line(outcomes)},
    }
    return json_visible(dumps(log(run)))


def _github(outcomes: Sequence[Outcome]) -> str:
    """An `::error` per failed case, at its `[[case]]` line, then the summary line."""
    from samlcheck._internal.render.github import escape_data, escape_property
    from samlcheck._internal.render.locations import display_path

    lines = []
    for outcome in (o for o in outcomes if not o.passed):
        case = outcome.case
        where = [("file", display_path(case.suite))]
        where += [("line", str(case.line))] if case.line is not None else []
        where += [("title", f"samlcheck test: {case.name}")]
        listed = ",".join(f"{key}={escape_property(value)}" for key, value in where)
        lines.append(f"::error {listed}::{escape_data(outcome.explained())}")
    return "\n".join([*lines, summary_line(outcomes)]) + "\n"
