"""The public API: every documented name resolves, and a check runs through it end to end."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import testidp
from conftest import ROOT

import samlcheck


def _documented() -> dict[str, object]:
    """Each public name and the object the package docstring promises, imported directly."""
    from importlib.metadata import version

    from samlcheck import capture, findings, key_check, metadata_check, options, plan, report
    from samlcheck import response as response_check

    return {
        "__version__": version("samlcheck"),
        "read_capture": capture.read_capture,
        "decode_capture": capture.decode_capture,
        "Capture": capture.Capture,
        "Message": capture.Message,
        "check_response": response_check.check_response,
        "CheckOptions": options.CheckOptions,
        "check_metadata": metadata_check.check_metadata,
        "compare_metadata": metadata_check.compare,
        "check_keys": key_check.check_keys,
        "plan_provider": plan.plan,
        "Report": report.Report,
        "Result": report.Result,
        "Finding": findings.Finding,
        "Rule": findings.Rule,
        "Severity": findings.Severity,
    }


@pytest.mark.parametrize("name", samlcheck.__all__)
def test_every_public_name_is_the_documented_object(name: str) -> None:
    documented = _documented()
    assert set(samlcheck.__all__) == set(documented)
    if name == "__version__":
        assert samlcheck.__version__ == documented[name]
    else:
        assert getattr(samlcheck, name) is documented[name]


def test_all_lists_exactly_the_lazy_exports() -> None:
    assert set(samlcheck.__all__) == {"__version__", *samlcheck._EXPORTS}


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        samlcheck.no_such_thing  # noqa: B018


def test_response_check_through_the_public_api(signed_response: bytes) -> None:
    capture = samlcheck.decode_capture(testidp.as_base64(signed_response), "api")
    options = samlcheck.CheckOptions(
        metadata=(ROOT / "fixtures" / "idp" / "metadata.xml",),
        at=dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc),
    )
    result = samlcheck.check_response(capture.messages[0], options)
    report = samlcheck.Report((result,))
    assert result.verdict.accepted and report.exit_code() == 0
    assert result.claims is not None and result.claims.name_id == "alice@example.test"


def test_importing_samlcheck_loads_no_checker() -> None:
    probe = (
        "import sys, samlcheck\n"
        "loaded = [m for m in ('samlcheck.response', 'signxml', 'xmlschema', 'cryptography') "
        "if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
