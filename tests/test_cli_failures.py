"""An unexpected exception is a samlcheck bug: one line naming the input, exit 3, never 0 or 1."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import RunCli

from samlcheck.cli import main
from samlcheck.cli.common import EXIT_BUG

ROOT = Path(__file__).resolve().parent.parent
VALID = str(ROOT / "fixtures" / "responses" / "valid.xml")
CAPTURE = str(ROOT / "fixtures" / "captures" / "response.b64")
METADATA = str(ROOT / "fixtures" / "idp" / "metadata.xml")


def explode(*args: object, **kwargs: object) -> None:
    raise ZeroDivisionError("injected\nfailure")


def assert_bug_line(stderr: str, source: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert "samlcheck bug" in lines[0] and "--debug" in lines[0]
    assert source in lines[0] and "ZeroDivisionError: injected failure" in lines[0]
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("failing", "named"),
    [
        ("samlcheck._internal.checks.response.check_loaded", "valid.xml"),  # the capture
        ("samlcheck._internal.trust.anchors.load_trust", VALID),  # the command's input
    ],
)
def test_a_failing_check_exits_3_naming_its_input(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, failing: str, named: str
) -> None:
    monkeypatch.setattr(failing, explode)
    result = run_cli("check", VALID, "--metadata", METADATA)
    assert result.exit_code == EXIT_BUG
    assert result.stdout == ""
    assert_bug_line(result.stderr, named)


def test_a_failing_decode_exits_3(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("samlcheck._internal.inputs.outline.outline", explode)
    result = run_cli("decode", CAPTURE)
    assert result.exit_code == EXIT_BUG
    assert_bug_line(result.stderr, CAPTURE)


def test_a_failing_explain_exits_3(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("samlcheck._internal.explain.explain", explode)
    result = run_cli("explain", "Response signature invalid")
    assert result.exit_code == EXIT_BUG
    assert_bug_line(result.stderr, "Response signature invalid")


def test_debug_shows_the_traceback_and_still_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("samlcheck._internal.checks.response.check_loaded", explode)
    monkeypatch.setattr(sys, "argv", ["samlcheck", "check", VALID, "--debug"])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == EXIT_BUG
    stderr = capsys.readouterr().err
    assert "Traceback" in stderr and "samlcheck bug" in stderr.splitlines()[-1]


def test_debug_on_unreadable_input_exits_2_with_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["samlcheck", "check", "/nonexistent/capture", "--debug"])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 2
    assert "Traceback" in capsys.readouterr().err


def test_help_documents_the_exit_codes(run_cli: RunCli) -> None:
    for command in ([], ["check"], ["decode"], ["explain"]):
        result = run_cli(*command, "--help")
        assert "3 samlcheck failed (a bug)" in " ".join(result.stdout.split()), command
