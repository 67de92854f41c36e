"""JUnit XML for CI test reporters (Jenkins, GitLab, GitHub): one testsuite per command run, one
testcase per input; a rejection is a failure with AWS's answer and the deciding finding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from samlcheck._internal.render.safe import clean
from samlcheck._internal.render.text import result_text
from samlcheck._internal.report import INPUT_KIND, Report, Result


@dataclass(frozen=True)
class Failure:
    """A testcase that did not hold: `message` in one line, `detail` the evidence and fix;
    `error` when it could not be run at all (an unreadable input)."""

    message: str
    detail: str = ""
    error: bool = False
    type: str = ""
    """What kind of failure: the deciding rule's ID for a rejection."""


Outcome = Result | Failure | None
"""What a testcase shows: a Result (judged by AWS's verdict), a Failure, or None (it passed)."""


def verdict_line(result: Result) -> str:
    """'AWS would answer: ... (SC-SIG-003 signature-invalid)': a rejection in one short line."""
    verdict = result.verdict
    answer = f"AWS would answer: {verdict.aws_error.text}" if verdict.aws_error else ""
    answer = answer or "AWS would reject this"
    finding = verdict.finding
    return f"{answer} ({finding.rule.id} {finding.rule.name})" if finding else answer


def failure_of(result: Result) -> Failure | None:
    """A rejection (or an unreadable input) as a Failure; None when AWS would accept it."""
    if result.unreadable:
        finding = result.findings[0] if result.findings else None
        message = finding.message if finding else "the input could not be read"
        return Failure(message, result_text(result), error=True, type=INPUT_KIND)
    verdict = result.verdict
    if verdict.accepted:
        return None
    rule = verdict.finding.rule.id if verdict.finding else "rejected"
    return Failure(verdict_line(result), result_text(result), type=rule)


def _testcase(name: str, classname: str, outcome: Outcome) -> etree._Element:
    case = etree.Element("testcase", name=name, classname=classname, time="0")
    failure = failure_of(outcome) if isinstance(outcome, Result) else outcome
    if failure is not None:
        tag = "error" if failure.error else "failure"
        kind = failure.type or tag
        etree.SubElement(case, tag, message=failure.message, type=kind).text = failure.detail
    elif isinstance(outcome, Result):
        etree.SubElement(case, "system-out").text = result_text(outcome)
    return case


def junit_case(name: str, outcome: Outcome) -> etree._Element:
    """The testcase of (name, outcome), every string cleaned of control characters (XML 1.0
    cannot even carry most of them)."""
    name, outcome = clean((name, outcome))
    kind = outcome.kind if isinstance(outcome, Result) else "case"
    return _testcase(name, f"samlcheck.{kind}", outcome)


def junit_suite(name: str, cases: Sequence[tuple[str, Outcome]]) -> etree._Element:
    """One testsuite: a testcase per (name, outcome), with the counts reporters read."""
    elements = [junit_case(case_name, outcome) for case_name, outcome in cases]
    suite = empty_suite(name, CaseCounts.of(elements))
    suite.extend(elements)
    return suite


@dataclass
class CaseCounts:
    """A testsuite's counts, gathered one testcase at a time."""

    tests: int = 0
    failures: int = 0
    errors: int = 0

    @classmethod
    def of(cls, cases: Sequence[etree._Element]) -> CaseCounts:
        counts = cls()
        for case in cases:
            counts.add(case)
        return counts

    def add(self, case: etree._Element) -> None:
        self.tests += 1
        self.failures += case.find("failure") is not None
        self.errors += case.find("error") is not None


def empty_suite(name: str, counts: CaseCounts) -> etree._Element:
    """The testsuite element `name` with `counts`, before its testcases."""
    suite = etree.Element("testsuite", name=clean(name))
    suite.set("tests", str(counts.tests))
    suite.set("failures", str(counts.failures))
    suite.set("errors", str(counts.errors))
    suite.set("skipped", "0")
    suite.set("time", "0")
    return suite


def junit_document(suites: Sequence[etree._Element]) -> str:
    """Testsuites in one `testsuites` document with the totals, as UTF-8 XML text."""
    root = etree.Element("testsuites", name="samlcheck")
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    root.extend(suites)
    body = etree.tostring(root, pretty_print=True, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def render_cases(name: str, cases: Sequence[tuple[str, Outcome]]) -> str:
    """A JUnit document of one testsuite `name` (e.g. a suite file's cases)."""
    return junit_document([junit_suite(name, cases)])


def render_junit(report: Report, title: str) -> str:
    """The report as one testsuite named after the command run (`title`), a testcase per input."""
    return render_cases(title, [(result.source, result) for result in report.results])
