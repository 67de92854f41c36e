"""`samlcheck metadata FILE` and `samlcheck metadata diff OLD NEW` from the command line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import RunCli
from typer.testing import Result

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "metadata"
AT = ("--at", "2026-01-15T12:00:00Z")


def fx(name: str) -> str:
    return str(FIXTURES / name)


def test_file_form_accepts_passing_metadata(run_cli: RunCli) -> None:
    result = run_cli("metadata", fx("passing.xml"), *AT)
    assert result.exit_code == 0, result.output
    assert "AWS would accept this." in result.stdout
    assert "entity ID" in result.stdout


def test_file_form_and_check_subcommand_agree(run_cli: RunCli) -> None:
    short = run_cli("metadata", fx("bom.xml"), *AT, "--format", "json")
    long = run_cli("metadata", "check", fx("bom.xml"), *AT, "--format", "json")
    assert short.exit_code == long.exit_code == 1
    assert json.loads(short.stdout) == json.loads(long.stdout)


def test_rejected_metadata_exits_1_with_the_iam_message(run_cli: RunCli) -> None:
    result = run_cli("metadata", fx("key-512.xml"), *AT)
    assert result.exit_code == 1
    assert "Could not parse metadata." in result.stdout
    assert "SC-MD-018 certificate-key-too-small" in result.stdout


def test_json_output_has_kind_metadata_and_summary(run_cli: RunCli) -> None:
    result = run_cli(
        "metadata", fx("aggregate.xml"), *AT, "-f", "json", "--issuer", "https://a.example.test/idp"
    )
    data = json.loads(result.stdout)
    (res,) = data["results"]
    assert res["kind"] == "metadata"
    assert "issuer-selects-idp" in result.stdout


def test_stdin_is_read_with_dash(run_cli: RunCli) -> None:
    data = (FIXTURES / "passing.xml").read_bytes()
    result = run_cli("metadata", "-", *AT, "-f", "json", input=data)
    assert result.exit_code == 0, result.output
    (res,) = json.loads(result.stdout)["results"]
    assert (res["source"], res["verdict"]["accepted"]) == ("-", True)
    assert {"label": "entity ID", "value": "https://idp.example.test/saml"} in res["summary"]


def test_diff_subcommand_reports_rotation(run_cli: RunCli) -> None:
    result = run_cli("metadata", "diff", fx("passing.xml"), fx("rotated.xml"), *AT)
    assert result.exit_code == 1
    assert "Response signature invalid" in result.stdout
    assert "idp-signing-certificate-rotated" in result.stdout


def test_diff_of_unchanged_metadata_exits_0(run_cli: RunCli) -> None:
    result = run_cli("metadata", "diff", fx("passing.xml"), fx("signed.xml"), "-f", "json", *AT)
    assert result.exit_code == 0, result.output
    (res,) = json.loads(result.stdout)["results"]
    rows = {row["label"]: row["value"] for row in res["summary"]}
    assert rows["changes"] == "none"
    assert rows["signing certificate kept"].startswith("CN=idp.example.test")


def test_diff_with_a_new_file_iam_refuses_says_so_first_and_exits_1(run_cli: RunCli) -> None:
    result = run_cli("metadata", "diff", fx("passing.xml"), fx("bom.xml"), *AT)
    assert result.exit_code == 1, result.output
    assert "AWS would accept" not in result.stdout
    verdict = result.stdout.index("Could not parse metadata.")
    assert verdict < result.stdout.index("changes")
    words = " ".join(result.stdout.split())
    assert "bom.xml: the file starts with a UTF-8 byte order mark" in words
    assert "bom.xml as an upload IAM would refuse it" in words


def test_diff_with_an_unreadable_new_file_gives_its_check(run_cli: RunCli) -> None:
    result = run_cli("metadata", "diff", fx("passing.xml"), fx("html-page.xml"), *AT)
    assert result.exit_code == 1, result.output
    assert "HTML page" in result.stdout


def test_cert_option_verifies_the_signature(run_cli: RunCli, tmp_path: Path) -> None:
    import testidp

    pem = tmp_path / "idp.pem"
    pem.write_bytes(testidp.pem(testidp.idp().cert))
    result = run_cli("metadata", fx("signed.xml"), *AT, "--cert", str(pem))
    assert result.exit_code == 0
    assert "verified with the certificate given with --cert" in result.stdout


def test_write_fixed_writes_a_copy_and_leaves_the_input(run_cli: RunCli, tmp_path: Path) -> None:
    source = tmp_path / "in.xml"
    source.write_bytes((FIXTURES / "utf16.xml").read_bytes())
    out = tmp_path / "out.xml"
    result = run_cli("metadata", str(source), *AT, "--write-fixed", str(out))
    assert result.exit_code == 1  # the report is about the input, which IAM refuses
    assert source.read_bytes() == (FIXTURES / "utf16.xml").read_bytes()
    assert out.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert f"wrote {out}" in result.stderr
    assert run_cli("metadata", str(out), *AT).exit_code == 0


def test_write_fixed_refuses_with_the_reason(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    result = run_cli("metadata", fx("key-512.xml"), *AT, "--write-fixed", str(out))
    assert not out.exists()
    assert "not written: nothing to fix" in result.stderr


def test_write_fixed_never_overwrites_the_input(run_cli: RunCli, tmp_path: Path) -> None:
    source = tmp_path / "in.xml"
    data = (FIXTURES / "bom.xml").read_bytes()
    source.write_bytes(data)
    result = run_cli("metadata", str(source), "--write-fixed", str(source), "--force")
    assert result.exit_code == 2
    assert "never modifies an input" in result.stderr
    assert source.read_bytes() == data


def _bom_input(tmp_path: Path) -> Path:
    source = tmp_path / "in.xml"
    source.write_bytes((FIXTURES / "bom.xml").read_bytes())
    return source


def _one_line_exit_2(result: Result, words: str) -> None:
    assert result.exit_code == 2, result.output
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_write_fixed_never_overwrites_the_cert_file(run_cli: RunCli, tmp_path: Path) -> None:
    import testidp

    cert = tmp_path / "idp.pem"
    cert.write_bytes(testidp.pem(testidp.idp().cert))
    before = cert.read_bytes()
    args = ("--cert", str(cert), "--write-fixed", str(cert), "--force")
    _one_line_exit_2(run_cli("metadata", str(_bom_input(tmp_path)), *args), "is an input file")
    assert cert.read_bytes() == before


@pytest.mark.parametrize("force", [(), ("--force",)], ids=["plain", "force"])
def test_write_fixed_never_follows_a_symbolic_link(
    run_cli: RunCli, tmp_path: Path, force: tuple[str, ...]
) -> None:
    source = _bom_input(tmp_path)
    for target in (tmp_path / "elsewhere.xml", source):
        link = tmp_path / f"link-to-{target.name}"
        link.symlink_to(target)
        result = run_cli("metadata", str(source), "--write-fixed", str(link), *force)
        _one_line_exit_2(result, "is a symbolic link")
    assert not (tmp_path / "elsewhere.xml").exists()
    assert source.read_bytes() == (FIXTURES / "bom.xml").read_bytes()


def test_write_fixed_replaces_an_existing_file_only_with_force(
    run_cli: RunCli, tmp_path: Path
) -> None:
    source, out = _bom_input(tmp_path), tmp_path / "out.xml"
    out.write_bytes(b"keep me")
    result = run_cli("metadata", str(source), "--write-fixed", str(out))
    _one_line_exit_2(result, "already exists. Add --force")
    assert out.read_bytes() == b"keep me"
    forced = run_cli("metadata", str(source), "--write-fixed", str(out), "--force")
    assert f"wrote {out}" in forced.stderr
    assert out.read_bytes() == (FIXTURES / "passing.xml").read_bytes()


def test_write_fixed_refuses_a_hard_link_to_the_input(run_cli: RunCli, tmp_path: Path) -> None:
    source = _bom_input(tmp_path)
    link = tmp_path / "same.xml"
    os.link(source, link)
    result = run_cli("metadata", str(source), "--write-fixed", str(link), "--force")
    _one_line_exit_2(result, "is an input file")
    assert source.read_bytes() == (FIXTURES / "bom.xml").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("metadata", "/nonexistent/idp.xml"), "cannot read the file"),
        (("metadata", "x.xml", "--at", "yesterday"), "not an ISO 8601 instant"),
        (("metadata", "diff", "/nonexistent/a.xml", "/nonexistent/b.xml"), "cannot read the file"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(
    run_cli: RunCli, args: tuple[str, ...], message: str
) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_metadata_help_lists_both_forms(run_cli: RunCli) -> None:
    result = run_cli("metadata", "--help")
    assert result.exit_code == 0
    assert "diff" in result.stdout and "check" in result.stdout


def test_cli_start_imports_neither_xmlschema_nor_signxml() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; from samlcheck.cli import _register; _register(); "
        "print(sorted(m for m in ('xmlschema', 'signxml') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.xml")))
def test_json_report_of_every_fixture_matches_the_published_schema(
    run_cli: RunCli, name: str
) -> None:
    import jsonschema

    schema = json.loads((ROOT / "samlcheck" / "schemas" / "report.schema.json").read_text())
    result = run_cli("metadata", fx(name), *AT, "-f", "json")
    assert result.exit_code in (0, 1), result.output
    jsonschema.validate(json.loads(result.stdout), schema)


def test_json_diff_report_matches_the_published_schema(run_cli: RunCli) -> None:
    import jsonschema

    schema = json.loads((ROOT / "samlcheck" / "schemas" / "report.schema.json").read_text())
    result = run_cli("metadata", "diff", fx("passing.xml"), fx("rotated.xml"), "-f", "json")
    jsonschema.validate(json.loads(result.stdout), schema)


def test_at_reads_a_lower_case_z_and_an_offset_like_check_does(run_cli: RunCli) -> None:
    expired = "the metadata expired at 2025-06-30T00:00:00Z (199 days before 2026-01-15T12:00:00Z)"
    for at in ("2026-01-15T12:00:00z", "2026-01-15T13:00:00+01:00"):
        result = run_cli("metadata", fx("expired-valid-until.xml"), "--at", at, "--format", "json")
        messages = [
            f["message"] for r in json.loads(result.stdout)["results"] for f in r["findings"]
        ]
        assert expired in messages, result.output


def test_metadata_help_leaves_aws_messages_to_the_catalogue(run_cli: RunCli) -> None:
    from samlcheck._internal.aws import ERRORS

    for args in (("metadata", "--help"), ("metadata", "check", "--help")):
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
        assert ERRORS["metadata-unparseable"].message.rstrip(".") not in result.stdout
