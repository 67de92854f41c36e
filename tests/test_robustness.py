"""Hostile and broken input: a finding or one clear InputError line, never a traceback.

Each test names the behaviour a robustness audit found missing; the fuzz tests at the end feed
arbitrary and mutated bytes to every entry point that reads user input.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from conftest import RunCli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samlcheck._internal.errors import InputError
from samlcheck._internal.inputs.files import read_limited, read_stream

if TYPE_CHECKING:
    import subprocess

    import jsonschema
    from typer.testing import Result as CliResult

    from samlcheck._internal.report import Result
    from samlcheck._internal.trust.anchors import Trust

T = TypeVar("T")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RESPONSE = FIXTURES / "captures" / "response.xml"
METADATA = FIXTURES / "idp" / "metadata.xml"
SP_KEY = FIXTURES / "idp" / "sp-encryption-key.pem"


def one_clear_line(result: CliResult) -> str:
    """The CLI refused the input with exit 2 and exactly one 'samlcheck: ...' line."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("samlcheck: "), result.stderr
    return lines[0]


class _Endless(io.RawIOBase):
    """A stream that never ends, like /dev/zero behind a pipe."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        buffer[:] = b"\0" * len(buffer)
        return len(buffer)


# --- bounded reads --------------------------------------------------------------------------------


def test_an_endless_stream_is_refused_after_the_limit_without_reading_it_all() -> None:
    with pytest.raises(InputError, match=r"holds more than 1,000 bytes \(the capture limit\)"):
        read_stream(io.BufferedReader(_Endless()), 1000, "stdin", "capture")


def test_a_file_at_the_limit_is_read_whole(tmp_path: Path) -> None:
    file = tmp_path / "exact"
    file.write_bytes(b"x" * 1000)
    assert read_limited(file, 1000) == b"x" * 1000
    file.write_bytes(b"x" * 1001)
    with pytest.raises(InputError, match="holds more than 1,000 bytes"):
        read_limited(file, 1000)


@pytest.fixture()
def dev_zero(tmp_path: Path) -> Path:
    """A symlink to /dev/zero: stat() says 0 bytes, reading never ends."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    link = tmp_path / "capture.xml"
    link.symlink_to("/dev/zero")
    return link


@pytest.mark.parametrize(
    "args",
    [
        ("check", "{zero}"),
        ("decode", "{zero}"),
        ("check", str(RESPONSE), "--cert", "{zero}"),
        ("check", str(RESPONSE), "--metadata", "{zero}"),
        ("keys", "{zero}"),
        ("keys", str(SP_KEY), "--cert", "{zero}"),
        ("provider", "plan", "--current", "{zero}"),
        ("provider", "plan", "--name", "x", "--metadata", "{zero}"),
        ("metadata", "{zero}"),
        ("metadata", str(METADATA), "--cert", "{zero}"),
        ("metadata", "diff", str(METADATA), "{zero}"),
    ],
)
def test_a_symlink_to_dev_zero_is_refused_in_bounded_memory(
    run_cli: RunCli, dev_zero: Path, args: tuple[str, ...]
) -> None:
    result = run_cli(*(a.format(zero=dev_zero) for a in args))
    assert "holds more than" in one_clear_line(result)


# --- XML refusals ---------------------------------------------------------------------------------


def test_a_nul_byte_in_xml_is_refused_on_one_line(run_cli: RunCli, tmp_path: Path) -> None:
    broken = tmp_path / "nul.xml"
    broken.write_bytes(RESPONSE.read_bytes().replace(b"<saml:Issuer", b"\0<saml:Issuer", 1))
    line = one_clear_line(run_cli("decode", str(broken)))
    assert "Char 0x0 out of allowed range, line" in line


# --- JSON -----------------------------------------------------------------------------------------

_DEEP_JSON = b'{"PrivateKeyList": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
_LONG_NUMBER = b'{"PrivateKeyList": [], "ValidUntil": ' + b"9" * 5000 + b"}"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (_DEEP_JSON, "nests arrays or objects too deeply"),
        (_LONG_NUMBER, "holds a number too long to read"),
        (b'{"PrivateKeyList": [{"KeyId": "\\ud800"}]}', "escapes a lone surrogate"),
        (b"\xff\xfe\x00\x00junk", "not JSON"),
    ],
)
def test_provider_state_json_that_python_cannot_hold_is_an_input_error(
    data: bytes, problem: str
) -> None:
    from samlcheck._internal.trust.provider import load_state

    with pytest.raises(InputError, match=problem):
        load_state(data, "current.json")


def test_provider_state_saved_as_utf16_by_powershell_is_read() -> None:
    from samlcheck._internal.trust.provider import load_state

    saved = '{"AssertionEncryptionMode": "Required", "PrivateKeyList": []}'.encode("utf-16")
    assert load_state(saved, "current.json").encryption_mode == "Required"


def test_provider_state_uuid_of_the_wrong_type_is_dropped() -> None:
    from samlcheck._internal.trust.provider import load_state

    state = load_state(b'{"PrivateKeyList": [], "SAMLProviderUUID": {"a": 1}}', "current.json")
    assert state.uuid is None


@pytest.mark.parametrize("data", [_DEEP_JSON, _LONG_NUMBER])
def test_metadata_that_is_json_python_cannot_hold_is_a_finding(data: bytes) -> None:
    from samlcheck._internal.checks.metadata import check_metadata

    result = check_metadata(data, "metadata.xml")
    assert [f.rule.name for f in result.findings] == ["metadata-not-well-formed"]


# --- captures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "capture",
    [
        b"SAMLResponse=PHI%C3%A9",
        b'<html><form><input name="SAMLResponse" value="PHI&eacute;Lz4="></form></html>',
    ],
)
def test_a_non_ascii_character_in_a_saml_value_is_named(capture: bytes) -> None:
    from samlcheck._internal.inputs.capture import decode_capture

    with pytest.raises(InputError, match="character 'é' is outside the alphabet"):
        decode_capture(capture, "capture")


def test_a_soap_envelope_with_comments_and_processing_instructions_is_read() -> None:
    from samlcheck._internal.inputs.capture import decode_capture

    response = RESPONSE.read_bytes().split(b"?>", 1)[-1]
    envelope = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><!-- relay --><?pi x?>'
        b"<s:Body><!-- c -->" + response + b"</s:Body></s:Envelope>"
    )
    found = decode_capture(envelope, "ecp.xml")
    assert found.container == "SOAP" and len(found.messages) == 1
    empty = envelope.replace(response, b"")
    with pytest.raises(InputError, match="has no SAML message"):
        decode_capture(empty, "ecp.xml")


# --- metadata -------------------------------------------------------------------------------------


@pytest.mark.parametrize("duration", ["P99999999999999999999Y", "PT99999999999999999999S"])
def test_a_cache_duration_beyond_the_validators_range_does_not_stop_the_check(
    duration: str,
) -> None:
    from samlcheck._internal.checks.metadata import check_metadata

    data = METADATA.read_bytes().replace(
        b"<md:EntityDescriptor ", f'<md:EntityDescriptor cacheDuration="{duration}" '.encode(), 1
    )
    result = check_metadata(data, "metadata.xml")
    assert "metadata-schema-invalid" not in [f.rule.name for f in result.findings]
    assert result.summary  # the check went on past schema validation


# --- options --------------------------------------------------------------------------------------


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
@pytest.mark.parametrize("command", [("check", str(RESPONSE)), ("metadata", str(METADATA))])
def test_an_at_instant_beyond_year_9999_in_utc_is_refused(
    run_cli: RunCli, at: str, command: tuple[str, ...]
) -> None:
    line = one_clear_line(run_cli(*command, "--at", at))
    assert "falls outside years 1 to 9999 once in UTC" in line


# --- metadata --write-fixed never modifies the input ----------------------------------------------


@pytest.fixture()
def bom_metadata(tmp_path: Path) -> Path:
    """Metadata whose only problem is a byte order mark: --write-fixed has something to write."""
    copy = tmp_path / "idp.xml"
    copy.write_bytes(b"\xef\xbb\xbf" + METADATA.read_bytes())
    return copy


@pytest.mark.parametrize("link", [os.link, os.symlink])
def test_write_fixed_refuses_a_hard_or_symbolic_link_to_the_input(
    run_cli: RunCli, bom_metadata: Path, link: Callable[[Path, Path], None]
) -> None:
    original = bom_metadata.read_bytes()
    alias = bom_metadata.with_name("alias.xml")
    link(bom_metadata, alias)
    line = one_clear_line(run_cli("metadata", str(bom_metadata), "--write-fixed", str(alias)))
    assert ("is an input file" if link is os.link else "is a symbolic link") in line
    assert bom_metadata.read_bytes() == original


def test_write_fixed_refuses_dash_instead_of_creating_a_file_named_dash(
    run_cli: RunCli, bom_metadata: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = one_clear_line(run_cli("metadata", str(bom_metadata), "--write-fixed", "-"))
    assert "'-' is not a file" in line and not (tmp_path / "-").exists()


def test_write_fixed_refuses_the_file_stdin_is_redirected_from(bom_metadata: Path) -> None:
    import subprocess
    import sys

    original = bom_metadata.read_bytes()
    with bom_metadata.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "samlcheck", "metadata", "-", "--write-fixed", bom_metadata],
            stdin=stdin,
            capture_output=True,
            timeout=60,
        )
    assert done.returncode == 2 and b"is an input file" in done.stderr
    assert bom_metadata.read_bytes() == original


# --- fuzzing: arbitrary and mutated bytes never raise anything but InputError ---------------------

_FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_AT = dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc)
_TOKENS = [
    b"<",
    b">",
    b"&",
    b"\x00",
    b"\xff\xfe",
    b"]]>",
    b"<!--",
    b"<?pi ",
    b"<!DOCTYPE x>",
    b"&#0;",
    b'"',
    b"=",
    b"%",
    b"+",
    b"{",
    b"[",
    b"9" * 40,
    b"P99999999999999999999Y",
    b"9999-12-31T23:59:59-14:00",
    b"0001-01-01T00:00:00+14:00",
    b"-----BEGIN CERTIFICATE-----",
    b"\\ud800",
]


def _files(*patterns: str) -> list[bytes]:
    found = [path.read_bytes() for pattern in patterns for path in sorted(FIXTURES.glob(pattern))]
    return [data for data in found if len(data) < 200_000]


_VALUES = [
    "",
    " ",
    "-1",
    "99999999999999999999999999",
    "NaN",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "2020-01-01T00:00:00+99:00",
    "2020-02-30T00:00:00Z",
    "99999-01-01T00:00:00Z",
    "P99999999999999999999Y",
    "-P1D",
    "PT0S",
    "#",
    "#missing",
    "urn:oasis:names:tc:SAML:2.0:status:Success",
    "arn:aws:iam::123456789012:role/R,arn:aws:iam::123456789012:saml-provider/P",
    ",,,",
    "MII" + "A" * 300,
    "!!!",
    "\u202e\U0001f600",
    "http://www.w3.org/2000/09/xmldsig#sha1",
    "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
]
_VALUE_SPOTS = re.compile(rb'="[^"<]*"|>[^<]+<')


@st.composite
def _mutated(draw: st.DrawFn, originals: list[bytes]) -> bytes:
    """A fixture with attribute values or texts swapped for nasty ones (still well-formed XML
    most of the time), then maybe a slice replaced by random bytes or the end cut off."""
    data = draw(st.sampled_from(originals))
    spots = list(_VALUE_SPOTS.finditer(data))
    for _ in range(draw(st.integers(0, 4))):
        if not spots:
            break
        spot = draw(st.sampled_from(spots))
        value = draw(st.sampled_from(_VALUES)).encode("utf-8")
        value = b'="' + value + b'"' if spot.group().startswith(b"=") else b">" + value + b"<"
        data = data[: spot.start()] + value + data[spot.end() :]
        spots = list(_VALUE_SPOTS.finditer(data))
    edit = draw(st.sampled_from(["none", "none", "patch", "cut"]))
    start = draw(st.integers(0, len(data)))
    if edit == "patch":
        end = draw(st.integers(start, min(len(data), start + 64)))
        patch = draw(st.one_of(st.binary(max_size=16), st.sampled_from(_TOKENS)))
        data = data[:start] + patch + data[end:]
    elif edit == "cut":
        data = data[:start]
    return data


def _only_input_errors(call: Callable[[bytes], T], data: bytes) -> T | None:
    """What `call` returns, or None when it refused the input with one clear InputError line."""
    try:
        return call(data)
    except InputError as error:
        assert error.line and "\n" not in error.line, error.line
        return None


@cache
def _report_schema() -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = json.loads((FIXTURES.parent / "samlcheck/schemas/report.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def _keeps_the_contract(result: Result | None, kind: str) -> None:
    """A judged input: the documented kind, JSON and exit codes; claims only from a signature."""
    from samlcheck._internal.render.json import report_dict
    from samlcheck._internal.report import Report

    if result is None:  # refused with an InputError (exit 2)
        return
    assert result.kind == kind
    report = Report((result,))
    _report_schema().validate(report_dict(report))
    assert report.exit_code() == (0 if result.verdict.accepted else 1)
    if result.verdict.accepted and kind == "response":
        assert result.signature.status == "valid"
    claims = result.claims
    if claims is not None and any(getattr(claims, f.name) for f in dataclasses.fields(claims)):
        assert result.signature.signed, (result.signature, claims)  # a verified signature


_CAPTURES = _files("captures/*")
_RESPONSES = _files("responses/*.xml", "encrypted/*.xml")
_METADATA = _files("metadata/*", "idp/metadata*.xml")
_KEYS = _files("keys/*", "idp/*.pem")
_STATES = _files("provider/*.json")


@_FUZZ
@given(data=st.one_of(st.binary(max_size=2048), _mutated(_CAPTURES)))
def test_fuzz_decode_capture_raises_only_input_errors(data: bytes) -> None:
    from samlcheck._internal.inputs.capture import decode_capture

    capture = _only_input_errors(lambda d: decode_capture(d, "fuzz"), data)
    if capture is not None:
        assert capture.messages, "a capture without messages must be an InputError"
        assert all(m.parameter in (None, "SAMLResponse", "SAMLRequest") for m in capture.messages)


@pytest.fixture(scope="module")
def trust() -> Trust:
    from samlcheck._internal.trust.anchors import load_trust

    return load_trust((METADATA,), ())


@_FUZZ
@given(data=st.one_of(st.binary(max_size=2048), _mutated(_RESPONSES)))
def test_fuzz_check_response_raises_only_input_errors(trust: Trust, data: bytes) -> None:
    from samlcheck._internal.checks.response import check_loaded
    from samlcheck._internal.inputs.capture import Message
    from samlcheck._internal.options import CheckOptions

    options = CheckOptions(metadata=(METADATA,), at=_AT, sp_keys=(SP_KEY,))
    result = _only_input_errors(lambda d: check_loaded(Message("fuzz", d), options, trust), data)
    _keeps_the_contract(result, "response")


@_FUZZ
@given(data=st.one_of(st.binary(max_size=2048), _mutated(_METADATA)))
def test_fuzz_check_metadata_raises_only_input_errors(data: bytes) -> None:
    from samlcheck._internal.checks.metadata import check_metadata

    result = _only_input_errors(lambda d: check_metadata(d, "fuzz", at=_AT), data)
    _keeps_the_contract(result, "metadata")


@_FUZZ
@given(data=st.one_of(st.binary(max_size=2048), _mutated(_KEYS)))
def test_fuzz_check_keys_never_raises(data: bytes) -> None:
    from samlcheck._internal.checks.keys import check_keys

    (result,) = check_keys([("fuzz", data)])  # bad content is a finding, never an exception
    _keeps_the_contract(result, "key")


@_FUZZ
@given(data=st.one_of(st.binary(max_size=2048), _mutated(_STATES)))
def test_fuzz_load_state_raises_only_input_errors(data: bytes) -> None:
    from samlcheck._internal.trust.provider import ProviderState, load_state

    state = _only_input_errors(lambda d: load_state(d, "fuzz"), data)
    assert state is None or isinstance(state, ProviderState)


def test_a_huge_certificate_text_is_not_handed_to_the_schema_validator() -> None:
    """xmlschema's base64Binary regex took ~200 bytes per character: 1.6 GB for a 9 MB cert."""
    import tracemalloc

    from samlcheck._internal.checks.metadata import check_metadata
    from samlcheck._internal.inputs.xml import parse
    from samlcheck._internal.trust import schema

    huge = b"<ds:X509Certificate>" + b"QUJD" * 250_000  # 1,000,000 characters of base64
    data = METADATA.read_bytes().replace(b"<ds:X509Certificate>", huge, 1)
    misplaced = data.replace(b"<md:KeyDescriptor", b"<md:Unknown/><md:KeyDescriptor", 1)
    check_metadata(METADATA.read_bytes(), "warm-up")
    tracemalloc.start()
    try:
        result = check_metadata(data, "metadata.xml")
        errors = schema.validate(parse(misplaced).root)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000, peak
    assert "certificate-unreadable" in [f.rule.name for f in result.findings]
    assert errors and errors[0].line is not None and "Unknown" in errors[0].reason


# --- certificates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "label"),
    [("keys/sp-encryption.pem", "PRIVATE KEY"), ("keys/public.pem", "PUBLIC KEY")],
)
def test_a_key_given_where_a_certificate_belongs_is_named(
    run_cli: RunCli, given: str, label: str
) -> None:
    line = one_clear_line(run_cli("keys", str(SP_KEY), "--cert", str(FIXTURES / given)))
    assert f"holds a PEM {label} block, not a certificate" in line


# --- usage errors ---------------------------------------------------------------------------------


def _console(*args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point (main), not the Typer app: usage errors are formatted there."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "samlcheck", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("check", str(RESPONSE), "--format", "yaml"),
            "samlcheck: check: Invalid value for '--format'",
        ),
        (("check", str(RESPONSE), "--bogus"), "samlcheck: check: No such option: --bogus"),
        (("metadata", "diff", str(METADATA)), "samlcheck: metadata diff: Missing argument 'NEW'."),
        (("chek",), "samlcheck: No such command 'chek'. Did you mean 'check'?"),
    ],
)
def test_a_usage_error_is_one_line_naming_the_command_and_its_help(
    args: tuple[str, ...], expected: str
) -> None:
    done = _console(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(expected), done.stderr
    assert done.stderr.rstrip().endswith("--help'.")


def test_the_entry_point_keeps_exit_codes_and_help() -> None:
    assert _console("--version").returncode == 0
    at = ("--at", "2026-01-15T12:01:00Z")
    assert _console("check", str(RESPONSE), *at, "--metadata", str(METADATA)).returncode == 0
    rejected = FIXTURES / "responses" / "role-missing.xml"
    assert _console("check", str(rejected), *at, "--metadata", str(METADATA)).returncode == 1
    bare = _console("metadata")
    assert bare.returncode == 2 and "diff" in bare.stdout and bare.stderr == ""


def test_a_lone_surrogate_escape_in_a_har_is_printable(run_cli: RunCli, tmp_path: Path) -> None:
    import base64
    import json

    value = base64.b64encode(RESPONSE.read_bytes()).decode()
    request: dict[str, Any] = {"method": "POST", "url": "https://signin.aws.amazon.com/saml\ud800"}
    request["postData"] = {"params": [{"name": "SAMLResponse", "value": value}]}
    har = tmp_path / "signin.har"
    har.write_text(json.dumps({"log": {"entries": [{"request": request}]}}))  # ASCII: \ud800
    for args in (("decode", str(har)), ("check", str(har), "-f", "json")):
        result = run_cli(*args)
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        assert result.exit_code in (0, 1) and not crashed, result.exception
        assert "saml\ufffd" in result.stdout


def test_a_json_capture_with_a_5000_digit_number_is_refused_plainly() -> None:
    from samlcheck._internal.inputs.capture import decode_capture

    with pytest.raises(InputError, match=r"\(a number in it is too long\)"):
        decode_capture(b'{"log": {"entries": [' + b"1" * 5000 + b"]}}", "trace.har")


@pytest.mark.parametrize(
    ("option", "given", "problem"),
    [
        ("--sp-key", "folder", "is a directory"),
        ("--idp-metadata", "folder", "cannot read the metadata"),
        ("--idp-metadata", "not-xml", "the data is not XML"),
    ],
)
def test_a_bad_file_is_refused_even_when_the_check_would_not_need_it(
    run_cli: RunCli, tmp_path: Path, option: str, given: str, problem: str
) -> None:
    """The signature verifies and the response is not encrypted: the file is still named."""
    (tmp_path / "folder").mkdir()
    (tmp_path / "not-xml").write_bytes(b"certainly not metadata")
    at = ("--at", "2026-01-15T12:01:00Z", "--metadata", str(METADATA))
    line = one_clear_line(run_cli("check", str(RESPONSE), *at, option, str(tmp_path / given)))
    assert problem in line


# --- documents with thousands of siblings or signatures -------------------------------------------


def test_path_of_indexes_match_for_a_parent_with_thousands_of_children() -> None:
    from lxml import etree

    from samlcheck._internal.inputs.xml import path_of

    root = etree.fromstring(
        b"<r>" + b"<a/><b/><a/>" * 1000 + b"<!-- c --><c/></r>"
    )  # 3,001 elements: the indexed path
    children = [c for c in root if isinstance(c.tag, str)]
    assert path_of(children[0]) == "/r/a[1]"
    assert path_of(children[1]) == "/r/b[1]"
    assert path_of(children[-2]) == "/r/a[2000]"
    assert path_of(children[-1]) == "/r/c"
    small = etree.fromstring(b"<r><a/><b/><a/></r>")
    assert [path_of(c) for c in small] == ["/r/a[1]", "/r/b", "/r/a[2]"]


def test_only_the_first_signatures_are_verified_and_the_rest_still_reported(
    trust: Trust,
) -> None:
    import re

    from samlcheck._internal.checks.response import check_loaded
    from samlcheck._internal.inputs.capture import Message
    from samlcheck._internal.options import CheckOptions
    from samlcheck._internal.stages.signature import MAX_VERIFIED_SIGNATURES

    data = RESPONSE.read_bytes()
    signature = re.search(rb"<ds:Signature.*?</ds:Signature>", data, re.S)
    assert signature is not None
    flood = data.replace(signature.group(), signature.group() * 50, 1)
    options = CheckOptions(metadata=(METADATA,), at=_AT)
    result = check_loaded(Message("flood.xml", flood), options, trust)
    names = [f.rule.name for f in result.findings]
    assert names.count("signed-content-changed") == MAX_VERIFIED_SIGNATURES
    assert "signature-reference-count" in names
