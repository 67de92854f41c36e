"""The committed fixtures are exactly what the generator writes, and every capture decodes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from samlcheck._internal.inputs.capture import read_capture
from samlcheck._internal.inputs.outline import outline


def test_committed_fixtures_match_the_generator() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_fixtures.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


EXPECTED = {
    "response.xml": ["_resp-0001"],
    "response-bom.xml": ["_resp-0001"],
    "response.b64": ["_resp-0001"],
    "response-wrapped.b64": ["_resp-0001"],
    "response-urlsafe.b64": ["_resp-0001"],
    "response-deflate.b64": ["_resp-0001"],
    "form-body.txt": ["_resp-0001"],
    "autopost.html": ["_resp-0001"],
    "ecp-soap.xml": ["_resp-0001"],
    "signin-chrome.har": ["_req-0001", "_resp-0001", "_resp-0002"],
    "signin-firefox.har": ["_resp-0001"],
    "signin-role-session-name.har": ["_req-0001", "_resp-0003"],
    "saml-tracer.json": ["_resp-0001", "_resp-0002"],
    "saml-tracer-unmasked.json": ["_resp-0001"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_capture_fixture_yields_its_messages(name: str) -> None:
    capture = read_capture(str(ROOT / "fixtures" / "captures" / name))
    assert [outline(m).id for m in capture.messages] == EXPECTED[name]


CARRY_THE_SIGNED_BYTES = [
    "response.b64",
    "response-wrapped.b64",
    "response-urlsafe.b64",
    "response-deflate.b64",
    "form-body.txt",
    "autopost.html",
    "signin-chrome.har",
    "signin-firefox.har",
    "saml-tracer-unmasked.json",
]


@pytest.mark.parametrize("name", CARRY_THE_SIGNED_BYTES)
def test_signed_bytes_are_identical_across_containers(name: str) -> None:
    exact = (ROOT / "fixtures" / "captures" / "response.xml").read_bytes()
    capture = read_capture(str(ROOT / "fixtures" / "captures" / name))
    first_response = next(m for m in capture.messages if m.parameter != "SAMLRequest")
    assert first_response.data == exact
