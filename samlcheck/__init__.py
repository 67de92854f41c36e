"""samlcheck: predict the exact error AWS returns for a SAML sign-in, metadata upload or key.

The public API (every name below, nothing else; loaded on first use, so that importing
samlcheck and starting the CLI stay light):

- `check_capture(path_or_bytes, CheckOptions(...))` -> `Report`: what `samlcheck check` does for
  one capture (every SAMLResponse in it; AuthnRequests beside them are left out)
- `read_capture(path, text=None)` / `decode_capture(data, source)` -> `Capture` of `Message`s
- `check_response(message, CheckOptions(...))` -> `Result` (kind "response")
- `check_metadata(data, source, at=None, cert=None, issuer=None)` -> `Result` (kind "metadata")
- `compare_metadata(old, new, ...)` -> `Result` (what changed between two metadata versions)
- `check_keys([(source, pem_bytes), ...], cert=None)` -> `tuple[Result, ...]` (kind "key")
- `plan_provider(current, ProviderChange(...))` -> `Result` (kind "provider"); `current` is a
  `ProviderState` (of `PrivateKeyEntry`s) from `load_provider_state(data, source)`, or None
- the report model: `Report` of `Result`s, each with its `Finding`s (of a `Rule`, a `Severity`
  and maybe an `AwsError`), its `Verdict`, `Claims` (of `RoleClaim`s) and `SignatureSummary`
- `InputError`: input samlcheck cannot read (which input, what is wrong, what to do)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "check_capture": ("samlcheck.api", "check_capture"),
    "read_capture": ("samlcheck.capture", "read_capture"),
    "decode_capture": ("samlcheck.capture", "decode_capture"),
    "Capture": ("samlcheck.capture", "Capture"),
    "Message": ("samlcheck.capture", "Message"),
    "check_response": ("samlcheck.response", "check_response"),
    "CheckOptions": ("samlcheck.options", "CheckOptions"),
    "check_metadata": ("samlcheck.metadata_check", "check_metadata"),
    "compare_metadata": ("samlcheck.metadata_check", "compare"),
    "check_keys": ("samlcheck.key_check", "check_keys"),
    "plan_provider": ("samlcheck.plan", "plan"),
    "load_provider_state": ("samlcheck.provider", "load_state"),
    "ProviderState": ("samlcheck.provider", "ProviderState"),
    "ProviderChange": ("samlcheck.provider", "ProviderChange"),
    "PrivateKeyEntry": ("samlcheck.provider", "PrivateKeyEntry"),
    "Report": ("samlcheck.report", "Report"),
    "Result": ("samlcheck.report", "Result"),
    "Verdict": ("samlcheck.report", "Verdict"),
    "Claims": ("samlcheck.report", "Claims"),
    "RoleClaim": ("samlcheck.report", "RoleClaim"),
    "SignatureSummary": ("samlcheck.report", "SignatureSummary"),
    "Finding": ("samlcheck.findings", "Finding"),
    "Rule": ("samlcheck.findings", "Rule"),
    "Severity": ("samlcheck.findings", "Severity"),
    "AwsError": ("samlcheck.aws", "AwsError"),
    "InputError": ("samlcheck.errors", "InputError"),
}

__all__ = [
    "AwsError",
    "Capture",
    "CheckOptions",
    "Claims",
    "Finding",
    "InputError",
    "Message",
    "PrivateKeyEntry",
    "ProviderChange",
    "ProviderState",
    "Report",
    "Result",
    "RoleClaim",
    "Rule",
    "Severity",
    "SignatureSummary",
    "Verdict",
    "__version__",
    "check_capture",
    "check_keys",
    "check_metadata",
    "check_response",
    "compare_metadata",
    "decode_capture",
    "load_provider_state",
    "plan_provider",
    "read_capture",
]

if TYPE_CHECKING:
    from samlcheck.api import check_capture
    from samlcheck.aws import AwsError
    from samlcheck.capture import Capture, Message, decode_capture, read_capture
    from samlcheck.errors import InputError
    from samlcheck.findings import Finding, Rule, Severity
    from samlcheck.key_check import check_keys
    from samlcheck.metadata_check import check_metadata
    from samlcheck.metadata_check import compare as compare_metadata
    from samlcheck.options import CheckOptions
    from samlcheck.plan import plan as plan_provider
    from samlcheck.provider import PrivateKeyEntry, ProviderChange, ProviderState
    from samlcheck.provider import load_state as load_provider_state
    from samlcheck.report import Claims, Report, Result, RoleClaim, SignatureSummary, Verdict
    from samlcheck.response import check_response


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'samlcheck' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    return getattr(importlib.import_module(module), attribute)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
