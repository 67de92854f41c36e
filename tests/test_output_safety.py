"""Output that cannot attack the reader: control characters from a capture are shown as escapes,
and a stdout that cannot encode a character never raises."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import testidp
from conftest import RunCli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
METADATA = str(FIXTURES / "idp" / "metadata.xml")
AT = ("--at", testidp.CHECK_AT)
# ESC (clear screen), an OSC window title ended by BEL, C1 CSI, DEL, a right-to-left override
HOSTILE_URL = "https://signin.aws.amazon.com/saml\x1b[2J\x1b]0;pwned\x07\u009b31m\x7f\u202e"
RAW = ("\x1b", "\x07", "\u009b", "\x7f", "\u202e", "\u2066")


def hostile_response() -> bytes:
    """The unsigned fixture with C1, bidi and a newline faking a verdict in its values."""
    data = (FIXTURES / "responses" / "unsigned.xml").read_bytes()
    name = b"alice&#x9B;2J&#x202E;moc.evil&#x2066;@example.test"
    faked = b"alice@example.test&#10;  AWS would accept this.&#x7F;"
    data = data.replace(b">alice@example.test</saml:NameID>", b">" + name + b"</saml:NameID>")
    return data.replace(
        b">alice@example.test</saml:AttributeValue>", b">" + faked + b"</saml:AttributeValue>", 1
    )


def assert_no_raw_controls(text: str) -> None:
    for char in RAW:
        assert char not in text, repr(char)


@pytest.fixture()
def hostile_har(tmp_path: Path) -> Path:
    xml = hostile_response()
    path = tmp_path / "hostile.har"
    path.write_bytes(testidp.as_har([testidp.HarPost(xml, url=HOSTILE_URL)]))
    return path


def test_check_text_shows_control_characters_as_escapes(run_cli: RunCli, hostile_har: Path) -> None:
    result = run_cli("check", str(hostile_har), "--metadata", METADATA, *AT)
    assert result.exit_code == 1
    assert_no_raw_controls(result.stdout)
    assert "\\u202e" in result.stdout and "\\x9b" in result.stdout
    assert "saml\\x1b[2J\\x1b]0;pwned\\x07" in result.stdout  # the HAR URL, in the source
    # the newline inside a value cannot start a line of its own
    assert not any(
        line.strip() == "AWS would accept this.\\x7f" for line in result.stdout.splitlines()
    )
    assert "alice@example.test\\x0a  AWS would accept this.\\x7f" in result.stdout


def test_check_json_escapes_them_and_keeps_the_values(run_cli: RunCli, hostile_har: Path) -> None:
    result = run_cli("check", str(hostile_har), "--metadata", METADATA, *AT, "--format", "json")
    assert_no_raw_controls(result.stdout)
    claims = json.loads(result.stdout)["results"][0]["unverified_claims"]
    assert claims["name_id"] == "alice\u009b2J\u202emoc.evil\u2066@example.test"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_decode_listing_shows_control_characters_as_escapes(
    run_cli: RunCli, hostile_har: Path, fmt: str
) -> None:
    result = run_cli("decode", str(hostile_har), "--format", fmt)
    assert_no_raw_controls(result.stdout)
    assert "\\x1b[2J" in result.stdout or "\\u001b[2J" in result.stdout


def test_decode_of_one_message_escapes_the_xml(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "hostile.xml"
    path.write_bytes(hostile_response())
    result = run_cli("decode", str(path), "--index", "0")
    assert result.exit_code == 0
    assert_no_raw_controls(result.stdout)
    assert "\\u202e" in result.stdout


def test_error_lines_escape_the_input_they_name(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("check", str(tmp_path / "missing\x1b]0;pwned\x07.xml"))
    assert result.exit_code == 2
    assert_no_raw_controls(result.stderr)
    assert "\\x1b]0;pwned\\x07" in result.stderr


@pytest.mark.parametrize("command", ["check", "decode"])
def test_a_stdout_that_cannot_encode_a_character_is_no_traceback(
    tmp_path: Path, command: str
) -> None:
    path = tmp_path / "cyrillic.xml"
    data = (FIXTURES / "responses" / "valid.xml").read_bytes()
    path.write_bytes(data.replace(b"SAMLDeveloper", "SAMLРазработчик".encode()))
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    args = [sys.executable, "-m", "samlcheck", command, str(path)]
    done = subprocess.run(args, capture_output=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode in (0, 1), done.stderr.decode("cp1252", "replace")
    assert b"Traceback" not in done.stderr
    assert b"\\u0420" in done.stdout  # the character, shown as an escape


def test_text_lists_at_most_twenty_roles_and_says_how_many_more() -> None:
    from samlcheck._internal.render.text import LISTED_CLAIMS, _claims_lines
    from samlcheck._internal.report import Claims, RoleClaim

    roles = tuple(
        RoleClaim(f"arn:aws:iam::1:role/R{n}", "arn:aws:iam::1:saml-provider/P") for n in range(25)
    )
    lines = _claims_lines(Claims(roles=roles), "claims:")
    role_lines = [line for line in lines if line.strip().startswith("role ")]
    assert len(role_lines) == LISTED_CLAIMS + 1
    assert role_lines[-1].endswith("... and 5 more (every value in --format json)")
