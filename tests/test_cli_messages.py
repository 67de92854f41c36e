"""The command line in the project's own words: --help placeholders, option values, explain by
error code and as JSON, check --text, NO_COLOR."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest
import testidp
from conftest import RunCli
from lxml import etree

from samlcheck._internal import aws
from samlcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
METADATA = str(FIXTURES / "idp" / "metadata.xml")
VALID = str(FIXTURES / "responses" / "valid.xml")
AT = ("--at", testidp.CHECK_AT)
EXPLAIN_SCHEMA = json.loads((ROOT / "samlcheck" / "schemas" / "explain.schema.json").read_text())
REPORT_SCHEMA = json.loads((ROOT / "samlcheck" / "schemas" / "report.schema.json").read_text())
COMMANDS = [
    ["check"],
    ["decode"],
    ["explain"],
    ["keys"],
    ["metadata", "check"],
    ["metadata", "diff"],
    ["provider", "plan"],
]


def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """The console-script path, where usage errors become one line."""
    monkeypatch.setattr(sys, "argv", ["samlcheck", *args])
    with pytest.raises(SystemExit) as done:
        main()
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out, out.err


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_uses_conventional_placeholders(
    run_cli: RunCli, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # the choice list on one line
    text = run_cli(*command, "--help").stdout
    for python in ("<list[", "<bool>", "<str>", "<int>", "<Path>", "{"):
        assert python not in text, python
    judged = command[0] not in ("decode", "explain")  # the CI formats only where there is a verdict
    choices = "[text|json|junit|sarif|github]" if judged else "[text|json]"
    assert "--format" in text and choices in text


def test_check_help_names_paths_and_texts(run_cli: RunCli) -> None:
    text = run_cli("check", "--help").stdout
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert usage.rstrip().endswith("[OPTIONS] [CAPTURE...]")
    flat = " ".join(text.split())
    assert "or [tool.samlcheck] in pyproject.toml" in flat  # printed as written, not as markup
    assert (
        "--metadata PATH" in flat and "--at TEXT" in flat and "--duration-seconds INTEGER" in flat
    )
    strict = next(line for line in text.splitlines() if "--strict" in line)
    assert strict.split("--strict")[1].split()[0] == "Exit"  # a flag has no placeholder


@pytest.mark.parametrize("value", ["required", "REQUIRED", "Required"])
def test_encryption_mode_in_any_case(run_cli: RunCli, value: str) -> None:
    plain = str(FIXTURES / "responses" / "encryption-required-plaintext.xml")
    result = run_cli("check", plain, "--metadata", METADATA, *AT, "--encryption-mode", value)
    assert result.exit_code == 1, result.output
    assert "encryption" in result.stdout.lower()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", VALID, "--format", "yaml"], "'yaml' is not one of text, json"),
        (["check", VALID, "--encryption-mode", "x"], "'x' is not one of Required, Allowed"),
        (["check", VALID, "--duration-seconds", "abc"], "'abc' is not a whole number"),
        (["explain", "x", "-f", "xml"], "'xml' is not one of text, json"),
    ],
)
def test_bad_option_values_are_told_in_our_words(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    code, out, err = run_main(monkeypatch, capsys, *args)
    assert code == 2 and out == ""
    assert expected in err and "Value error" not in err and "Input should" not in err
    assert len(err.splitlines()) == 1


def test_explain_an_error_code_lists_every_error_with_it(run_cli: RunCli) -> None:
    result = run_cli("explain", "InvalidIdentityToken")
    assert result.exit_code == 0
    coded = [e for e in aws.ERRORS.values() if e.code == "InvalidIdentityToken"]
    assert len(coded) > 4
    for error in coded:
        assert error.heading in result.stdout


@pytest.mark.parametrize(
    "query", [["InvalidIdentityToken"], ["Response signature invalid"], ["SC-SIG-003"], ["--list"]]
)
def test_explain_json_validates_against_its_schema(run_cli: RunCli, query: list[str]) -> None:
    result = run_cli("explain", *query, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, EXPLAIN_SCHEMA)
    assert document["errors"] or document["rules"]


def test_explain_json_by_code(run_cli: RunCli) -> None:
    document = json.loads(run_cli("explain", "InvalidIdentityToken", "-f", "json").stdout)
    codes = {e["code"] for e in document["errors"]}
    assert codes == {"InvalidIdentityToken"}
    assert len(document["errors"]) == sum(
        e.code == "InvalidIdentityToken" for e in aws.ERRORS.values()
    )


def test_check_text_reads_a_literal_value(run_cli: RunCli) -> None:
    value = (FIXTURES / "captures" / "response.b64").read_text()
    result = run_cli("check", "--text", value, "--metadata", METADATA, *AT, "-f", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, REPORT_SCHEMA)
    assert document["results"][0]["source"] == "--text"
    assert document["results"][0]["claims"]["name_id"] == "alice@example.test"


def test_check_without_any_capture_says_what_to_give(run_cli: RunCli) -> None:
    result = run_cli("check")
    assert result.exit_code == 2 and "--text" in result.stderr


def test_no_color_is_honoured_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, coloured, _ = run_main(monkeypatch, capsys, "check", VALID, "--metadata", METADATA, *AT)
    assert "\x1b[" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    _, plain, _ = run_main(monkeypatch, capsys, "check", VALID, "--metadata", METADATA, *AT)
    assert "\x1b" not in plain and "AWS would accept this." in plain


def test_a_folder_as_a_file_gets_a_sensible_hint(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("check", VALID, "--sp-key", str(tmp_path))
    assert result.exit_code == 2
    assert "file file" not in result.stderr and "not a directory" in result.stderr


def test_a_request_is_not_called_a_a_request(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "request.xml"
    path.write_bytes(
        etree.tostring(etree.Element("{urn:oasis:names:tc:SAML:2.0:protocol}AuthnRequest"))
    )
    result = run_cli("check", str(path))
    assert " a AuthnRequest" not in result.stdout and "AuthnRequest" in result.stdout
