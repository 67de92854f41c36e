"""Batches: unreadable inputs as results, --jobs, --quiet, --select / --ignore, defaults."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, RunCli

from samlcheck._internal.checks import batch

FIXTURES = ROOT / "fixtures"
METADATA = str(FIXTURES / "idp" / "metadata.xml")
AT = "2026-01-15T12:00:10Z"
SCHEMA = json.loads((ROOT / "samlcheck" / "schemas" / "report.schema.json").read_text())


def _json(run_cli: RunCli, *args: str, code: int | None = None) -> dict[str, Any]:
    done = run_cli("check", *args, "--metadata", METADATA, "--format", "json")
    assert code is None or done.exit_code == code, done.output
    report: dict[str, Any] = json.loads(done.stdout)
    jsonschema.validate(report, SCHEMA)
    return report


@pytest.fixture()
def mixed(tmp_path: Path) -> Path:
    """Captures beside a README, a metadata file and an entry that is not a capture at all."""
    shutil.copy(FIXTURES / "captures" / "response.b64", tmp_path / "a-response.b64")
    shutil.copy(FIXTURES / "responses" / "role-missing.xml", tmp_path / "b-role-missing.xml")
    (tmp_path / "README.md").write_text("# Our sign-in captures\n")
    shutil.copy(FIXTURES / "idp" / "metadata.xml", tmp_path / "idp-metadata.xml")
    (tmp_path / "zz-broken.bin").write_bytes(b"\xff\xfe\x00garbage\x00" * 10)
    return tmp_path


def test_a_folder_gives_one_result_per_file_and_goes_on(run_cli: RunCli, mixed: Path) -> None:
    report = _json(run_cli, str(mixed), "--at", AT, code=1)
    kinds = {Path(r["source"].split(" ")[0]).name: r["kind"] for r in report["results"]}
    assert kinds == {
        "README.md": "input",
        "a-response.b64": "response",
        "b-role-missing.xml": "response",
        "idp-metadata.xml": "input",
        "zz-broken.bin": "input",
    }
    unread = [r for r in report["results"] if r["kind"] == "input"]
    assert all(not r["verdict"]["accepted"] and r["verdict"]["unjudged"] for r in unread)
    metadata = next(r for r in unread if "idp-metadata" in r["source"])
    assert "SAML metadata" in metadata["findings"][0]["message"]
    assert "samlcheck metadata" in metadata["findings"][0]["fix"]


def test_unreadable_inputs_do_not_fail_the_run_unless_strict(run_cli: RunCli, mixed: Path) -> None:
    (mixed / "b-role-missing.xml").unlink()
    args = ("check", str(mixed), "--metadata", METADATA, "--at", AT)
    done = run_cli(*args)
    assert done.exit_code == 0, done.output
    assert "4 inputs: 1 accepted, 0 rejected, 3 unreadable" in done.stdout
    assert run_cli(*args, "--strict").exit_code == 1


def test_exit_2_only_when_nothing_could_be_judged(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("nothing here\n")
    done = run_cli("check", str(tmp_path), "--at", AT)
    assert done.exit_code == 2 and "README.md [input]" in done.stdout


def test_jobs_2_gives_the_same_json_as_jobs_1(run_cli: RunCli) -> None:
    folder = str(FIXTURES / "captures")
    one = _json(run_cli, folder, "--at", AT, "--jobs", "1")
    two = _json(run_cli, folder, "--at", AT, "--jobs", "2")
    assert len(one["results"]) > 10 and one == two


@pytest.mark.parametrize("fmt", ["text", "junit"])
def test_jobs_2_gives_the_output_and_exit_code_of_jobs_1(
    run_cli: RunCli, mixed: Path, fmt: str
) -> None:
    """Accepted, rejected and unreadable inputs over several chunks: the same bytes, in input
    order, and the same exit code, with and without --strict."""
    shutil.copytree(FIXTURES / "captures", mixed / "captures")
    shutil.copytree(FIXTURES / "responses", mixed / "responses")
    args = ("check", str(mixed), "--metadata", METADATA, "--at", AT, "--format", fmt)
    for strict in ((), ("--strict",)):
        one, two = (run_cli(*args, *strict, "--jobs", jobs) for jobs in ("1", "2"))
        assert (
            one.exit_code == 1 and one.stdout.count("[input]" if fmt == "text" else "<error") >= 3
        )
        assert (two.exit_code, two.stdout) == (one.exit_code, one.stdout)


def test_chunks_keep_input_order_and_shrink_towards_the_end() -> None:
    inputs = [batch.Input(str(n)) for n in range(500)]
    chunks = list(batch._chunks(inputs, 2))
    assert [i for chunk in chunks for i in chunk] == inputs
    sizes = [len(chunk) for chunk in chunks]
    assert sizes[0] == batch.CHUNK and sizes[-1] == 1 and sizes == sorted(sizes, reverse=True)


def test_quiet_prints_only_rejections_and_the_counts(run_cli: RunCli, mixed: Path) -> None:
    done = run_cli("check", str(mixed), "--metadata", METADATA, "--at", AT, "--quiet")
    assert done.exit_code == 1
    blocks = done.stdout.strip().split("\n\n")
    assert len(blocks) == 2 and "b-role-missing.xml [response]" in blocks[0]
    assert blocks[1].startswith("5 inputs: 1 accepted, 1 rejected")


def test_an_ignored_error_no_longer_decides_and_the_output_says_so(run_cli: RunCli) -> None:
    capture = str(FIXTURES / "responses" / "role-missing.xml")
    assert not _json(run_cli, capture, "--at", AT)["results"][0]["verdict"]["accepted"]
    (result,) = _json(run_cli, capture, "--at", AT, "--ignore", "SC-ATTR", code=0)["results"]
    assert result["verdict"]["accepted"]
    assert {
        "label": "left out",
        "value": (
            "SC-ATTR-001 (--select/--ignore); SC-ATTR-001 would otherwise decide the verdict"
        ),
    } in result["summary"]


def test_select_keeps_only_the_rules_it_names(run_cli: RunCli) -> None:
    capture = str(FIXTURES / "responses" / "role-missing.xml")
    (result,) = _json(run_cli, capture, "--at", AT, "--select", "SC-SIG,SC-RESP-040")["results"]
    assert {f["rule"] for f in result["findings"]} == {"SC-SIG-019"}


@pytest.mark.parametrize("value", ["SC-NOPE", "SC-SIG-999", "SIG", "SC-SIG-01"])
def test_a_selection_that_names_no_rule_is_exit_2(run_cli: RunCli, value: str) -> None:
    done = run_cli("check", str(FIXTURES / "captures" / "response.xml"), "--ignore", value)
    assert done.exit_code == 2 and f"--ignore: '{value}' names no rule" in done.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("samlcheck.toml", 'ignore = ["SC-ATTR"]\n'),
        ("pyproject.toml", '[project]\nname = "x"\n[tool.samlcheck]\nignore = "SC-ATTR-001"\n'),
    ],
)
def test_defaults_come_from_the_working_directory(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str
) -> None:
    (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    capture = str(FIXTURES / "responses" / "role-missing.xml")
    assert _json(run_cli, capture, "--at", AT, code=0)["results"][0]["verdict"]["accepted"]
    overridden = _json(run_cli, capture, "--at", AT, "--ignore", "SC-RESP", code=1)
    assert overridden["results"][0]["verdict"]["rule"] == "SC-ATTR-001"


def test_an_unknown_settings_key_is_exit_2(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "samlcheck.toml").write_text('ignor = ["SC-ATTR"]\n')
    monkeypatch.chdir(tmp_path)
    done = run_cli("check", str(FIXTURES / "captures" / "response.xml"))
    assert done.exit_code == 2
    assert "samlcheck.toml: unknown key 'ignor'" in done.stderr
