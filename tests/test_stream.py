"""A batch's report written result by result: the same bytes as the whole report, the first
result out before the last input is checked, the same order and exit code with --jobs 2."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import testidp
from conftest import ROOT, RunCli

from samlcheck._internal.aws import Evidence
from samlcheck._internal.checks import batch
from samlcheck._internal.findings import Rule, Severity
from samlcheck._internal.options import CheckOptions
from samlcheck._internal.render import render
from samlcheck._internal.render.stream import write
from samlcheck._internal.render.text import text_block
from samlcheck._internal.report import Report, Result
from samlcheck.cli.check import at_option

FIXTURES = ROOT / "fixtures"
METADATA = FIXTURES / "idp" / "metadata.xml"
FORMATS = ("text", "json", "junit", "sarif", "github")
HOSTILE = Rule(
    id="SC-TEST-003",
    name="hostile-text",
    severity=Severity.ERROR,
    summary="A rule for the streaming tests.",
    fix="Fix it.",
    evidence=Evidence.INFERRED,
    source="the streaming tests",
)


@pytest.fixture(scope="module")
def results() -> tuple[Result, ...]:
    """Accepted, rejected, unreadable and multi-message results, and hostile text."""
    folder = [str(FIXTURES / "captures"), str(FIXTURES / "responses" / "role-missing.xml")]
    inputs = [*batch.expand(folder), batch.Input(str(METADATA), in_folder=True)]
    options = CheckOptions(metadata=(METADATA,), at=at_option(testidp.CHECK_AT))
    found = tuple(batch.run(options, inputs))
    finding = HOSTILE.finding("evil \x1b]0;title\x07 \u202eflip \x00\nline", "/Response")
    return (*found, Result(source="x\x1b[2J", kind="response", findings=(finding,)))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("options", [{}, {"quiet": True}, {"verbose": True, "color": True}])
def test_the_stream_writes_the_bytes_of_the_whole_report(
    results: tuple[Result, ...], fmt: str, options: dict[str, bool]
) -> None:
    for some in (results, results[:1], ()):
        out = io.StringIO()
        totals = write(iter(some), fmt, out, title="samlcheck check", **options)
        report = Report(some)
        assert out.getvalue() == render(report, fmt, title="samlcheck check", **options)
        assert totals.tally() == report.tally()
        assert [totals.exit_code(s) for s in (False, True)] == [
            report.exit_code(s) for s in (False, True)
        ]


def test_a_document_larger_than_the_spool_is_the_same(
    results: tuple[Result, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("samlcheck._internal.render.stream.SPOOL_BYTES", 100)
    out = io.StringIO()
    write(iter(results), "json", out)
    assert out.getvalue() == render(Report(results), "json")


def test_each_result_is_written_before_the_next_is_checked(results: tuple[Result, ...]) -> None:
    out = io.StringIO()
    written: list[str] = []

    def checked() -> Iterator[Result]:
        for result in results:
            written.append(out.getvalue())
            yield result

    write(checked(), "text", out)
    assert written == ["".join(text_block(r) for r in results[:n]) for n in range(len(results))]
    assert written[1]


def test_the_cli_streams_text_while_the_batch_runs(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first result is on stdout before the second input is checked."""
    for name in ("a.xml", "b.xml"):
        shutil.copy(FIXTURES / "responses" / "role-missing.xml", tmp_path / name)
    seen: list[str] = []
    check_input = batch.check_input

    def spying(checker: object, item: batch.Input) -> list[Result]:
        import sys

        stdout = sys.stdout.buffer  # click's runner writes to a BytesIO
        assert isinstance(stdout, io.BytesIO)
        seen.append(stdout.getvalue().decode())
        return check_input(checker, item)

    monkeypatch.setattr(batch, "check_input", spying)
    done = run_cli("check", str(tmp_path), "--metadata", str(METADATA), "--at", testidp.CHECK_AT)
    assert done.exit_code == 1, done.output
    assert len(seen) == 2 and "a.xml [response]" not in seen[0]
    assert "a.xml [response]" in seen[1] and "b.xml" not in seen[1]
