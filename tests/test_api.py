"""The public API: every documented name resolves, and a check runs through it end to end."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
import testidp
from conftest import ROOT

import samlcheck


def _documented() -> dict[str, object]:
    """Each public name and the object the package docstring promises, imported directly."""
    from importlib.metadata import version

    from samlcheck._internal import aws, errors, findings, options, report
    from samlcheck._internal.checks.capture import check_capture
    from samlcheck._internal.checks.keys import check_keys
    from samlcheck._internal.checks.metadata import check_metadata, compare
    from samlcheck._internal.checks.provider import plan
    from samlcheck._internal.checks.response import check_response
    from samlcheck._internal.inputs import capture
    from samlcheck._internal.trust import provider

    return {
        "__version__": version("samlcheck"),
        "check_capture": check_capture,
        "read_capture": capture.read_capture,
        "decode_capture": capture.decode_capture,
        "Capture": capture.Capture,
        "Message": capture.Message,
        "check_response": check_response,
        "CheckOptions": options.CheckOptions,
        "check_metadata": check_metadata,
        "compare_metadata": compare,
        "check_keys": check_keys,
        "plan_provider": plan,
        "load_provider_state": provider.load_state,
        "ProviderState": provider.ProviderState,
        "ProviderChange": provider.ProviderChange,
        "PrivateKeyEntry": provider.PrivateKeyEntry,
        "Report": report.Report,
        "Result": report.Result,
        "Verdict": report.Verdict,
        "Claims": report.Claims,
        "RoleClaim": report.RoleClaim,
        "SignatureSummary": report.SignatureSummary,
        "Finding": findings.Finding,
        "Rule": findings.Rule,
        "Severity": findings.Severity,
        "AwsError": aws.AwsError,
        "InputError": errors.InputError,
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
        "loaded = [m for m in ('samlcheck._internal.checks.response', 'signxml', 'xmlschema',"
        " 'cryptography') "
        "if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_dir_shows_every_public_name() -> None:
    assert set(samlcheck.__all__) <= set(dir(samlcheck))


def _own_doc(obj: object) -> str:
    """The docstring written for `obj` (not inherited, not the signature dataclass makes up)."""
    if inspect.isclass(obj):
        doc = obj.__dict__.get("__doc__") or ""
        return "" if doc.startswith(f"{obj.__name__}(") else doc.strip()
    return (getattr(obj, "__doc__", None) or "").strip()


def _public_methods(cls: type) -> dict[str, object]:
    """The methods and properties `cls` itself defines, by name (enum members are values)."""
    found: dict[str, object] = {}
    for name, value in vars(cls).items():
        if isinstance(value, property):
            value = value.fget
        elif isinstance(value, (classmethod, staticmethod)):
            value = value.__func__
        if not name.startswith("_") and inspect.isfunction(value):
            found[name] = value
    return found


@pytest.mark.parametrize("name", [n for n in samlcheck.__all__ if n != "__version__"])
def test_every_public_name_and_method_has_a_docstring(name: str) -> None:
    obj = getattr(samlcheck, name)
    assert _own_doc(obj), f"samlcheck.{name} has no docstring"
    if inspect.isclass(obj):
        undocumented = [m for m, f in _public_methods(obj).items() if not _own_doc(f)]
        assert not undocumented, f"samlcheck.{name}: no docstring on {undocumented}"


def test_the_docstring_check_sees_a_missing_one() -> None:
    @dataclasses.dataclass
    class Bare:
        @property
        def size(self) -> int:
            return 0

    assert not _own_doc(Bare) and list(_public_methods(Bare)) == ["size"]
    assert not _own_doc(_public_methods(Bare)["size"])


CHROME_HAR = ROOT / "fixtures" / "captures" / "signin-chrome.har"
API_OPTIONS = samlcheck.CheckOptions(
    metadata=(ROOT / "fixtures" / "idp" / "metadata.xml",),
    at=dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.timezone.utc),
)


def test_check_capture_checks_the_responses_and_leaves_out_the_authn_request() -> None:
    capture = samlcheck.read_capture(str(CHROME_HAR))
    assert capture.messages[0].parameter == "SAMLRequest"
    report = samlcheck.check_capture(CHROME_HAR, API_OPTIONS)
    assert [r.source for r in report.results] == [m.source for m in capture.messages[1:]]
    assert report.accepted and report.exit_code() == 0


def test_check_capture_reads_bytes_as_it_reads_the_file() -> None:
    from_file = samlcheck.check_capture(CHROME_HAR, API_OPTIONS)
    from_bytes = samlcheck.check_capture(CHROME_HAR.read_bytes(), API_OPTIONS)
    assert [r.findings for r in from_bytes.results] == [r.findings for r in from_file.results]
    assert [r.claims for r in from_bytes.results] == [r.claims for r in from_file.results]


def test_check_capture_of_a_request_alone_answers_for_it() -> None:
    request = b'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="q"/>'
    query = b"SAMLRequest=" + testidp.as_base64(request)
    (result,) = samlcheck.check_capture(query, API_OPTIONS).results
    assert [f.rule.name for f in result.findings] == ["response-malformed"]


def test_check_capture_refuses_a_str_rather_than_guess_path_or_text() -> None:
    with pytest.raises(TypeError, match="Path or bytes"):
        samlcheck.check_capture(str(CHROME_HAR), API_OPTIONS)  # type: ignore[arg-type]


def test_check_capture_names_an_unreadable_capture(tmp_path: Path) -> None:
    with pytest.raises(samlcheck.InputError, match=r"absent\.har: cannot read the capture"):
        samlcheck.check_capture(tmp_path / "absent.har", API_OPTIONS)


def test_trust_comes_from_the_options_alone() -> None:
    """No `trust=` beside `options.metadata` that silently wins over it."""
    for function in (samlcheck.check_response, samlcheck.check_capture):
        assert list(inspect.signature(function).parameters)[1:] == ["options"]
    anchorless = dataclasses.replace(API_OPTIONS, metadata=())
    result = samlcheck.check_capture(CHROME_HAR, anchorless).results[0]
    assert result.signature.status == "unverifiable" and result.claims is not None
    assert result.verdict.unjudged == (
        "the signature: no trust anchor was given (--metadata or --cert)",
    )


def test_the_readme_api_script_runs_as_shown(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    api = readme.split("\n## API\n", 1)[1].split("\n## ", 1)[0]
    (script,) = re.findall(r"```python\n(.*?)```", api, re.DOTALL)
    assert "samlcheck.check_capture(" in script and "assert " in script
    assert len(script.strip().splitlines()) <= 15
    (tmp_path / "readme_api.py").write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(tmp_path / "readme_api.py")], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
