"""Assert on AWS's answer to a capture from your own tests (the pytest plugin uses the same code).

    from samlcheck.testing import assert_aws_answer

    def test_bob_is_denied():
        assert_aws_answer(
            "captures/bob.har",
            expect="Your request included an invalid SAML response",
            rule="SC-ATTR-001",
            metadata=["idp/metadata.xml"],
            at="capture",
        )

`expect` is "accepted" or a substring of AWS's answer; `rule` (optional) the deciding rule.
The keyword options are those of a suite case (`samlcheck check` options with `_` for `-`:
metadata, cert, at, role_arn, provider_arn, duration_seconds, max_session_duration, sp_key,
encryption_mode, idp_metadata, select, ignore); relative paths are relative to the working
directory. A capture is a path, or the bytes of one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["assert_aws_answer"]


def assert_aws_answer(
    capture: str | Path | bytes, expect: str, *, rule: str | None = None, **options: Any
) -> None:
    """Raise AssertionError, saying what AWS would answer instead, unless AWS answers `expect`
    (and the deciding rule is `rule`) to every SAMLResponse in `capture`. Raises
    samlcheck.InputError when the capture or an option cannot be read."""
    from samlcheck._internal.checks.capture import Checker
    from samlcheck._internal.checks.suite import is_rule_id, make_case, outcome, read_settings
    from samlcheck._internal.errors import InputError
    from samlcheck._internal.inputs.capture import decode_capture, read_capture

    if rule is not None and not is_rule_id(rule):
        raise InputError("rule", f"{rule!r} is not a rule ID", "e.g. SC-ATTR-001")
    settings = read_settings(options, Path.cwd(), "assert_aws_answer")
    source = Path("bytes") if isinstance(capture, bytes) else Path(capture)
    case = make_case(Path.cwd(), "assert_aws_answer", source, expect, rule, settings)
    decoded = (
        decode_capture(capture, "bytes")
        if isinstance(capture, bytes)
        else read_capture(str(capture))
    )
    results = [case.selection.apply(r) for r in Checker(case.options).check(decoded).results]
    checked = outcome(case, results)
    if not checked.passed:
        raise AssertionError(checked.explained())
